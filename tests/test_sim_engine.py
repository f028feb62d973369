"""Engine: sessions, state-aware cache, reset/replay, faults, options, repositories (offline
backend)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from _sim_support import CountingBackend, real_specs, tiny_model_dir  # noqa: F401 - fixture
from jsonschema import Draft202012Validator

from gtm_core.simulator import SimCall, SimOptions, Simulator, load_tools
from gtm_core.simulator.output_check import check_output
from gtm_core.simulator.session import ReplayMismatch, is_state_changing
from gtm_core.spec import ToolSpec
from gtm_core.storage import Store


@pytest.fixture()
def agenda():
    specs = {s.name: s for s in real_specs("api_bank_tools.jsonl")}
    return [
        specs[n] for n in ("AddAgenda", "QueryAgenda", "DeleteAgenda", "GetToday", "ModifyAgenda")
    ]


def test_write_heuristic_and_override(agenda):
    by = {s.name: s for s in agenda}
    assert is_state_changing(by["AddAgenda"]) and is_state_changing(by["DeleteAgenda"])
    assert not is_state_changing(by["QueryAgenda"]) and not is_state_changing(by["GetToday"])
    assert not is_state_changing(by["AddAgenda"], {"AddAgenda": False})


def _args(spec):
    from gtm_core.synth import ValueSynth

    return ValueSynth(1).arguments(spec.parameters, fill_optional=0.0)


def test_cache_is_invalidated_by_a_write(agenda):
    by = {s.name: s for s in agenda}
    be = CountingBackend()
    sim = Simulator(agenda, be)
    sid = sim.create_session(seed=3).id
    q = _args(by["QueryAgenda"])
    r1 = sim.simulate("QueryAgenda", q, session_id=sid)
    r2 = sim.simulate(
        "QueryAgenda", dict(reversed(list(q.items()))), session_id=sid
    )  # key order irrelevant
    assert (r1.source, r2.source) == ("model", "cache") and r2.output == r1.output
    w = sim.simulate("AddAgenda", _args(by["AddAgenda"]), session_id=sid)
    assert w.source == "model"
    w2 = sim.simulate("AddAgenda", _args(by["AddAgenda"]), session_id=sid)
    assert w2.source == "model"  # writes are never served from the cache
    r3 = sim.simulate("QueryAgenda", q, session_id=sid)
    assert r3.source == "model"  # state changed: the read is simulated again
    assert sim.simulate("QueryAgenda", q, session_id=sid).source == "cache"
    assert be.requests == 4
    # a gate error does not change state
    sim.simulate("AddAgenda", {}, session_id=sid)
    assert sim.simulate("QueryAgenda", q, session_id=sid).source == "cache"
    s = sim.sessions.get(sid)
    assert s.state_version == 2 and len(s.history) == len(s.log) == 8


def test_history_feeds_later_calls(agenda):
    """Multi-turn consistency: values seen earlier in the session come back in later outputs."""
    sim = Simulator(real_specs("api_bank_tools.jsonl"))
    sid = sim.create_session().id
    tok = sim.simulate("GetUserToken", {"username": "JaneSmith", "password": "pw"}, session_id=sid)
    assert "token" in tok.output
    acct = (
        sim.simulate("AccountInfo", {"username": "JaneSmith", "password": "pw"}, session_id=sid)
        if "AccountInfo" in sim.tools
        else None
    )
    hist = sim.sessions.get(sid).history
    assert hist[0]["output"] == tok.output and len(hist) == (2 if acct else 1)
    req = (
        sim._backend
    )  # offline teacher saw the history in its payload: same session -> reused token
    assert req is not None


def test_reset_reproduces_and_replay_serves_the_log(agenda):
    by = {s.name: s for s in agenda}
    sim = Simulator(agenda)
    calls = [
        ("AddAgenda", _args(by["AddAgenda"])),
        ("QueryAgenda", _args(by["QueryAgenda"])),
        ("AddAgenda", {"bad": 1}),
        ("ModifyAgenda", _args(by["ModifyAgenda"])),
    ]
    sid = sim.create_session(seed=11).id
    first = [
        sim.simulate(t, a, session_id=sid, options={"use_cache": False}).output for t, a in calls
    ]
    log = list(sim.sessions.get(sid).log)
    sim.reset(sid, 11)
    again = [
        sim.simulate(t, a, session_id=sid, options={"use_cache": False}).output for t, a in calls
    ]
    assert again == first  # same seed -> same rollout, call for call
    sim.reset(sid, 12)
    other = [
        sim.simulate(t, a, session_id=sid, options={"use_cache": False}).output for t, a in calls
    ]
    assert other != first
    sim.replay(sid, log)
    replayed = [sim.simulate(t, a, session_id=sid) for t, a in calls]
    assert [r.output for r in replayed] == first and {r.source for r in replayed} == {"replay"}
    sim.replay(sid, log)
    with pytest.raises(ReplayMismatch):
        sim.simulate("QueryAgenda", {"nope": 1}, session_id=sid)


def test_faults_are_seeded_and_shaped(agenda):
    sim = Simulator(agenda)
    q = _args(agenda[1])
    outs = [
        sim.simulate(
            "QueryAgenda",
            q,
            session_id=f"s{i}",
            options={
                "faults": {
                    "error_rate": 0.3,
                    "rate_limit_rate": 0.3,
                    "timeout_rate": 0.2,
                    "timeout_s": 0.0,
                }
            },
        )
        for i in range(60)
    ]
    kinds = {o.output["error"]["type"] for o in outs if o.source == "fault"}
    assert kinds == {"server_error", "rate_limited", "timeout"}
    assert any(o.source == "model" for o in outs)
    sim = Simulator(agenda)  # a fresh engine: same sessions and seeds -> same faults
    again = [
        sim.simulate(
            "QueryAgenda",
            q,
            session_id=f"s{i}",
            options={"faults": {"error_rate": 0.3, "rate_limit_rate": 0.3, "timeout_rate": 0.2}},
        )
        for i in range(60)
    ]
    assert [o.source for o in outs] == [o.source for o in again]  # decided by seeded draws
    with pytest.raises(ValueError, match="options.faults"):
        SimOptions.from_dict({"faults": {"error_rate": 2}})
    with pytest.raises(ValueError, match="options.nope"):
        SimOptions.from_dict({"nope": 1})


def test_offline_outputs_validate_on_real_specs():
    specs = [s for s in real_specs("seal_tools_tools.jsonl", 300) if s.response_schema]
    sim = Simulator(specs)
    from gtm_core.synth import ValueSynth

    vs = ValueSynth(5)
    res = sim.simulate_batch(
        [
            SimCall(s.name, vs.arguments(s.parameters), options=SimOptions(allow_errors=False))
            for s in specs
        ]
    )
    assert len(res) == len(specs) >= 200
    for s, r in zip(specs, res, strict=True):
        assert r.source == "model", r.output
        assert not list(Draft202012Validator(s.response_schema).iter_errors(r.output))


def test_batch_keeps_session_order(agenda):
    by = {s.name: s for s in agenda}
    be = CountingBackend()
    sim = Simulator(agenda, be)
    calls = [
        SimCall("AddAgenda", _args(by["AddAgenda"]), "a"),
        SimCall("QueryAgenda", _args(by["QueryAgenda"]), "a"),
        SimCall("QueryAgenda", _args(by["QueryAgenda"]), "b"),
        SimCall("GetToday", {}, None),
    ]
    res = sim.simulate_batch(calls)
    assert [r.call_index for r in res] == [0, 1, 0, None]
    assert be.batches == [3, 1]  # session a's second call waits for its first
    assert sim.sessions.get("a").history[0]["tool"] == "AddAgenda"


def test_invalid_model_output_is_a_simulator_error(agenda):
    class Broken:
        name, constrains = "broken", False

        def generate(self, requests, *, attempt=0):
            return ["not json at all"] * len(requests)

    sim = Simulator(agenda, Broken(), max_retries=2, without={"rules_fallback"})
    r = sim.simulate("QueryAgenda", _args(agenda[1]), session_id="x")
    assert (
        r.source == "error" and r.output["error"]["type"] == "simulator_error" and r.attempts == 3
    )
    assert sim.sessions.get("x").history == []  # never recorded as a tool result
    # with rules_fallback on (the default), the rules answer in the model's place, as a result
    sim = Simulator(agenda, Broken(), max_retries=2)
    r = sim.simulate("QueryAgenda", _args(agenda[1]), session_id="x")
    assert r.source == "rules" and not r.is_error and r.attempts == 3
    assert check_output(json.dumps(r.output), agenda[1], allow_errors=False, strict_json=True)[0]
    ok, _, reason = check_output('{"status": 3}', agenda[0], allow_errors=False, strict_json=True)
    assert not ok and "response schema" in reason


def test_a_key_written_twice_is_one_key(tiny_model_dir):  # noqa: F811
    """A tool without a response schema answers any value or object (one-key objects too); a
    grammar counts a key written twice as two, and the object parses to its one key. A one-key
    object a schema refuses but whose value it accepts is that value."""
    import json as _json

    import xgrammar as xgr
    from transformers import AutoTokenizer

    from gtm_core.simulator.response_format import UNTYPED_RESULT_SCHEMA

    spec = ToolSpec.parse(
        {
            "name": "get_company_name_by_stock_name",
            "description": "Finds the company name of a stock by its stock name.",
            "parameters": {"properties": {"stock_name": {"type": "string"}}},
        }
    )
    text = '{"company": "Apple Inc.", "company": "Apple Inc."}'
    tok = AutoTokenizer.from_pretrained(str(tiny_model_dir))
    grammar = xgr.GrammarCompiler(xgr.TokenizerInfo.from_huggingface(tok)).compile_json_schema(
        _json.dumps(UNTYPED_RESULT_SCHEMA), any_whitespace=False, strict_mode=True
    )
    assert xgr.GrammarMatcher(grammar).accept_string(text)  # what a constrained decode can write
    assert check_output(text, spec, allow_errors=True, strict_json=True) == (
        True,
        {"company": "Apple Inc."},
        "",
    )
    number = {"type": "number"}  # e.g. the tool's recorded shape, for a backend without a grammar
    assert check_output(
        '{"result": 4.1}', spec, allow_errors=True, strict_json=True, schema=number
    ) == (True, 4.1, "")
    two = '{"company": "Apple Inc.", "ticker": "AAPL"}'
    assert check_output(two, spec, allow_errors=True, strict_json=True)[:2] == (
        True,
        {"company": "Apple Inc.", "ticker": "AAPL"},
    )
    # a declared object is never unwrapped into a value it does not accept
    declared = spec.model_copy(
        update={
            "response": {
                "type": "object",
                "properties": {"company": {"type": "integer"}, "ticker": {"type": "string"}},
                "required": ["company", "ticker"],
            }
        }
    )
    ok, _, reason = check_output(text, declared, allow_errors=True, strict_json=True)
    assert not ok and "response schema" in reason


def test_unknown_tool_and_repositories(tmp_path, agenda):
    sim = Simulator(agenda)
    assert sim.simulate("Nope", {}).output["error"]["type"] == "unknown_tool"
    # JSONL with a bad line and a bad spec: rejects kept with reasons
    f = tmp_path / "tools.jsonl"
    f.write_text(
        "\n".join(
            [
                json.dumps(agenda[0].to_public()),
                "{oops",
                json.dumps({"name": "x y", "parameters": {}}),
            ]
        )
    )
    specs, rejects = load_tools(f)
    assert [s.name for s in specs] == ["AddAgenda"] and len(rejects) == 2
    assert {r.field for r in rejects} == {"<json>", "name"}
    # DuckDB tools table (the tool_repository asset's shape)
    db = tmp_path / "gtm.duckdb"
    Store(db).replace("tools", pd.DataFrame([s.to_row() for s in agenda]))
    specs, rejects = load_tools(duckdb_path=db, names=["AddAgenda", "QueryAgenda", "Missing"])
    assert sorted(s.name for s in specs) == ["AddAgenda", "QueryAgenda"]
    assert [r.name for r in rejects] == ["Missing"]
    with pytest.raises(FileNotFoundError, match="tools"):
        load_tools(duckdb_path=tmp_path / "empty.duckdb")


def test_output_cut_by_the_token_budget_is_closed_and_still_validated():
    from gtm_core.simulator.output_check import close_truncated_json

    spec = ToolSpec.parse(
        {
            "name": "lister",
            "description": "lists",
            "parameters": {"type": "object", "properties": {}},
            "response": {"type": "object", "properties": {"items": {"type": "array"}}},
        }
    )
    ok, value, _ = check_output('{"items": ["a", "b', spec, allow_errors=True, strict_json=True)
    assert ok and value == {"items": ["a", "b"]}
    ok, _, reason = check_output('{"items": "a', spec, allow_errors=True, strict_json=True)
    assert not ok and "response schema" in reason  # closed, but the schema still decides
    ok, _, reason = check_output('{"items": ["a"', spec, allow_errors=True, strict_json=False)
    assert not ok and "unparseable" in reason  # only grammar-constrained text is a JSON prefix
    assert close_truncated_json('{"a": 1, "b"') == {"a": 1, "b": None}
    assert close_truncated_json('"2023-08-28 14:59:59.9') == "2023-08-28 14:59:59.9"
    with pytest.raises(ValueError):
        close_truncated_json('{"a": 1}')
