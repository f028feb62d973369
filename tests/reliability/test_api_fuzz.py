"""API fuzzing: schemathesis against the HTTP server's own OpenAPI document (real uvicorn on
127.0.0.1, bearer token on): no 5xx, every status code, content type and body as documented."""

from __future__ import annotations

import os

import httpx
import pytest
from apifuzz import run_api_fuzz
from fuzzing import call_specs

from gtm_core.serve.http import create_app, running
from gtm_core.serve.rl import search_spec
from gtm_core.simulator import Simulator

pytestmark = pytest.mark.reliability
TOKEN = "fuzz-token"


@pytest.fixture(scope="module")
def server():
    sim = Simulator(call_specs() + [search_spec()])
    with running(create_app(sim, token=TOKEN, max_body_bytes=64 * 1024, max_batch_calls=16)) as url:
        yield url


def test_schemathesis_no_5xx_and_responses_as_documented(server):
    st = run_api_fuzz(server, TOKEN, int(os.environ.get("GTM_API_FUZZ_EXAMPLES", "25")))
    assert st.cases >= 100
    assert st.http_5xx == 0, st.failures
    assert not st.failures, "\n".join(st.failures[:5])
    assert any(400 <= c < 500 for c in st.by_status) and 200 in st.by_status


def test_every_route_documents_its_answers(server):
    spec = httpx.get(f"{server}/openapi.json").json()
    for path, ops in spec["paths"].items():
        if path == "/mcp":
            continue
        for method, op in ops.items():
            ok = [c for c in op["responses"] if c.startswith("2")]
            assert ok and "schema" in op["responses"][ok[0]]["content"].get(
                "application/json", {"schema": 1}
            ), (path, method)


def test_lone_surrogates_and_nan_are_answered_not_500(server):
    h = {"Authorization": f"Bearer {TOKEN}", "content-type": "application/json"}
    r = httpx.post(f"{server}/v1/simulate", content=b'{"tool": "\\udc00x"}', headers=h)
    assert (
        r.status_code == 404 and r.json()["detail"]["field"] == "tool"
    )  # was a 500 (UnicodeEncodeError)
    r = httpx.post(
        f"{server}/v1/simulate", content=b'{"tool": "open_any", "arguments": {"x": NaN}}', headers=h
    )
    assert r.status_code == 400 and "NaN" in r.json()["detail"]["reason"]
