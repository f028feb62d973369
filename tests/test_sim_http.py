"""HTTP front on a real uvicorn server bound to 127.0.0.1."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from _sim_support import real_specs, tiny_model_dir  # noqa: F401 - fixture

from gtm_core.serve.http import create_app, running
from gtm_core.serve.rl import AsyncSimulatorClient, SimulatorClient, search_spec
from gtm_core.simulator import Simulator
from gtm_core.synth import ValueSynth

TOKEN = "s3cret"


@pytest.fixture(scope="module")
def specs():
    return (
        real_specs("api_bank_tools.jsonl")
        + real_specs("seal_tools_tools.jsonl", 200)
        + [search_spec()]
    )


@pytest.fixture(scope="module")
def server(specs):
    sim = Simulator(specs)
    app = create_app(sim, token=TOKEN, max_body_bytes=64 * 1024)
    with running(app) as url:
        yield url, sim


def _auth():
    return {"Authorization": f"Bearer {TOKEN}"}


def test_binds_localhost_and_needs_the_token(server):
    url, _ = server
    assert url.startswith("http://127.0.0.1:")
    r = httpx.post(f"{url}/v1/simulate", json={"tool": "GetToday", "arguments": {}})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    r = httpx.post(
        f"{url}/v1/simulate",
        json={"tool": "GetToday", "arguments": {}},
        headers={"Authorization": "Bearer nope"},
    )
    assert r.status_code == 401
    assert httpx.get(f"{url}/healthz").json()["status"] == "ok"  # liveness stays open


def test_bad_requests_get_4xx_with_a_reason(server):
    url, _ = server
    c = httpx.Client(base_url=url, headers=_auth())
    r = c.post(
        "/v1/simulate",
        content=b'{"tool": "GetToday", ',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 400 and "invalid JSON" in r.json()["detail"]["reason"]
    r = c.post("/v1/simulate", content=b"")
    assert r.status_code == 400 and "empty body" in r.json()["detail"]["reason"]
    r = c.post("/v1/simulate", content=b'{"x": "' + b"a" * 70_000 + b'"}')
    assert r.status_code == 413 and "exceeds the limit" in r.json()["detail"]["reason"]

    def chunks():  # no content-length: the limit holds while streaming
        for _ in range(20):
            yield b"a" * 8192

    r = c.post("/v1/simulate", content=chunks())
    assert r.status_code == 413
    r = c.post("/v1/simulate", json={"arguments": {}})
    assert r.status_code == 422 and r.json()["detail"]["field"] == "tool"
    r = c.post("/v1/simulate", json={"tool": "GetToday", "options": {"temperature": -1}})
    assert r.status_code == 422 and r.json()["detail"]["field"] == "options.temperature"
    r = c.post("/v1/simulate", json={"tool": "NoSuchTool"})
    assert r.status_code == 404 and "NoSuchTool" in r.json()["detail"]["reason"]
    r = c.post("/v1/simulate/batch", json={"calls": [{"tool": "GetToday"}, {"tool": 3}]})
    assert r.status_code == 422 and r.json()["detail"]["field"] == "calls[1].tool"


def test_gate_answers_and_model_answers(server):
    url, _ = server
    with SimulatorClient(url, TOKEN) as c:
        r = c.simulate("AddAgenda", {"content": "x"})
        assert r["source"] == "gate" and r["output"]["error"]["type"] == "missing_required"
        args = ValueSynth(0).arguments(
            c._c.get("/v1/tools/QueryAgenda").json()["parameters"], fill_optional=0
        )
        r = c.simulate("QueryAgenda", args)
        assert r["source"] == "model" and not r["is_error"]
        res = c.simulate_batch(
            [{"tool": "QueryAgenda", "arguments": args}, {"tool": "AddAgenda", "arguments": {}}]
        )
        assert [x["source"] for x in res] == ["cache", "gate"]


def test_cache_correct_across_a_write(server):
    url, sim = server
    with SimulatorClient(url, TOKEN) as c:
        sid = c.create_session(seed=4)
        q = ValueSynth(1).arguments(sim.tools["QueryAgenda"].parameters, fill_optional=0)
        a = ValueSynth(2).arguments(sim.tools["AddAgenda"].parameters, fill_optional=0)
        seq = [
            ("QueryAgenda", q),
            ("QueryAgenda", q),
            ("AddAgenda", a),
            ("QueryAgenda", q),
            ("QueryAgenda", q),
        ]
        sources = [c.simulate(t, x, session_id=sid)["source"] for t, x in seq]
        assert sources == ["model", "cache", "model", "model", "cache"]
        s = c.session(sid)
        assert (
            s["state_version"] == 1
            and len(s["log"]) == 5
            and s["history"][2]["tool"] == "AddAgenda"
        )
        # replay the recorded rollout call for call, then a reset with the same seed reproduces it
        log = s["log"]
        c.replay(sid, log)
        assert [c.simulate(t, x, session_id=sid)["output"] for t, x in seq] == [
            r["output"] for r in log
        ]
        c.reset(sid, 4)
        again = [c.simulate(t, x, session_id=sid) for t, x in seq]
        assert [r["output"] for r in again] == [r["output"] for r in log]
        assert [r["source"] for r in again] == sources
        r = c._c.delete(f"/v1/sessions/{sid}")
        assert r.status_code == 200 and c._c.get(f"/v1/sessions/{sid}").status_code == 404


def test_concurrent_clients_are_batched(server):
    url, sim = server
    tools = [sim.tools[s.name] for s in real_specs("seal_tools_tools.jsonl", 200)][:100]

    async def go():
        c = AsyncSimulatorClient(url, TOKEN)
        calls = [
            {
                "tool": s.name,
                "arguments": ValueSynth(i).arguments(s.parameters),
                "options": {"use_cache": False},
            }
            for i, s in enumerate(tools)
        ]
        out = await c.simulate_many(calls)
        await c.aclose()
        return out

    before = sim.counters["model_batches"]
    out = asyncio.run(go())
    assert len(out) == 100 and all(r["source"] == "model" for r in out)
    assert sim.counters["model_batches"] - before < 100  # requests from many clients shared batches
    m = httpx.get(f"{url}/metrics").text
    assert 'gtm_sim_results_total{source="model"}' in m and "gtm_batch_size_bucket" in m
    assert "gtm_call_latency_seconds_bucket" in m


def test_openapi_and_search_r1_retrieve(server):
    url, _ = server
    spec = httpx.get(f"{url}/openapi.json").json()
    assert {"/v1/simulate", "/v1/simulate/batch", "/v1/sessions", "/retrieve"} <= set(spec["paths"])
    assert "requestBody" in spec["paths"]["/v1/simulate"]["post"]
    r = httpx.post(
        f"{url}/retrieve",
        headers=_auth(),
        json={
            "queries": ["who wrote hamlet", "capital of peru"],
            "topk": 3,
            "ground_truths": ["William Shakespeare", None],
        },
    )
    res = r.json()["result"]
    assert r.status_code == 200 and len(res) == 2 and 1 <= len(res[0]) <= 3
    assert "William Shakespeare" in res[0][0]["document"]["contents"]
    assert [d["score"] for d in res[0]] == sorted((d["score"] for d in res[0]), reverse=True)


def test_overload_answers_503_with_retry_after(tiny_model_dir):  # noqa: F811
    from gtm_core.simulator.backends import TransformersSimBackend

    specs = [s for s in real_specs("seal_tools_tools.jsonl", 100) if s.response_schema][:24]
    sim = Simulator(specs, TransformersSimBackend(tiny_model_dir, max_tokens=48), max_tokens=48)
    app = create_app(sim, max_queue=2, max_batch=1, max_wait_ms=0)
    with running(app) as url:

        async def go():
            async with httpx.AsyncClient(base_url=url, timeout=120) as c:
                return await asyncio.gather(
                    *(
                        c.post(
                            "/v1/simulate",
                            json={
                                "tool": s.name,
                                "arguments": ValueSynth(i).arguments(s.parameters),
                            },
                        )
                        for i, s in enumerate(specs)
                    )
                )

        rs = asyncio.run(go())
    codes = [r.status_code for r in rs]
    assert 503 in codes and 200 in codes and set(codes) <= {200, 503}, codes
    busy = next(r for r in rs if r.status_code == 503)
    assert busy.headers["retry-after"] == "1" and "queue is full" in busy.json()["detail"]["reason"]
