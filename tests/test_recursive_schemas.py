"""Recursive JSON Schemas (issue 15): well-founded recursion (a tree-shaped tool) is accepted and
simulated through the gate, the offline teacher, CARG and the transformers backend under its
grammar; recursion that can never bottom out is rejected at import with the field and the reason."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from gtm_core.gate import Gate
from gtm_core.schema_refs import MAX_VALUE_DEPTH, is_recursive, recursion_problem
from gtm_core.simulator import SimCall, SimOptions, Simulator
from gtm_core.simulator.backends import decoding_schema, tighten_schema
from gtm_core.spec import ToolSpec, parse_specs
from gtm_core.synth import ValueSynth

sys.path.insert(0, str(Path(__file__).resolve().parent / "reliability"))
from fuzzing import TREE_TOOL  # noqa: E402


def _chain(depth: int) -> dict:
    node: dict = {"name": "leaf"}
    for i in range(depth):
        node = {"name": f"n{i}", "children": [node]}
    return node


@pytest.mark.parametrize(
    "schema,where,why",
    [
        (
            {
                "type": "object",
                "$defs": {"a": {"$ref": "#/$defs/a"}},
                "additionalProperties": {"$ref": "#/$defs/a"},
            },
            "$defs.a",
            "never descends",
        ),
        (
            {
                "type": "object",
                "properties": {"x": {"$ref": "#/$defs/a"}},
                "$defs": {"a": {"anyOf": [{"$ref": "#/$defs/a"}, {"type": "string"}]}},
            },
            "$defs.a",
            "never descends",
        ),
        ({"type": "object", "properties": {" ": {"not": {"$ref": "#"}}}}, "", "through 'not'"),
        (
            {
                "type": "object",
                "properties": {"c": {"type": "array", "minItems": 1, "items": {"$ref": "#"}}},
                "required": ["c"],
            },
            "",
            "no finite value",
        ),
    ],
)
def test_recursion_that_never_bottoms_out(schema, where, why):
    assert recursion_problem(schema)[0] == where and why in recursion_problem(schema)[1]
    _, (rej,) = parse_specs([{"name": "t", "parameters": schema}])
    field = f"parameters.{where}" if where else "parameters"
    assert rej.field == field and rej.reason.startswith(
        f"recursive $ref with no base case at {field}"
    )


@pytest.mark.parametrize(
    "schema",
    [
        TREE_TOOL["parameters"],
        {
            "type": "object",
            "properties": {"kids": {"type": "array", "items": {"$ref": "#"}}},
        },  # the root itself
        {
            "type": "object",
            "properties": {"next": {"anyOf": [{"$ref": "#"}, {"type": "null"}]}},
            "required": ["next"],
        },
    ],
)
def test_well_founded_recursion_is_accepted(schema):
    assert recursion_problem(schema) is None and is_recursive(schema)
    spec = ToolSpec.parse({"name": "t", "parameters": schema})
    for seed in range(20):  # synthesised values are finite and valid
        args = ValueSynth(seed).arguments(spec.parameters)
        assert Draft202012Validator(spec.parameters).is_valid(args), args
        assert Gate(spec)(args) is None, (args, Gate(spec)(args))


def test_tree_tool_gate_carg_and_offline_teacher():
    from gtm_core.carg.errors import detect_errors, make_error
    from gtm_core.carg.validate import v_format
    from gtm_core.chat_format import build_messages
    from gtm_core.tool_errors import ERROR_TYPES
    from gtm_core.tools.tool_lists import tools_from_specs

    spec = ToolSpec.parse(TREE_TOOL)
    gate = Gate(spec)
    bad = {"root": {"name": "a", "children": [{"name": "b", "children": [{"name": 3}]}]}}
    assert (
        gate(bad)["error"]["type"] == "type_error"
        and gate(bad)["error"]["field"] == "root.children[0].children[0].name"
    )
    assert (
        gate({"root": {"name": "a", "children": [{"name": "b", "x": 1}]}})["error"]["field"]
        == "root.children[0].x"
    )
    deep = {"root": _chain(MAX_VALUE_DEPTH)}
    assert (
        gate(deep)["error"]["type"] == "invalid_value"
        and "nested deeper" in gate(deep)["error"]["message"]
    )
    assert [e.type for e in detect_errors(spec, deep)] == ["invalid_value"]
    assert v_format(spec, deep, {"tree_id": "t"}) and gate({"root": _chain(10)}) is None
    rng = random.Random(0)
    args = ValueSynth(rng).arguments(spec.parameters)
    assert not v_format(spec, args, {"tree_id": "t1"})
    for kind in ERROR_TYPES:
        made = make_error(spec, args, kind, rng)
        assert made is None or made[1].type == kind
    assert "create_category_tree" in build_messages(spec, args)[1]["content"]
    assert tools_from_specs([spec])[0].text.startswith("create category tree")
    sim = Simulator([spec], seed=0)
    calls = [
        SimCall(spec.name, ValueSynth(i).arguments(spec.parameters), options=SimOptions(seed=i))
        for i in range(10)
    ]
    results = sim.simulate_batch(calls + [SimCall(spec.name, deep)])
    assert results[-1].source == "gate"
    for r in results[:-1]:
        assert r.source == "model" and Draft202012Validator(spec.response_schema).is_valid(
            r.output
        ), r.output
    assert any("tree" in r.output for r in results[:-1])  # the recursive part is drawn, not skipped


def test_decoding_schema_keeps_references_and_tightening_bounds_recursion():
    import xgrammar as xgr

    spec = ToolSpec.parse(TREE_TOOL)
    wrapped = decoding_schema(spec.response_schema, True)
    Draft202012Validator.check_schema(wrapped)
    tree = {"tree_id": "t", "tree": {"id": "1", "children": [{"id": "2", "children": []}]}}
    assert Draft202012Validator(wrapped).is_valid(tree)
    assert not Draft202012Validator(wrapped).is_valid(
        {"tree_id": "t", "tree": {"children": []}}
    )  # id required
    for s in (
        spec.response_schema,
        wrapped,
    ):  # a real (recursive) grammar, not the any-JSON fallback
        xgr.Grammar.from_json_schema(json.dumps(s), any_whitespace=False, strict_mode=True)
    tight = tighten_schema(wrapped, max_depth=2)
    assert "$ref" not in json.dumps({k: v for k, v in tight.items() if k != "$defs"})
    for i in range(30):
        inst = ValueSynth(i).value(tight, "result")
        if Draft202012Validator(tight).is_valid(inst):
            assert Draft202012Validator(wrapped).is_valid(inst), inst


def test_tree_tool_on_the_transformers_backend_with_its_grammar(tmp_path):
    from gtm_core.simulator.backends import TransformersSimBackend
    from gtm_core.training.tiny_model import build_tiny_model

    spec = ToolSpec.parse(TREE_TOOL)
    corpus = [json.dumps(spec.to_public())] + [
        json.dumps(ValueSynth(i).arguments(spec.parameters)) for i in range(50)
    ]
    model = build_tiny_model(tmp_path / "tiny", corpus)
    backend = TransformersSimBackend(model, max_tokens=64, batch_size=4)
    assert backend.grammar(decoding_schema(spec.response_schema, True)) is not None
    # the model's own outputs are checked: a random tiny model's result that says nothing would
    # otherwise get the rules' answer
    sim = Simulator([spec], backend, max_tokens=64, max_retries=3, without={"rules_fallback"})
    calls = [
        SimCall(
            spec.name,
            ValueSynth(i).arguments(spec.parameters),
            options=SimOptions(allow_errors=bool(i % 2), use_cache=False),
        )
        for i in range(4)
    ]
    results = sim.simulate_batch(calls + [SimCall(spec.name, {"root": _chain(MAX_VALUE_DEPTH)})])
    assert results[-1].source == "gate"
    for r in results[:-1]:
        assert r.source in ("model", "error"), r
        if r.source == "model" and not r.is_error:
            assert Draft202012Validator(spec.response_schema).is_valid(r.output), r.output
    assert sum(r.source == "model" for r in results[:-1]) >= 3
