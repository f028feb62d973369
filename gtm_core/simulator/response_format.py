"""The response format a simulated call is held to: the tool's declared response schema, widened to
what real tools of its kind answer and narrowed to what its own recorded outputs show.

``response_schema_for`` gives a call's result schema:

* **A one-field result may come bare.** For a schema with exactly one property (``bare_field``)
  the result is ``anyOf[declared, the field's schema]``: the model chooses between the object and
  the field's value itself.
* **A tool without a response schema may answer anything**: any JSON value or any object but the
  error payload (``UNTYPED_RESULT_SCHEMA``); the model decides from the description, examples and
  history.
* **A tool's own recorded results decide.** When the examples shown for a call include results
  (not errors) of the *same* tool, the result takes one of their shapes (``anyOf`` of
  ``shape_schema`` of each: types, an object's keys ``SHAPE_DEPTH`` levels deep), not the
  declared schema. Another tool's examples never shape it, nor does a recorded output cut mid-JSON
  (``cut_json``). Without same-tool records, the tool's earlier results in this conversation
  decide the same way (a tool answers in one format); without either, the rules above hold.
* **A declared object's scalar fields are returned** (``spec.returned_fields``: a schema without
  ``required`` whose properties are all scalars, at most ``RETURNED_FIELDS_MAX``, requires them).
* **A declared form.** ``form`` (``ExampleIndex.declared_form``: how recorded tools declaring the
  same one-field schema answered) picks the bare field or the declared object.

``decision_schema`` gives the result branch of a call's first decode, beside the error branch.

Every result schema here excludes the error payload (an object whose one key is ``error``): errors
are a separate branch, decided by the gate and the model's confidence, never by a result. What
real tools do that justifies each rule, with the measured counts: docs/simulator.md, "The model
request".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from jsonschema import Draft202012Validator

from gtm_core.schema_refs import has_refs
from gtm_core.spec import ToolSpec, canonical_json, returned_fields
from gtm_core.tool_errors import is_error_payload, json_type

# any JSON value but an object
VALUE_SCHEMA: dict[str, Any] = {
    "type": ["string", "number", "boolean", "array", "null"],
    "items": {},
}
# a key other than "error", as a regular expression without lookahead (xgrammar compiles
# ``propertyNames.pattern`` but has no lookahead): the empty key, any key not starting with
# "error", a proper prefix of it, or "error" followed by more
NOT_ERROR_KEY = "^(|[^e].*|e|e[^r].*|er|er[^r].*|err|err[^o].*|erro|erro[^r].*|error.+)$"
# any result at all (a tool without a response schema, an untyped field returned bare): a value,
# an object of two or more keys, or an object of one key other than "error" (``{"message": …}``,
# as schema-less tools often answer). An object whose one key is "error" reads as an error
# payload everywhere (``tool_errors.is_error_payload``): errors have their own branch
UNTYPED_RESULT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        VALUE_SCHEMA,
        {"type": "object", "minProperties": 2, "additionalProperties": {}},
        {
            "type": "object",
            "minProperties": 1,
            "maxProperties": 1,
            "propertyNames": {"pattern": NOT_ERROR_KEY},
            "additionalProperties": {},
        },
    ]
}
_TYPING_KEYS = ("type", "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "properties", "items")

# objects and arrays are described this many levels deep; deeper values are any JSON
SHAPE_DEPTH = 2
SHAPE_KEYS = 24  # an object with more keys is any object

_VALIDATORS: dict[str, Draft202012Validator] = {}


def validator_for(schema: dict) -> Draft202012Validator:
    """A compiled validator of ``schema`` (cached by its canonical JSON)."""
    key = canonical_json(schema)
    v = _VALIDATORS.get(key)
    if v is None:
        if len(_VALIDATORS) > 100_000:
            _VALIDATORS.clear()
        v = _VALIDATORS[key] = Draft202012Validator(schema)
    return v


def shape_schema(value: Any, depth: int = 0) -> dict[str, Any]:
    """A JSON Schema of ``value``'s shape: its type (integers are numbers), an object's keys (all
    required), an array's first item; ``SHAPE_DEPTH`` levels deep."""
    t = json_type(value)
    if t == "integer":
        return {"type": "number"}
    if t == "object":
        if depth >= SHAPE_DEPTH or len(value) > SHAPE_KEYS:
            return {"type": "object"}
        props = {str(k): shape_schema(v, depth + 1) for k, v in value.items()}
        return {
            "type": "object",
            "properties": props,
            "required": list(props),
            "additionalProperties": False,
        }
    if t == "array":
        if depth >= SHAPE_DEPTH or not value:
            return {"type": "array"}
        return {"type": "array", "items": shape_schema(value[0], depth + 1)}
    return {"type": t} if t in ("string", "number", "boolean", "null") else {}


