"""A compiled fast path for the common subset of JSON Schema used by tool specs.

``compile_schema(schema)`` returns a predicate ``f(value) -> bool`` equivalent to
``Draft202012Validator(schema).is_valid`` for schemas built only from the supported keywords, or
None when the schema uses anything else (callers then use jsonschema). Callers use it only to say
"valid" quickly; on False they ask jsonschema for the reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Pred = Callable[[Any], bool]
_ANNOTATIONS = {
    "description",
    "title",
    "default",
    "examples",
    "$comment",
    "deprecated",
    "readOnly",
    "writeOnly",
    "nullable",
    "example",
    "$schema",
    "$id",
}
_SUPPORTED = {
    "type",
    "properties",
    "required",
    "items",
    "enum",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minLength",
    "maxLength",
    "additionalProperties",
}


def _is_type(t: str) -> Pred | None:
    return {
        "string": lambda v: isinstance(v, str),
        "integer": lambda v: (
            (isinstance(v, int) and not isinstance(v, bool))
            or (isinstance(v, float) and v.is_integer())
        ),
        "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        "boolean": lambda v: isinstance(v, bool),
        "null": lambda v: v is None,
        "array": lambda v: isinstance(v, list),
        "object": lambda v: isinstance(v, dict),
    }.get(t)


def _num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def compile_schema(schema: Any, depth: int = 0) -> Pred | None:
    if schema is True or schema == {}:
        return lambda v: True
    if not isinstance(schema, dict) or depth > 12:
        return None
    keys = {k for k in schema if not (k in _ANNOTATIONS or k.startswith("x-"))}
    if keys - _SUPPORTED:
        return None
    checks: list[Pred] = []
    t = schema.get("type")
    if t is not None:
        ts = [t] if isinstance(t, str) else t
        if not isinstance(ts, list) or not ts:
            return None
        preds = [_is_type(x) for x in ts]
        if any(p is None for p in preds):
            return None
        checks.append(
            preds[0] if len(preds) == 1 else (lambda v, ps=tuple(preds): any(p(v) for p in ps))
        )
    if "enum" in schema:
        enum = schema["enum"]
        if not isinstance(enum, list) or not all(isinstance(e, str) for e in enum):
            return None  # numeric/bool enums compare with JSON equality rules: leave to jsonschema
        allowed = frozenset(enum)
        checks.append(lambda v: isinstance(v, str) and v in allowed)
    for kw, op in (("minimum", lambda v, b: v >= b), ("maximum", lambda v, b: v <= b)):
        if kw in schema:
            b = schema[kw]
            if not _num(b):
                return None
            checks.append(lambda v, b=b, op=op: not _num(v) or op(v, b))
    for kw, typ, op in (
        ("minLength", str, lambda n, b: n >= b),
        ("maxLength", str, lambda n, b: n <= b),
        ("minItems", list, lambda n, b: n >= b),
        ("maxItems", list, lambda n, b: n <= b),
    ):
        if kw in schema:
            b = schema[kw]
            if not isinstance(b, int) or isinstance(b, bool):
                return None
            if typ is str:  # JSON Schema counts code points; Python len does too
                checks.append(lambda v, b=b, op=op: not isinstance(v, str) or op(len(v), b))
            else:
                checks.append(lambda v, b=b, op=op: not isinstance(v, list) or op(len(v), b))
    if "items" in schema:
        it = compile_schema(schema["items"], depth + 1)
        if it is None:
            return None
        checks.append(lambda v, it=it: not isinstance(v, list) or all(it(x) for x in v))
    props = schema.get("properties")
    req = schema.get("required")
    addl = schema.get("additionalProperties", True)
    if props is not None or req is not None or "additionalProperties" in schema:
        if props is not None and not isinstance(props, dict):
            return None
        cp: dict[str, Pred] = {}
        for name, ps in (props or {}).items():
            p = compile_schema(ps, depth + 1)
            if p is None:
                return None
            cp[name] = p
        if req is not None and not (isinstance(req, list) and all(isinstance(r, str) for r in req)):
            return None
        required = tuple(req or ())
        if addl is True:
            extra: Pred | None = None
        elif addl is False:
            extra = lambda v: False  # noqa: E731
        else:
            extra = compile_schema(addl, depth + 1)
            if extra is None:
                return None

        def obj(v: Any, cp=cp, required=required, extra=extra) -> bool:
            if not isinstance(v, dict):
                return True
            for r in required:
                if r not in v:
                    return False
            for k, x in v.items():
                p = cp.get(k)
                if p is not None:
                    if not p(x):
                        return False
                elif extra is not None and not extra(x):
                    return False
            return True

        checks.append(obj)
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    return lambda v, cs=tuple(checks): all(c(v) for c in cs)
