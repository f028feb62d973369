"""LLM layer: JSON extraction, the offline teacher's determinism, the OpenAI-compatible backend
against a real local HTTP server (retries on 500/429/timeouts/malformed bodies), taxonomy growth."""

import json

import pytest
from openai_stub_server import StubLLMServer

from gtm_core.llm import (
    ChatRequest,
    OutputParseError,
    extract_json,
    make_chat_model,
    prompt_request,
)
from gtm_core.llm.openai_compat import LLMRequestError, OpenAIChat
from gtm_core.settings import LLMSettings
from gtm_core.tools.taxonomy import build_taxonomy, load_seed_taxonomy


@pytest.mark.parametrize(
    "text,expected",
    [
        ('{"a": 1}', {"a": 1}),
        ('Sure! ```json\n{"a": [1, 2]}\n``` hope it helps', {"a": [1, 2]}),
        ('The answer is {"field": "Insurance"} as requested.', {"field": "Insurance"}),
        ("[1, 2, 3]", [1, 2, 3]),
    ],
)
def test_extract_json(text, expected):
    assert extract_json(text) == expected


def test_extract_json_rejects_prose():
    with pytest.raises(OutputParseError, match="no JSON"):
        extract_json("no json here")


def test_offline_teacher_is_deterministic_and_refuses_unknown_tasks():
    from gtm_core.llm.offline import OfflineTeacher, UnsupportedTask

    t = OfflineTeacher(seed=3)
    with pytest.raises(UnsupportedTask, match="expand_fields"):
        t.generate(
            [prompt_request("expand_fields", {"exemplars": ["A", "B"], "existing": ["A", "B"]})]
        )


def _answer(body: dict) -> str:
    user = body["messages"][-1]["content"]
    if "Propose ONE new field" in user:
        n = sum(1 for _ in user)  # deterministic but varied by prompt length
        return json.dumps({"field": f"Generated Field {n}", "rationale": "x"})
    if "subfields of this field" in user:
        return "Here you go: " + json.dumps({"subfields": ["Alpha", "Beta", "Gamma", "Delta"]})
    return json.dumps({"echo": user[:20]})


def test_openai_backend_retries_faults_and_succeeds():
    with StubLLMServer(
        _answer, faults=[500, 429, "truncated", "malformed", "slow"], slow_s=1.5
    ) as srv:
        chat = OpenAIChat(
            "stub", srv.base_url, timeout_s=0.5, max_retries=6, concurrency=1, backoff_s=0.01
        )
        out = chat.generate(
            [
                ChatRequest(
                    messages=[{"role": "user", "content": "hello"}],
                    response_schema={"type": "object"},
                )
            ]
        )
        assert json.loads(out[0]) == {"echo": "hello"}
        assert len(srv.requests) == 6  # five faults, then the answer
        assert srv.requests[0]["response_format"]["type"] == "json_schema"


def test_openai_backend_reports_final_failure():
    with StubLLMServer(_answer, faults=[500] * 10) as srv:
        chat = OpenAIChat("stub", srv.base_url, max_retries=2, backoff_s=0.01)
        with pytest.raises(LLMRequestError, match="HTTP 500"):
            chat.generate([ChatRequest(messages=[{"role": "user", "content": "x"}])])


def test_taxonomy_grows_with_an_llm_endpoint():
    with StubLLMServer(_answer) as srv:
        chat = make_chat_model(LLMSettings(backend="openai", model="stub", base_url=srv.base_url))
        seed = load_seed_taxonomy()
        tax, log = build_taxonomy(
            seed, chat, target_fields=len(seed.fields) + 3, subfields_per_field=4, seed=1
        )
        assert len(tax.fields) == len(seed.fields) + 3
        grown = [f for f, o in tax.origin.items() if o == "llm"]
        assert len(grown) == 3 and all(
            tax.subfields[f] == ["Alpha", "Beta", "Gamma", "Delta"] for f in grown
        )
        prompts = [
            r["messages"][-1]["content"]
            for r in srv.requests
            if "Propose ONE" in r["messages"][-1]["content"]
        ]
        assert all(p.count("\n1. ") == 1 and "\n2. " in p for p in prompts)  # two exemplars each


def test_offline_taxonomy_is_the_seed():
    from gtm_core.llm.offline import OfflineTeacher

    seed = load_seed_taxonomy()
    tax, log = build_taxonomy(seed, OfflineTeacher(), target_fields=100, subfields_per_field=8)
    assert tax.subfields == seed.subfields and log == []
    assert len(seed.fields) >= 30 and all(len(s) >= 3 for s in seed.subfields.values())


def test_prompt_contract_bounds_long_sessions():
    from gtm_core import chat_format as cf
    from gtm_core.spec import ToolSpec

    spec = ToolSpec.parse(
        {
            "name": "read_page",
            "description": "d" * 10_000,
            "parameters": {"type": "object", "properties": {"url": {"type": "string"}}},
        }
    )
    history = [
        {"tool": "read_page", "arguments": {"url": f"u{i}"}, "output": "x" * 50_000}
        for i in range(40)
    ]
    text = cf.user_content(spec, {"url": "y" * 9000}, history)
    budget = cf.TOOL_CHARS + cf.CALL_CHARS + cf.HISTORY_CHARS + cf.HISTORY_ITEM_CHARS + 400
    assert len(text) < budget
    assert "HISTORY[39]" in text and "HISTORY[0]" not in text and "earlier call(s) omitted" in text
    assert "chars truncated]" in text and text.rstrip().splitlines()[-1].startswith("CALL: ")
    short = cf.user_content(spec, {"url": "a"}, history[:2])
    assert "HISTORY[0]" in short and "omitted" not in short
