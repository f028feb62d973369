"""CARG error generation (paper §4.2.3): four generators turn a valid call into an erroneous one
with an error message, and three checks validate the pair (format, existence, message quality).

The canonical error types and message wording are in ``gtm_core.tool_errors`` (shared with the
simulator's gate); ``detect_errors`` lists every structural error of a call.
Outputs have the shape of ``chat_format.error_payload(type, message, field)``.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator

from gtm_core.carg.validate import checker
from gtm_core.chat_format import error_payload
from gtm_core.schema_refs import DEPTH_DETAIL, MAX_VALUE_DEPTH, value_depth
from gtm_core.spec import ToolSpec
from gtm_core.synth import classify
from gtm_core.tool_errors import (
    ERROR_TYPES,
    INVALID,
    MISSING,
    TYPE_ERROR,
    UNKNOWN,
    coerce,
    declared_types,
    error_message,
    json_type,
    resolve_aliases,
    value_problem,
)

# words a good message for each type uses (message quality check)
MESSAGE_KEYWORDS: dict[str, tuple[str, ...]] = {
    TYPE_ERROR: ("type", "expected", "must be a", "should be a"),
    MISSING: ("missing", "required"),
    UNKNOWN: (
        "unknown",
        "unexpected",
        "not accept",
        "unrecognized",
        "not a valid parameter",
        "does not exist",
        "not allowed",
    ),
    INVALID: (
        "invalid",
        "must",
        "should",
        "not one of",
        "out of range",
        "not allowed",
        "not a valid",
    ),
}


# ---- the gate: which errors does a call contain? ---------------------------------------------
def type_matches(value: Any, types: list[str]) -> bool:
    jt = json_type(value)
    return not types or jt in types or (jt == "integer" and "number" in types)


_PARAM_VALIDATORS: dict[str, Draft202012Validator] = {}


def _param_validator(schema: dict) -> Draft202012Validator:
    import json

    key = json.dumps(schema, sort_keys=True, default=str)
    v = _PARAM_VALIDATORS.get(key)
    if v is None:
        v = _PARAM_VALIDATORS[key] = Draft202012Validator(
            schema, format_checker=Draft202012Validator.FORMAT_CHECKER
        )
    return v


def _param_error(schema: dict, params: dict, value: Any):
    """The first JSON Schema error of one parameter value; its references resolve against the
    whole parameters object (``#/$defs/...``, ``#`` itself: recursive schemas)."""
    from referencing.exceptions import Unresolvable

    v = _param_validator(params).evolve(schema=schema)
    try:
        return None if v.is_valid(value) else next(iter(v.iter_errors(value)), None)
    except Unresolvable:
        return None


@dataclass(frozen=True)
class CallError:
    type: str
    field: str
    detail: str

    @property
    def message(self) -> str:
        return error_message(self.type, self.field, self.detail)

    def payload(self) -> dict[str, Any]:
        return error_payload(self.type, self.message, self.field)


def detect_errors(spec: ToolSpec, arguments: Any) -> list[CallError]:
    """Every error in a call, in gate order: unknown, missing, wrong type, invalid value. Each
    parameter is read as the gate reads it (``tool_errors.coerce``: "3" is an integer;
    ``resolve_aliases``: "is_id" is "id")."""
    if not isinstance(arguments, dict):
        return [
            CallError(TYPE_ERROR, "", f"arguments must be an object, got {json_type(arguments)}")
        ]
    c = checker(spec)
    props = spec.properties
    arguments = resolve_aliases(arguments, c.known)
    deep = c.recursive_params
    out: list[CallError] = []
    if not c.open_params:
        out += [
            CallError(UNKNOWN, k, "the tool does not accept it")
            for k in arguments
            if k not in c.known
        ]
    out += [CallError(MISSING, r, "") for r in spec.required if r not in arguments]
    for k, v in arguments.items():
        schema = props.get(k)
        if not isinstance(schema, dict):
            continue
        types = declared_types(schema)
        v = coerce(v, types)
        if not type_matches(v, types):
            out.append(
                CallError(TYPE_ERROR, k, f"expected {' or '.join(types)}, got {json_type(v)}")
            )
            continue
        if deep and value_depth(v) > MAX_VALUE_DEPTH:
            out.append(CallError(INVALID, k, DEPTH_DETAIL))
            continue
        err = _param_error(schema, spec.parameters, v)
        if err is not None:
            out.append(CallError(INVALID, k, err.message[:160]))
            continue
        p = value_problem(k, schema, v)
        if p:
            out.append(CallError(INVALID, k, p))
    return out


# ---- the four generators -------------------------------------------------------------------
_EXTRA_NAMES = [
    "verbose",
    "debug_mode",
    "callback_url",
    "priority",
    "api_version",
    "include_metadata",
    "retry_count",
]


def _wrong_type_value(value: Any, types: list[str], rng: random.Random) -> Any | None:
    """A value of another type that no coercing tool reads as a ``types[0]`` ("3" is read as an
    integer, so a number is spelled out in words instead)."""
    t = types[0]
    if t == "string":
        return (
            rng.choice([12345, True, ["x"]])
            if not isinstance(value, str) or not value.isdigit()
            else True
        )
    if t in ("integer", "number"):
        return rng.choice(["twelve", "a few", True])
    if t == "boolean":
        return rng.choice(["maybe", 2, ["yes"]])
    if t == "array":
        return ",".join(map(str, value)) if isinstance(value, list) and value else "item"
    if t == "object":
        return "key=value"
    return None


def _invalid_value(name: str, schema: dict, value: Any) -> Any | None:
    """A value of the right type that is not allowed (enum, bounds, format, or semantics)."""
    types = declared_types(schema)
    kind = classify(
        name, schema.get("description", "") if isinstance(schema.get("description"), str) else ""
    )
    enum = schema.get("enum")
    if isinstance(enum, list) and enum:
        if all(isinstance(e, str) for e in enum):
            return "unsupported_" + str(enum[0])
        if all(isinstance(e, int) and not isinstance(e, bool) for e in enum):
            return max(enum) + 1000
        return None
    num = "integer" in types or "number" in types
    if num and isinstance(schema.get("maximum"), int | float):
        return schema["maximum"] + (10 if "integer" in types else 10.5)
    if num and isinstance(schema.get("minimum"), int | float):
        return schema["minimum"] - (10 if "integer" in types else 10.5)
    if num and kind in ("count", "page", "age", "measure"):
        return -5 if "integer" in types else -5.0
    if num and kind == "lat":
        return 123.4
    if num and kind == "lon":
        return 200.5
    if "string" in types or not types:
        if schema.get("format") == "date" or kind in ("date", "start_date", "end_date"):
            return "2025-02-30"
        if schema.get("format") == "email" or kind == "email":
            return "john.doe.example.com"
        if isinstance(schema.get("maxLength"), int):
            return "x" * (schema["maxLength"] + 5)
        if isinstance(schema.get("pattern"), str):
            return "!!!"
    return None


def make_error(
    spec: ToolSpec, arguments: dict[str, Any], kind: str, rng: random.Random
) -> tuple[dict[str, Any], CallError] | None:
    """Turn valid ``arguments`` into a call with exactly one error of ``kind``; None when the tool
    offers no way to make that error (e.g. no required parameter to omit)."""
    args = copy.deepcopy(arguments)
    props = spec.properties
    if kind == MISSING:
        cands = [r for r in spec.required if r in args]
        if not cands:
            return None
        p = rng.choice(cands)
        del args[p]
        return args, CallError(MISSING, p, "")
    if kind == UNKNOWN:
        if checker(spec).open_params:
            return None
        p = next(
            (
                n
                for n in rng.sample(_EXTRA_NAMES, len(_EXTRA_NAMES))
                if n not in props and resolve_aliases({n: 1}, props) == {n: 1}
            ),
            None,
        )
        if p is None:
            return None
        args[p] = rng.choice([True, "high", 3])
        return args, CallError(UNKNOWN, p, "the tool does not accept it")
    names = list(args) + [n for n in props if n not in args]
    rng.shuffle(names)
    for p in names:
        schema = props.get(p)
        types = declared_types(schema)
        if not isinstance(schema, dict):
            continue
        if kind == TYPE_ERROR and len(types) == 1 and types[0] != "null":
            bad = _wrong_type_value(args.get(p), types, rng)
            if bad is not None and not type_matches(coerce(bad, types), types):
                args[p] = bad
                return args, CallError(TYPE_ERROR, p, f"expected {types[0]}, got {json_type(bad)}")
        if kind == INVALID:
            bad = _invalid_value(p, schema, args.get(p))
            if bad is not None:
                args[p] = bad
                found = [e for e in detect_errors(spec, args) if e.field == p]
                if found and found[0].type == INVALID:
                    return args, found[0]
                args = copy.deepcopy(arguments)
    return None


# ---- validation of an error sample ---------------------------------------------------------
def v_error_format(output: Any, kind: str, field: str) -> list[str]:
    if not isinstance(output, dict) or not isinstance(output.get("error"), dict):
        return ["output is not an error payload {'error': {...}}"]
    e = output["error"]
    reasons = []
    if e.get("type") not in ERROR_TYPES:
        reasons.append(f"error.type {e.get('type')!r} is not one of {ERROR_TYPES}")
    elif e.get("type") != kind:
        reasons.append(f"error.type {e.get('type')!r} differs from the generated kind {kind!r}")
    if e.get("field") != field:
        reasons.append(f"error.field {e.get('field')!r} is not the erroneous parameter {field!r}")
    if not isinstance(e.get("message"), str) or not e["message"].strip():
        reasons.append("error.message is empty")
    return reasons


def v_error_exists(spec: ToolSpec, arguments: Any, kind: str, field: str) -> list[str]:
    """The call really has this error, and only this one, against the tool's schema."""
    found = detect_errors(spec, arguments)
    if not any(e.type == kind and e.field == field for e in found):
        return [f"no {kind} on {field!r} in the call (found: {[(e.type, e.field) for e in found]})"]
    if len(found) > 1:
        return [
            f"the call has {len(found)} errors, "
            f"expected exactly one: {[(e.type, e.field) for e in found]}"
        ]
    return []


def v_error_message(message: Any, kind: str, field: str) -> list[str]:
    """The message names the parameter and the problem, and is short."""
    if not isinstance(message, str) or not message.strip():
        return ["message is empty"]
    low = message.lower()
    reasons = []
    if field and field.lower() not in low:
        reasons.append(f"message does not name the parameter {field!r}")
    if not any(k in low for k in MESSAGE_KEYWORDS.get(kind, ())):
        reasons.append(
            f"message does not describe a {kind} (expected one of {MESSAGE_KEYWORDS.get(kind)})"
        )
    if len(message) > 400:
        reasons.append(f"message is too long ({len(message)} characters)")
    return reasons
