"""ToolSpec normalisation/validation, and the fast meta-validation path agreeing with jsonschema."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gtm_core.spec import (
    SpecError,
    ToolSpec,
    _meta_fast_ok,
    meta_schema_error,
    normalize_type,
    parse_specs,
)


@pytest.mark.parametrize(
    "spelling,expected",
    [
        ("dict", ("object", {})),
        ("float", ("number", {})),
        ("int", ("integer", {})),
        ("list", ("array", {})),
        ("str", ("string", {})),
        ("Boolean", ("boolean", {})),
        ("List[str]", ("array", {"items": {"type": "string"}})),
        ("Optional[int]", ("integer", {})),
        ("Dict[str, Any]", ("object", {})),
        ("date", ("string", {"format": "date"})),
        ("List[Dict[str, Any]]", ("array", {"items": {"type": "object"}})),
        ("Union[str, List[int]]", (["string", "array"], {})),
        ("int | None", (["integer", "null"], {})),
        ("any", (None, {})),
    ],
)
def test_type_normalisation(spelling, expected):
    assert normalize_type(spelling, "p", "s") == expected


def test_unknown_type_spelling_names_field():
    with pytest.raises(SpecError) as e:
        ToolSpec.parse(
            {"name": "f", "parameters": {"type": "object", "properties": {"x": {"type": "strng"}}}}
        )
    assert (
        e.value.field == "parameters.properties.x.type" and "unknown type 'strng'" in e.value.reason
    )


def test_parse_normalises_nested_and_flags():
    s = ToolSpec.parse(
        {
            "name": "f",
            "parameters": {
                "type": "dict",
                "properties": {
                    "a": {"type": "List[float]"},
                    "b": "int",
                    "c": {"description": "no type"},
                },
                "required": ["a"],
            },
            "response": {"total": {"type": "int"}, "type": {"type": "str"}},
        }
    )
    assert s.properties["a"] == {"type": "array", "items": {"type": "number"}} and s.properties[
        "b"
    ] == {"type": "integer"}
    assert s.flags == ["param_type_missing:c"] and s.required == ["a"]
    assert s.response == {
        "type": "object",
        "properties": {"total": {"type": "integer"}, "type": {"type": "string"}},
    }


@pytest.mark.parametrize(
    "raw,field,reason",
    [
        (
            {
                "name": "f",
                "parameters": {"type": "object", "properties": {"a": {}}, "required": ["b"]},
            },
            "required",
            "not in properties",
        ),
        (
            {
                "name": "f",
                "parameters": {
                    "type": "object",
                    "properties": {"a": {"type": "string", "maxLength": "3"}},
                },
            },
            "parameters.properties.a.maxLength",
            "invalid JSON Schema",
        ),
        (
            {"name": "f", "parameters": {"type": "object", "properties": {"a": {"anyOf": []}}}},
            "parameters.properties.a.anyOf",
            "invalid JSON Schema",
        ),
        ({"name": "  "}, "name", "empty"),
        ({"name": "1 2 3"}, "name", "not an identifier"),
        (
            {"name": "f", "parameters": [{"name": "a"}, {"name": "a"}]},
            "parameters[1].name",
            "duplicated parameter",
        ),
        ({"name": "f", "response": 5}, "response", "JSON Schema object or text"),
    ],
)
def test_bad_specs(raw, field, reason):
    ok, bad = parse_specs([raw], source="t")
    assert not ok and bad[0].field == field and reason in bad[0].reason and bad[0].raw == raw


# ---- the fast meta-validation path never accepts what jsonschema rejects -------------------------
_META = Draft202012Validator(Draft202012Validator.META_SCHEMA)
_KEYS = [
    "type",
    "properties",
    "required",
    "items",
    "enum",
    "const",
    "default",
    "description",
    "title",
    "format",
    "minimum",
    "maximum",
    "minLength",
    "maxItems",
    "multipleOf",
    "anyOf",
    "oneOf",
    "allOf",
    "not",
    "additionalProperties",
    "$defs",
    "$ref",
    "$id",
    "$schema",
    "examples",
    "uniqueItems",
    "pattern",
    "dependentRequired",
    "prefixItems",
    "readOnly",
    "x-original-type",
    "dependencies",
    "$anchor",
]
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(-2, 2, allow_nan=False),
    st.sampled_from(["string", "integer", "object", "strng", "a", "#x", "dict", ""]),
)
_values = st.recursive(
    _scalars,
    lambda c: st.one_of(
        st.lists(c, max_size=3), st.dictionaries(st.sampled_from(_KEYS + ["p", "q"]), c, max_size=3)
    ),
    max_leaves=8,
)
_schemas = st.recursive(
    st.one_of(st.booleans(), st.dictionaries(st.sampled_from(_KEYS), _values, max_size=4)),
    lambda c: st.one_of(
        st.dictionaries(
            st.sampled_from(_KEYS),
            st.one_of(
                c,
                st.lists(c, max_size=3),
                st.dictionaries(st.sampled_from(["p", "q", "r"]), c, max_size=3),
            ),
            max_size=4,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=1500, deadline=None)
@given(_schemas)
def test_fast_meta_path_is_exact(schema):
    full_ok = next(iter(_META.iter_errors(schema)), None) is None
    if _meta_fast_ok(schema):
        assert full_ok, json.dumps(schema)
    assert (meta_schema_error(schema) is None) == full_ok


def test_fast_meta_path_on_real_specs(tmp_path):
    from gtm_core.settings import get_settings

    data = get_settings().shared_data()
    if data is None:
        pytest.skip("real tool data (../shared/data or GTM_SHARED_DATA_DIR) is not present")
    n = 0
    for line in (data / "mcp_tools.jsonl").open():
        rec = json.loads(line)
        for schema in (rec.get("parameters"), rec.get("response")):
            if isinstance(schema, dict):
                assert (meta_schema_error(schema) is None) == (
                    next(iter(_META.iter_errors(schema)), None) is None
                )
                n += 1
    assert n > 600


def test_mcp_result_wrapper_is_unwrapped_and_draft04_bounds_converted():
    """The MCP SDK wraps a non-object return value as ``{"result": ...}`` in its output schema, but
    a client reads the bare value as the tool's content: the spec's response is the inner schema. A
    draft-04 boolean ``exclusiveMinimum`` (zod-to-json-schema) becomes the 2020-12 number form."""
    wrapped = {
        "type": "object",
        "properties": {"result": {"type": "string", "title": "Result"}},
        "required": ["result"],
        "title": "searchOutput",
    }
    spec = ToolSpec.parse(
        {
            "name": "search",
            "parameters": {
                "type": "object",
                "properties": {"page": {"type": "integer", "minimum": 0, "exclusiveMinimum": True}},
            },
            "response": wrapped,
        }
    )
    assert (
        spec.response == {"type": "string", "title": "Result"}
        and "response_unwrapped" in spec.flags
    )
    assert spec.properties["page"] == {"type": "integer", "exclusiveMinimum": 0}
    marked = {
        "type": "object",
        "properties": {"result": {"type": "array", "items": {"$ref": "#/$defs/Hit"}}},
        "required": ["result"],
        "x-fastmcp-wrap-result": True,
        "$defs": {"Hit": {"type": "object"}},
    }
    assert ToolSpec.parse({"name": "s", "response": marked}).response == {
        "type": "array",
        "items": {"$ref": "#/$defs/Hit"},
        "$defs": {"Hit": {"type": "object"}},
    }
    # an ordinary one-field object (no SDK wrapper signature) is kept as declared
    plain = {"type": "object", "properties": {"result": {"type": "number"}}}
    assert ToolSpec.parse({"name": "calc", "response": plain}).response == plain
