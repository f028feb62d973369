"""Injected faults: CARG generation against a real local OpenAI-compatible teacher (127.0.0.1)
that answers 500s, 429s, timeouts, truncated and malformed JSON. Transient faults are retried with
backoff; a batch that still fails is recorded in ``carg_failures`` and stops the run with nothing
half-written; a rerun completes with exactly the samples of a fault-free run."""

from __future__ import annotations

import json

import pytest
from openai_stub_server import StubLLMServer

from gtm_core.carg.generate import FAILURES_TABLE, CargConfig, GenerationFailed, Generator
from gtm_core.carg.records import PROGRESS_TABLE, SAMPLES_TABLE
from gtm_core.llm.openai_compat import OpenAIChat
from gtm_core.spec import ToolSpec
from gtm_core.storage import Store

pytestmark = pytest.mark.reliability

PARAMS = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "check_in": {"type": "string", "format": "date"},
        "check_out": {"type": "string", "format": "date"},
    },
    "required": ["city", "check_in", "check_out"],
}
RESP = {"type": "object", "properties": {"city": {"type": "string"}, "count": {"type": "integer"}}}
SPECS = [
    ToolSpec.parse(
        {
            "name": f"search_hotels_{i}",
            "description": f"Search hotels (variant {i}).",
            "parameters": PARAMS,
            "response": RESP,
            "field": "Travel",
        }
    )
    for i in range(6)
]
SAMPLE = {
    "context": "A traveller wants hotels in Paris in June.",
    "arguments": {"city": "Paris", "check_in": "2025-06-10", "check_out": "2025-06-12"},
    "output": {"city": "Paris", "count": 2},
}


def _answer(body: dict) -> str:
    return "Here you go:\n```json\n" + json.dumps({"samples": [SAMPLE, SAMPLE]}) + "\n```"


def _run(store: Store, srv: StubLLMServer, max_retries: int = 2):
    chat = OpenAIChat(
        "stub-teacher",
        srv.base_url,
        timeout_s=0.5,
        max_retries=max_retries,
        concurrency=1,
        backoff_s=0.01,
    )
    gen = Generator(store, chat, cfg=CargConfig(samples_per_tool=2, batch_tools=2, max_rounds=1))
    return gen, gen.run_single("travel", "Travel", SPECS)


def _content(store: Store):
    return store.query(f"select sample_id, arguments, output from {SAMPLES_TABLE} order by 1")


def test_faults_are_retried_recorded_and_resumed(tmp_path):
    ref = Store(tmp_path / "ref.duckdb")
    with StubLLMServer(_answer) as srv:
        _run(ref, srv)
    assert ref.count(SAMPLES_TABLE) == 12

    store = Store(tmp_path / "run.duckdb")
    # batch 1: each request meets transient faults, then succeeds; batch 2:
    # the first request fails 3 times
    faults = [500, 429, None, "truncated", "malformed", None, "slow", 500, 503]
    with (
        StubLLMServer(_answer, faults=faults, slow_s=1.5) as srv,
        pytest.raises(GenerationFailed) as e,
    ):
        _run(store, srv)
    assert len(srv.requests) >= 9 and "HTTP 503" in str(e.value) and "rerun" in str(e.value)
    fails = store.read(FAILURES_TABLE)
    assert len(fails) == 1
    f = fails.iloc[0]
    assert f["scenario"] == "single" and f["role"] == "teacher" and "HTTP 503" in f["error"]
    assert sorted(json.loads(f["tool_uids"])) == sorted(
        s.uid for s in SPECS[2:4]
    )  # the batch in flight (sorted by name)
    # nothing half-written: batch 1 committed whole, batch 2 not at all
    assert store.count(SAMPLES_TABLE) == 4 and store.count(PROGRESS_TABLE) == 2

    with StubLLMServer(_answer) as srv:
        _, st = _run(store, srv)
    assert st.skipped_units == 2 and len(srv.requests) == 4
    ids = store.query(f"select sample_id from {SAMPLES_TABLE}")["sample_id"].tolist()
    assert len(ids) == len(set(ids)) == 12
    assert _content(store).equals(_content(ref))
