"""Fuzzing with hypothesis at CI sizes (bench/reliability.py runs >= 10,000 of each): generated
tool specs through ToolSpec, every importer, the gate, the CARG validators and the prompt contract;
generated calls through the gate, CARG error detection and the simulator. No unhandled exception;
every rejection names the field and the reason. The corpus of every input that ever crashed is
replayed first; the seed is fixed (``GTM_FUZZ_SEED`` explores others) and printed. Plus one
regression test per bug the fuzzer found."""

from __future__ import annotations

import os

import pytest
from fuzzing import (
    CORPUS,
    DEFAULT_SEED,
    replay_corpus,
    run_call_fuzz,
    run_import_file_fuzz,
    run_spec_fuzz,
)

from gtm_core.spec import SpecError, ToolSpec

pytestmark = pytest.mark.reliability
N_SPECS = int(os.environ.get("GTM_FUZZ_SPECS", "2000"))
N_CALLS = int(os.environ.get("GTM_FUZZ_CALLS", "1500"))
SEED = int(os.environ.get("GTM_FUZZ_SEED", str(DEFAULT_SEED)))


def _report(stats) -> str:
    return "\n".join(f"{w}: {e}\n  input: {i}" for w, e, i in stats.crashes[:5])


def test_corpus_replays_without_crash(tmp_path):
    """Every input that ever crashed (issue 15's three recursive specs, a recursive tree tool and
    its calls, ...) first: accepted and simulated, or rejected with a field and a reason."""
    assert len(list(CORPUS.glob("*.json"))) >= 8
    st = replay_corpus(tmp_path)
    assert st.cases == len(list(CORPUS.glob("*.json"))) and st.accepted >= 4 and st.rejected >= 4
    assert not st.crashes, _report(st)


def test_fuzzed_specs_never_crash_and_rejections_name_field_and_reason():
    print(f"fuzz seed={SEED}")
    st = run_spec_fuzz(N_SPECS, SEED)
    assert st.cases >= N_SPECS * 0.9
    assert st.accepted > 0 and st.rejected > 0  # both paths exercised
    assert not st.crashes, _report(st)


def test_fuzzed_spec_files_lose_nothing(tmp_path):
    st = run_import_file_fuzz(tmp_path, 150, SEED)
    assert st.cases >= 100 and st.rejected > 0
    assert not st.crashes, _report(st)


def test_fuzzed_calls_never_crash_gate_carg_simulator():
    st = run_call_fuzz(N_CALLS, SEED)
    assert st.cases >= N_CALLS * 0.9
    assert st.accepted > 0 and st.rejected > 0
    assert not st.crashes, _report(st)


# ---- regressions of what the fuzzer found ------------------------------------------------------
@pytest.mark.parametrize(
    "raw,field,reason",
    [
        ({"name": "t", "flags": -3}, "flags", "list of strings"),
        ({"name": "t", "meta": [1]}, "meta", "must be an object"),
        (
            {
                "name": "t",
                "parameters": {"type": "object", "properties": {"x": {"$ref": "#/$defs/none"}}},
            },
            "parameters.properties.x.$ref",
            "does not resolve",
        ),
        (
            {
                "name": "t",
                "parameters": {
                    "type": "object",
                    "properties": {"x": {"$ref": "https://example.org/s.json"}},
                },
            },
            "parameters.properties.x.$ref",
            "only local references",
        ),
        (
            {"name": "t", "response": {"type": "object", "properties": {"a": {"$ref": "#/nope"}}}},
            "response.properties.a.$ref",
            "does not resolve",
        ),
    ],
)
def test_spec_rejects_bad_flags_meta_and_dangling_refs(raw, field, reason):
    with pytest.raises(SpecError) as e:
        ToolSpec.parse(raw)
    assert e.value.field == field and reason in e.value.reason


@pytest.mark.parametrize(
    "name,field,why",
    [
        (
            "spec-issue15-self-ref-additional-properties.json",
            "parameters.$defs.a",
            "never descends",
        ),
        ("spec-issue15-self-ref-H.json", "parameters.$defs.a", "never descends"),
        ("spec-issue15-not-of-root.json", "parameters", "through 'not'"),
        ("spec-required-self.json", "parameters.$defs.cell", "no finite value"),
    ],
)
def test_recursion_without_base_case_is_rejected_with_field_and_reason(name, field, why):
    import json

    from gtm_core.spec import parse_specs

    raw = json.loads((CORPUS / name).read_text())["input"]
    ok, (rej,) = parse_specs([raw], source="corpus")
    assert not ok and rej.field == field
    assert (
        rej.reason.startswith(f"recursive $ref with no base case at {field}") and why in rej.reason
    )


def test_spec_rejects_deep_nesting_without_recursion_error():
    schema = {"type": "string"}
    for _ in range(5000):
        schema = {"type": "object", "properties": {"x": schema}}
    with pytest.raises(SpecError, match="nested deeper than"):
        ToolSpec.parse({"name": "deep", "parameters": schema})


def test_local_refs_still_accepted_and_checked_by_carg():
    from gtm_core.carg.errors import detect_errors

    spec = ToolSpec.parse(
        {
            "name": "t",
            "parameters": {
                "type": "object",
                "$defs": {
                    "addr": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}},
                        "required": ["city"],
                    }
                },
                "properties": {"home": {"$ref": "#/$defs/addr"}},
            },
        }
    )
    errs = detect_errors(spec, {"home": {"zip": "1"}})  # raised PointerToNowhere before the fix
    assert [(e.type, e.field) for e in errs] == [("invalid_value", "home")] and "city" in errs[
        0
    ].detail


def test_gate_names_a_parameter_called_empty_string():
    from gtm_core.gate import Gate

    closed = ToolSpec.parse({"name": "t", "parameters": {"type": "object", "properties": {}}})
    from gtm_core.tool_errors import error_message

    assert Gate(closed)({"": 1})["error"] == {
        "type": "unknown_parameter",
        "field": "",
        "message": error_message("unknown_parameter", "", ""),
    }
    typed = ToolSpec.parse(
        {"name": "t", "parameters": {"type": "object", "additionalProperties": {"type": "integer"}}}
    )
    err = Gate(typed)({"": "x"})["error"]  # was reported as "Arguments must be a JSON object"
    assert err["field"] == "" and err["message"].startswith("Parameter '' has the wrong type")
    assert Gate(typed)([1])["error"]["field"] is None


@pytest.mark.parametrize(
    "module,record,field",
    [
        ("bfcl", {"id": "x", "question": "q", "function": {"name": "f", "meta": 3}}, "meta"),
        (
            "toolbench_rapidapi",
            {"api_name": "a", "tool_name": {"n": 1}, "required_parameters": []},
            "tool_name",
        ),
    ],
)
def test_importers_reject_odd_records_instead_of_raising(module, record, field):
    from gtm_core.tools.importers import FORMATS

    (out,) = FORMATS[module].convert(record, "x.jsonl")
    assert isinstance(out, SpecError) and out.field == field and out.reason
