"""The gate: every structural error class on real specs, canonical payloads, no model call."""

from __future__ import annotations

import copy
import random

from _sim_support import CountingBackend, real_specs

from gtm_core.simulator import Simulator
from gtm_core.simulator.gate import FORMATS, Gate, error_message
from gtm_core.synth import ValueSynth

ERROR_KEYS = {"type", "message", "field"}


def _valid_args(spec, seed=0):
    vs = ValueSynth(random.Random(seed))
    args = {}
    for name in spec.required:
        args[name] = vs.value(spec.properties[name], name)
    return args


def _pick(specs, pred):
    for s in specs:
        for name, p in s.properties.items():
            if isinstance(p, dict) and pred(p):
                return s, name
    raise AssertionError("no real spec matches")


def _all_specs():
    return (real_specs("bfcl_tools.jsonl", 1500) + real_specs("mcp_tools.jsonl") + real_specs("seal_tools_tools.jsonl", 800)
            + real_specs("toolbench_rapidapi_tools.jsonl", 800))


def test_every_error_class_without_model_call():
    specs = _all_specs()
    backend = CountingBackend()
    sim = Simulator(specs, backend)
    spec_req = next(s for s in specs if len(s.required) >= 2 and all(s.properties[r].get("type") == "string" for r in s.required))
    spec_int, p_int = _pick([s for s in specs if s.required], lambda p: p.get("type") == "integer" and "enum" not in p)
    spec_enum, p_enum = _pick(specs, lambda p: p.get("type") == "string" and isinstance(p.get("enum"), list) and len(p["enum"]) > 1)
    spec_fmt, p_fmt = _pick(specs, lambda p: p.get("type") == "string" and p.get("format") in ("date", "date-time", "email", "uri"))

    cases = []
    args = _valid_args(spec_req)
    missing = dict(args)
    del missing[spec_req.required[1]]
    cases.append((spec_req, missing, "missing_required", spec_req.required[1]))
    extra = dict(args, zz_not_a_param=1)
    cases.append((spec_req, extra, "unknown_parameter", "zz_not_a_param"))
    a = _valid_args(spec_int)
    a[p_int] = "twelve"
    cases.append((spec_int, a, "type_error", p_int))
    a = _valid_args(spec_enum)
    a[p_enum] = "definitely-not-an-option"
    cases.append((spec_enum, a, "invalid_value", p_enum))
    a = _valid_args(spec_fmt)
    a[p_fmt] = "not a well formed value"
    cases.append((spec_fmt, a, "invalid_value", p_fmt))
    cases.append((spec_req, ["not", "an", "object"], "type_error", None))

    for spec, arguments, kind, field in cases:
        r = sim.simulate(spec.name, arguments)
        assert r.source == "gate", (spec.name, arguments, r.output)
        err = r.output["error"]
        assert set(err) == ERROR_KEYS
        assert err["type"] == kind and err["field"] == field, (spec.name, err)
        assert err["message"] == Gate(spec)(arguments)["error"]["message"]  # deterministic
        if field:
            assert f"'{field}'" in err["message"]
    assert backend.requests == 0  # no model call for any structural error

    # valid arguments pass the gate and do reach the model
    r = sim.simulate(spec_req.name, args)
    assert r.source == "model" and backend.requests == 1


def test_messages_are_canonical():
    assert error_message("missing_required", "city") == "Missing required parameter 'city'."
    assert error_message("unknown_parameter", "zip") == "Unknown parameter 'zip': the tool does not accept it."
    assert "expected integer, got string" in error_message("type_error", "n", "expected integer, got string")


def test_gate_accepts_synthesised_valid_arguments_on_real_specs():
    """No false positives: required arguments drawn from each schema pass the gate."""
    specs = real_specs("seal_tools_tools.jsonl", 500) + real_specs("bfcl_tools.jsonl", 500)
    bad = []
    for i, s in enumerate(specs):
        g = Gate(s)
        args = _valid_args(s, i)
        if g(args) is not None:
            bad.append((s.name, args, g(args)))
    assert len(bad) <= len(specs) // 100, bad[:3]  # ValueSynth may miss a rare pattern constraint


def test_nested_and_format_details():
    spec = real_specs("bfcl_tools.jsonl", 1)[0]
    spec = copy.deepcopy(spec)
    spec.parameters = {"type": "object", "properties": {
        "when": {"type": "string", "format": "date"},
        "filters": {"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}, "required": ["n"]},
        "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}}}, "required": []}
    spec.required = []
    g = Gate(spec)
    assert g({"when": "2024-02-30"})["error"]["type"] == "invalid_value"
    assert g({"when": "2024-02-28"}) is None
    assert g({"filters": {}})["error"]["field"] == "filters.n"
    assert g({"filters": {"n": 0}})["error"]["type"] == "invalid_value"
    assert g({"filters": {"n": True}})["error"]["type"] == "type_error"
    assert g({"tags": ["a", "c"]})["error"]["field"] == "tags[1]"
    assert set(FORMATS) >= {"date", "date-time", "email", "uri"}


def test_lenient_types_match_real_executed_calls():
    """Real API-Bank calls that executed fine pass numbers as strings; lenient typing accepts them."""
    import json

    from _sim_support import need_shared

    specs = {s.name: s for s in real_specs("api_bank_tools.jsonl")}
    calls = [json.loads(line) for line in (need_shared() / "api_bank_calls.jsonl").read_text().splitlines()]
    calls = [c for c in calls if c["tool"] in specs and not c.get("is_error")]
    strict = [Gate(specs[c["tool"]])(c["arguments"]) for c in calls]
    lenient = [Gate(specs[c["tool"]], lenient_types=True)(c["arguments"]) for c in calls]
    n_strict_type = sum(1 for e in strict if e and e["error"]["type"] == "type_error")
    n_lenient_type = sum(1 for e in lenient if e and e["error"]["type"] == "type_error")
    assert n_strict_type > 0 and n_lenient_type < n_strict_type
    g = Gate(specs["BookHotel"], lenient_types=True)
    ok = {"hotel_name": "H", "check_in_time": "2023-08-10", "check_out_time": "2023-08-15", "room_count": "1",
          "adult_count": "2", "child_count": "0"}
    assert g(ok) is None and Gate(specs["BookHotel"])(ok)["error"]["type"] == "type_error"
    assert g(dict(ok, room_count="one"))["error"]["type"] == "type_error"
