"""The response format a simulated call is held to: the tool's declared response schema, widened by
what its recorded real outputs show.

Declared response schemas and real tools disagree: API-Bank declares ``{"status": ...}`` and the
tool returns the bare string ``"success"``; a RapidAPI endpoint's template names other keys than the
live service sends. When the recorded real examples shown for a call include outputs of the *same*
tool that its declared schema rejects, the output may take their shape too: the schema becomes
``anyOf[declared, shape of each such output]``. Without such evidence the declared schema stands
(a tool is never widened by another tool's examples, nor by a guess).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jsonschema import Draft202012Validator

from gtm_core.schema_refs import has_refs
from gtm_core.spec import ToolSpec, canonical_json
from gtm_core.tool_errors import is_error_payload, json_type

SHAPE_DEPTH = 2  # objects and arrays are described this many levels deep; deeper values are any JSON
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
        return {"type": "object", "properties": props, "required": list(props), "additionalProperties": False}
    if t == "array":
        if depth >= SHAPE_DEPTH or not value:
            return {"type": "array"}
        return {"type": "array", "items": shape_schema(value[0], depth + 1)}
    return {"type": t} if t in ("string", "number", "boolean", "null") else {}


def response_schema_for(spec: ToolSpec, examples: Sequence[dict[str, Any]] | None) -> dict[str, Any] | None:
    """The schema a result for a call of ``spec`` must follow, given the recorded real ``examples``
    shown with it (``{"tool", "arguments", "output"}`` items): the declared response schema, or
    ``anyOf`` it and the shapes of the same tool's recorded results that it rejects."""
    declared = spec.response_schema
    if declared is None or not examples or has_refs(declared):
        return declared
    outputs = [e.get("output") for e in examples if e.get("tool") == spec.name and not is_error_payload(e.get("output"))]
    valid = validator_for(declared)
    shapes: dict[str, dict[str, Any]] = {}
    for out in outputs:
        if not valid.is_valid(out):
            s = shape_schema(out)
            shapes.setdefault(canonical_json(s), s)
    if not shapes:
        return declared
    return {"anyOf": [declared, *shapes.values()]}
