"""The one vocabulary of tool-call errors, shared by CARG, the simulator's gate and its model step.

* **Structural** errors (wrong type, missing required, unknown/excess parameter, invalid value) are
  decided from the spec and the arguments alone. The deterministic gate owns them: they are answered
  without a model call, and the model is never trained or allowed to write one.
* **Semantic** errors depend on the world or the session (not found, conflict, forbidden, rate
  limited, unavailable, failed precondition...): the only error types the model may answer.

Also here: the one message wording, the value checks that need no schema keyword, and JSON type
names. Payloads have the shape of ``chat_format.error_payload(type, message, field)``."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

TYPE_ERROR, MISSING, UNKNOWN, INVALID = (
    "type_error",
    "missing_required",
    "unknown_parameter",
    "invalid_value",
)
STRUCTURAL_ERROR_TYPES = (TYPE_ERROR, MISSING, UNKNOWN, INVALID)
ERROR_TYPES = STRUCTURAL_ERROR_TYPES  # CARG's four error generators
# other spellings of a structural error a model (or an API) may use; compared after normalize_type
_STRUCTURAL_ALIASES = frozenset(
    {
        "wrong_type",
        "invalid_type",
        "type_mismatch",
        "invalid_parameter_type",
        "missing_parameter",
        "missing_argument",
        "missing_required_parameter",
        "missing_field",
        "required_parameter_missing",
        "unknown_argument",
        "unexpected_parameter",
        "unexpected_argument",
        "excess_parameter",
        "extra_parameter",
        "unrecognized_parameter",
        "invalid_parameter",
        "invalid_argument",
        "invalid_enum",
        "invalid_format",
        "enum_error",
        "format_error",
        "out_of_range",
        "schema_error",
        "validation_error",
        "invalid_arguments",
    }
)
EXECUTION_ERROR = "execution_error"  # a failure the real tool reported while running the call
SEMANTIC_ERROR_TYPES = (
    "not_found",
    "already_exists",
    "conflict",
    "unauthorized",
    "forbidden",
    "rate_limited",
    "quota_exceeded",
    "failed_precondition",
    "unavailable",
    "timeout",
    "server_error",
    EXECUTION_ERROR,
)


def normalize_type(error_type: Any) -> str:
    """``"Invalid-Value"`` / ``"InvalidValue"`` -> ``"invalid_value"`` (non-strings -> "")."""
    if not isinstance(error_type, str):
        return ""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", error_type.strip())
    return re.sub(r"[^a-z0-9]+", "_", snake.lower()).strip("_")


def is_structural_type(error_type: Any) -> bool:
    """Whether an error type names a structural error (canonical type or a common spelling)."""
    t = normalize_type(error_type)
    return t in STRUCTURAL_ERROR_TYPES or t in _STRUCTURAL_ALIASES


def is_error_payload(value: Any) -> bool:
    """Whether ``value`` is an error payload: an object whose one key is ``error``."""
    return isinstance(value, dict) and len(value) == 1 and "error" in value


def structural_claim(output: Any) -> str | None:
    """The error type when ``output`` is an error payload claiming a structural error, else None."""
    if is_error_payload(output) and isinstance(output["error"], dict):
        t = output["error"].get("type")
        return t if is_structural_type(t) else None
    return None


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


# ---- what a coercing tool reads from a string ---------------------------------------------------
# Real tools coerce their inputs: pydantic's lax mode (FastMCP and most Python MCP servers),
# query-string REST APIs and eval-based Python tools (API-Bank) accept "3" for an integer, "true"
# for a boolean, and FastMCP pre-parses JSON text for list/dict parameters. The recorded real calls
# show it (API-Bank: numeric strings, a list passed as its Python literal, all executed fine). The
# gate and CARG read a tool's own parameters through ``coerce``, so such calls are not type errors.
_INT_STR = re.compile(r"^\s*[-+]?\d+\s*$")
_NUM_STR = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
_BOOL_STR = {
    "true": True,
    "false": False,
    "yes": True,
    "no": False,
    "on": True,
    "off": False,
    "1": True,
    "0": False,
    "t": True,
    "f": False,
    "y": True,
    "n": False,
}  # pydantic's lax set
MAX_LITERAL_CHARS = 100_000
_NO = object()


def parse_literal(text: str, max_chars: int = MAX_LITERAL_CHARS) -> tuple[Any, bool]:
    """The JSON value (or Python literal) a string spells: ``(value, True)``, else
    ``(text, False)``. Only text opening like an array, object or string (at most ``max_chars``)
    is tried."""
    s = text.strip()
    if not s or s[0] not in "[{\"'" or len(s) > max_chars:
        return text, False
    try:
        return json.loads(s), True
    except (ValueError, RecursionError):
        pass
    try:
        v = ast.literal_eval(s)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return text, False
    return (v, True) if isinstance(v, dict | list | str) else (text, False)


def _coerce_one(s: str, t: str) -> Any:
    if t == "integer" and _INT_STR.match(s):
        return int(s)
    if t == "number" and _NUM_STR.match(s):
        return int(s) if _INT_STR.match(s) else float(s)
    if t == "boolean" and s.strip().lower() in _BOOL_STR:
        return _BOOL_STR[s.strip().lower()]
    if t in ("array", "object"):
        v, ok = parse_literal(s)
        if ok and isinstance(v, list if t == "array" else dict):
            return v
    return _NO


def coerce(value: Any, types: Sequence[str]) -> Any:
    """``value`` as a coercing tool reads it for a parameter of the JSON ``types``: a string for a
    parameter that takes no string becomes the integer, number, boolean, array or
    object it spells (``"3"``, ``"2.5"``, ``"true"``, ``"[1, 2]"``, ``"{'a': 1}"``);
    anything else comes back as it is."""
    if not isinstance(value, str) or not types or "string" in types:
        return value
    for t in types:
        v = _coerce_one(value, t)
        if v is not _NO:
            return v
    return value


# ToolBench's function layer passes RapidAPI parameters under standardized names (lower case,
# separators dropped: "trackingnumber" for "trackingNumber") and prefixes Python words with "is_"
# ("is_id" for "id"); the real endpoints answered those calls. The gate and CARG read such a name
# as the declared parameter it spells (``resolve_aliases``).
_RESERVED_NAMES = frozenset({"from", "class", "return", "false", "true", "id", "and"})


def _alias_key(name: str) -> str:
    return re.sub(r"[^0-9a-z]", "", name.lower())


def resolve_aliases(arguments: dict[str, Any], declared: Any) -> dict[str, Any]:
    """``arguments`` with every undeclared name that spells exactly one declared parameter another
    way (case, ``_``/``-`` separators, ToolBench's ``is_`` prefix on reserved words) renamed to it,
    unless that parameter is given too; the same dict when nothing is renamed."""
    names = declared if isinstance(declared, frozenset | set | dict) else frozenset(declared)
    extra = [k for k in arguments if k not in names]
    if not extra:
        return arguments
    table: dict[str, list[str]] = {}
    for d in names:
        table.setdefault(_alias_key(str(d)), []).append(d)
    out, renamed = dict(arguments), False
    for k in extra:
        base = k[3:] if k.lower().startswith("is_") and k[3:].lower() in _RESERVED_NAMES else k
        cands = table.get(_alias_key(base), [])
        if len(cands) == 1 and cands[0] not in out:
            out[cands[0]] = out.pop(k)
            renamed = True
    return out if renamed else arguments


def declared_types(schema: Any) -> list[str]:
    """The JSON types a parameter schema declares with ``type`` ([] when it declares none)."""
    if not isinstance(schema, dict):
        return []
    t = schema.get("type")
    return (
        [t]
        if isinstance(t, str)
        else ([x for x in t if isinstance(x, str)] if isinstance(t, list) else [])
    )


# ---- value checks that need no schema keyword (shared by the gate and CARG's detect_errors) ------
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_EMAIL_NAME = re.compile(r"(^|_)e_?mail(_?address|_?addr|_?id)?s?$")
VALUE_KINDS = (
    "date",
    "start_date",
    "end_date",
    "email",
    "count",
    "page",
    "age",
    "measure",
    "lat",
    "lon",
)


def value_kind(name: str, schema: dict) -> str | None:
    """The kind of parameter ``value_problem`` checks (None: it checks
    nothing for this parameter)."""
    from gtm_core.synth import classify

    desc = schema.get("description") if isinstance(schema.get("description"), str) else ""
    kind = classify(name, desc)
    if kind == "email" and not (
        _EMAIL_NAME.search(normalize_type(name)) or schema.get("format") == "email"
    ):
        return None  # email_subject, email_body...: not an address
    if schema.get("format") in ("date", "email"):
        return schema["format"]
    return kind if kind in VALUE_KINDS else None


def value_problem(name: str, schema: dict, value: Any, kind: str | None = None) -> str | None:
    """Narrow, objective checks of a value of the right type (impossible calendar dates, malformed
    email addresses, negative counts/pages/ages/measures, latitude/longitude out of
    range); the detail of the ``invalid_value`` error, or None. ``kind``:
    ``value_kind(name, schema)`` when known."""
    kind = value_kind(name, schema) if kind is None else kind
    if isinstance(value, str):
        if kind in ("date", "start_date", "end_date") and _DATE.match(value):
            try:
                date.fromisoformat(value)
            except ValueError:
                return f"{value!r} is not a valid calendar date"
        if kind == "email" and not _EMAIL.match(value):
            return f"{value!r} is not a valid email address"
    elif isinstance(value, int | float) and not isinstance(value, bool):
        if kind in ("count", "page", "age", "measure") and value < 0:
            return f"must be non-negative, got {value}"
        if kind == "lat" and not -90 <= value <= 90:
            return f"latitude must be between -90 and 90, got {value}"
        if kind == "lon" and not -180 <= value <= 180:
            return f"longitude must be between -180 and 180, got {value}"
    return None