def cut_json(value: Any) -> bool:
    """Whether ``value`` is JSON text that does not parse: a recorder cut it (ToolBench keeps the
    first 1,000 characters and ``...``), so its shape is unknown and it shapes no format."""
    if not isinstance(value, str) or value.lstrip()[:1] not in ("{", "["):
        return False
    try:
        json.loads(value)
    except ValueError:
        return True
    return False


def bare_field(declared: dict[str, Any]) -> dict[str, Any] | None:
    """The schema of the one field of a one-property object schema (the value a tool may return
    bare); None for any other schema. An untyped field is any result (``UNTYPED_RESULT_SCHEMA``)."""
    props = declared.get("properties")
    if (
        declared.get("type") != "object"
        or not isinstance(props, dict)
        or len(props) != 1
        or declared.get("patternProperties")
        or isinstance(declared.get("additionalProperties"), dict)
    ):
        return None
    field = next(iter(props.values()))
    if not isinstance(field, dict):
        return None
    if not any(k in field for k in _TYPING_KEYS):
        return UNTYPED_RESULT_SCHEMA
    if field.get("type") == "object" or "properties" in field:
        # a bare object is read as the declared one's field only by its keys: keep the declared form
        return None
    return field


def result_shapes(spec: ToolSpec, items: Sequence[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The distinct shapes (``shape_schema``) of ``spec``'s own results among ``items``
    (``{"tool", "arguments", "output"}``): errors and outputs cut mid-JSON left out."""
    shapes: dict[str, dict[str, Any]] = {}
    for e in items or ():
        if (
            e.get("tool") == spec.name
            and not is_error_payload(e.get("output"))
            and not cut_json(e.get("output"))
        ):
            s = shape_schema(e.get("output"))
            shapes.setdefault(canonical_json(s), s)
    return list(shapes.values())


def response_schema_for(
    spec: ToolSpec,
    examples: Sequence[dict[str, Any]] | None,
    form: str | None = None,
    earlier: Sequence[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The schema a result for a call of ``spec`` must follow, given the recorded real ``examples``
    shown with it (``{"tool", "arguments", "output"}`` items): ``anyOf`` the shapes of the same
    tool's recorded results when there are any; else those of its ``earlier`` results in this
    conversation (same items; records, when there are any, show every form a tool answers in,
    which one conversation may not); else the declared response schema (its fields returned,
    ``spec.returned_fields``) or-its-one-field bare, or ``UNTYPED_RESULT_SCHEMA`` without one.
    ``form`` (``ExampleIndex.declared_form``: how recorded tools declaring the same schema
    answered) picks one of the two: ``"bare"`` or ``"declared"``."""
    shapes = result_shapes(spec, examples) or result_shapes(spec, earlier)
    if shapes:
        return shapes[0] if len(shapes) == 1 else {"anyOf": shapes}
    declared = spec.response_schema
    if declared is None:
        return UNTYPED_RESULT_SCHEMA
    if has_refs(declared):
        return declared
    field = bare_field(declared)
    declared = returned_fields(declared)
    if field is None or form == "declared":
        return declared
    return field if form == "bare" else {"anyOf": [declared, field]}


def declared_fields(schema: Any) -> set[str]:
    """The top-level property names a result schema declares (over its ``anyOf``/``oneOf``)."""
    if not isinstance(schema, dict):
        return set()
    props = schema.get("properties")
    names = set(props) if isinstance(props, dict) else set()
    for branch in (schema.get("anyOf") or []) + (schema.get("oneOf") or []):
        names |= declared_fields(branch)
    return names


def decision_schema(spec: ToolSpec, fmt: dict[str, Any]) -> dict[str, Any]:
    """The result branch a call's first decode sees beside the error branch: ``fmt`` (from
    ``response_schema_for``) or the format without examples (``anyOf``), so the probability of
    the error branch's opening tokens is measured against every result the model leans to (a
    narrower branch hands the declared object's mass to ``{"error"``). The model stage brings a
    result in the wider shape into ``fmt`` (its one field, else decoded again). ``fmt`` itself
    when the two agree or either holds ``$ref`` (references resolve from the schema's root)."""
    base = response_schema_for(spec, None)
    if fmt == base or has_refs(base) or has_refs(fmt):
        return fmt
    return {"anyOf": [fmt, base]}
