"""The canonical vocabulary of structural tool-call errors, shared by CARG's error generators and
validators and by the simulator's deterministic gate: the four types, the one message wording, and
JSON type names. Payloads have the shape of ``chat_format.error_payload(type, message, field)``."""

from __future__ import annotations

from typing import Any

TYPE_ERROR, MISSING, UNKNOWN, INVALID = "type_error", "missing_required", "unknown_parameter", "invalid_value"
ERROR_TYPES = (TYPE_ERROR, MISSING, UNKNOWN, INVALID)


def error_message(kind: str, param: str | None, detail: str = "") -> str:
    """The canonical message for ``kind`` about ``param`` (``detail`` says what is wrong);
    ``param=None`` is the call itself (arguments that are not an object)."""
    detail = detail.strip().rstrip(".")
    if kind == TYPE_ERROR:
        if param is None:
            return f"Arguments must be a JSON object{': ' + detail if detail else ''}."
        return f"Parameter '{param}' has the wrong type: {detail or 'unexpected type'}."
    if kind == MISSING:
        return f"Missing required parameter '{param}'." + (f" {detail}." if detail else "")
    if kind == UNKNOWN:
        return f"Unknown parameter '{param}': {detail or 'the tool does not accept it'}."
    if kind == INVALID:
        return f"Invalid value for parameter '{param}': {detail or 'value not allowed'}."
    raise ValueError(f"error kind {kind!r} is not one of {ERROR_TYPES}")


def json_type(v: Any) -> str:
    """The JSON Schema type name of a Python value (bool is not an integer)."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list | tuple):
        return "array"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__
