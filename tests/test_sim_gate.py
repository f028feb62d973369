"""The gate: every structural error class on real specs, canonical payloads, no model call."""

from __future__ import annotations

import copy
import random

from _sim_support import CountingBackend, real_specs

from gtm_core.gate import FORMATS, Gate, error_message
from gtm_core.simulator import Simulator
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
    return (
        real_specs("bfcl_tools.jsonl", 1500)
        + real_specs("mcp_tools.jsonl")
        + real_specs("seal_tools_tools.jsonl", 800)
        + real_specs("toolbench_rapidapi_tools.jsonl", 800)
    )


def test_every_error_class_without_model_call():
    specs = _all_specs()
    backend = CountingBackend()
    sim = Simulator(specs, backend)
    spec_req = next(
        s
        for s in specs
        if len(s.required) >= 2 and all(s.properties[r].get("type") == "string" for r in s.required)
    )
    spec_int, p_int = _pick(
        [s for s in specs if s.required], lambda p: p.get("type") == "integer" and "enum" not in p
    )
    spec_enum, p_enum = _pick(
        specs,
        lambda p: (
            p.get("type") == "string" and isinstance(p.get("enum"), list) and len(p["enum"]) > 1
        ),
    )
    spec_fmt, p_fmt = _pick(
        specs,
        lambda p: (
            p.get("type") == "string" and p.get("format") in ("date", "date-time", "email", "uri")
        ),
    )

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
    assert (
        error_message("unknown_parameter", "zip")
        == "Unknown parameter 'zip': the tool does not accept it."
    )
    assert "expected integer, got string" in error_message(
        "type_error", "n", "expected integer, got string"
    )


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
    spec.parameters = {
        "type": "object",
        "properties": {
            "when": {"type": "string", "format": "date"},
            "filters": {
                "type": "object",
                "properties": {"n": {"type": "integer", "minimum": 1}},
                "required": ["n"],
            },
            "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
        },
        "required": [],
    }
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
    """Real API-Bank calls that executed fine pass numbers as strings and lists as their Python
    literal; the default gate reads them as the real tools did, the strict one does not."""
    import json

    from _sim_support import need_shared

    specs = {s.name: s for s in real_specs("api_bank_tools.jsonl")}
    calls = [
        json.loads(line)
        for line in (need_shared() / "api_bank_calls.jsonl").read_text().splitlines()
    ]
    calls = [
        c
        for c in calls
        if c["tool"] in specs and not c.get("is_error") and isinstance(c["arguments"], dict)
    ]
    strict = [Gate(specs[c["tool"]], lenient_types=False)(c["arguments"]) for c in calls]
    default = [Gate(specs[c["tool"]])(c["arguments"]) for c in calls]
    strict_types = [e for e in strict if e and e["error"]["type"] == "type_error"]
    assert len(strict_types) >= 40
    assert {e["error"]["field"] for e in strict_types} >= {
        "room_count",
        "latitude",
        "salary",
        "health_data",
    }
    assert [e for e in default if e and e["error"]["type"] == "type_error"] == []
    g = Gate(specs["BookHotel"])
    ok = {
        "hotel_name": "H",
        "check_in_time": "2023-08-10",
        "check_out_time": "2023-08-15",
        "room_count": "1",
        "adult_count": "2",
        "child_count": "0",
    }
    assert (
        g(ok) is None
        and Gate(specs["BookHotel"], lenient_types=False)(ok)["error"]["type"] == "type_error"
    )
    assert g(dict(ok, room_count="one"))["error"]["type"] == "type_error"
    assert (
        g(dict(ok, room_count="-1"))["error"]["type"] == "invalid_value"
    )  # coerced, then checked as a count


def test_coercion_reads_parameters_as_real_tools_do():
    """``tool_errors.coerce``: what pydantic's lax mode / FastMCP's JSON pre-parse accept; the gate
    and CARG's ``detect_errors`` agree on it, and CARG's wrong-type values are never coercible."""
    import random

    from gtm_core.carg.errors import detect_errors, make_error
    from gtm_core.spec import ToolSpec
    from gtm_core.tool_errors import coerce

    assert (
        coerce("3", ["integer"]) == 3
        and coerce(" -2.5 ", ["number"]) == -2.5
        and coerce("yes", ["boolean"]) is True
    )
    assert coerce("[1, 2]", ["array"]) == [1, 2] and coerce("{'a': 1}", ["object"]) == {"a": 1}
    assert coerce("3", ["string"]) == "3" and coerce("3", ["string", "integer"]) == "3"
    assert coerce("three", ["integer"]) == "three" and coerce("[1, 2]", ["object"]) == "[1, 2]"
    spec = ToolSpec.parse(
        {
            "name": "t",
            "parameters": {
                "type": "object",
                "properties": {
                    "n": {"type": "integer", "minimum": 1},
                    "on": {"type": "boolean"},
                    "ids": {"type": "array", "items": {"type": "integer"}},
                    "mode": {"type": "integer", "enum": [1, 2]},
                },
                "required": ["n"],
            },
        }
    )
    g = Gate(spec)
    for args, kind in (
        ({"n": "2", "on": "false", "ids": "[1, 2]", "mode": "2"}, None),
        ({"n": "0"}, "invalid_value"),
        ({"n": "two"}, "type_error"),
        ({"n": 1, "ids": "1,2"}, "type_error"),
        ({"n": 1, "mode": "3"}, "invalid_value"),
    ):
        got = g(args)
        assert (got and got["error"]["type"]) == kind, (args, got)
        assert [e.type for e in detect_errors(spec, args)][:1] == ([kind] if kind else []), args
    rng = random.Random(0)
    for _ in range(40):
        made = make_error(spec, {"n": 2, "on": True, "ids": [1], "mode": 1}, "type_error", rng)
        assert made is not None and g(made[0])["error"]["type"] == "type_error", made


def test_parameter_names_are_read_as_toolbench_passes_them():
    """ToolBench passes RapidAPI parameters lower-cased ("trackingnumber") and reserved words with
    an ``is_`` prefix ("is_id"); the real endpoints answered those calls, so the gate reads such a
    name as the declared parameter (as CARG's ``detect_errors`` does); the strict gate does not."""
    import json

    from _sim_support import need_shared

    from gtm_core.carg.errors import detect_errors
    from gtm_core.spec import ToolSpec
    from gtm_core.tool_errors import resolve_aliases

    assert resolve_aliases({"trackingnumber": "x", "is_id": 1}, {"trackingNumber", "id"}) == {
        "trackingNumber": "x",
        "id": 1,
    }
    assert resolve_aliases({"is_active": True}, {"active"}) == {
        "is_active": True
    }  # only reserved words take is_
    assert resolve_aliases({"a_b": 1, "ab": 2}, {"ab"}) == {
        "a_b": 1,
        "ab": 2,
    }  # the declared one is given too
    both = {"pageSize", "page_size"}
    assert resolve_aliases({"pagesize": 1}, both) == {"pagesize": 1}  # ambiguous: left as given
    spec = ToolSpec.parse(
        {
            "name": "track",
            "parameters": {
                "type": "object",
                "properties": {"trackingNumber": {"type": "string"}, "id": {"type": "integer"}},
                "required": ["trackingNumber"],
            },
        }
    )
    assert Gate(spec)({"trackingnumber": "YT1", "is_id": "7"}) is None
    assert detect_errors(spec, {"trackingnumber": "YT1", "is_id": "7"}) == []
    assert Gate(spec, lenient_types=False)({"trackingnumber": "YT1"})["error"]["type"] in (
        "missing_required",
        "unknown_parameter",
    )
    assert Gate(spec)({"trackingnumber": "YT1", "is_id": "seven"})["error"] == {
        "type": "type_error",
        "message": "Parameter 'id' has the wrong type: expected integer, got string.",
        "field": "id",
    }
    specs = {s.name: s for s in real_specs("toolbench_rapidapi_tools.jsonl")}
    calls = [
        json.loads(line)
        for line in (need_shared() / "toolbench_rapidapi_real_calls.jsonl").read_text().splitlines()
    ]
    ok = [
        c
        for c in calls
        if c["tool"] in specs and not c["is_error"] and isinstance(c["arguments"], dict)
    ]
    strict = [c for c in ok if Gate(specs[c["tool"]], lenient_types=False)(c["arguments"])]
    assert len(strict) >= 5 and not [c for c in strict if Gate(specs[c["tool"]])(c["arguments"])]
