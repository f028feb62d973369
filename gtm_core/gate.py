"""The deterministic gate: structural argument errors answered without a model call.

Wrong type, missing required, unknown parameter, enum/const and format violations (and the other
JSON Schema value constraints: bounds, lengths, patterns; and the keyword-free value checks of
``tool_errors.value_problem``: impossible dates, negative counts, ...) become the canonical error
payload ``{"error": {"type", "message", "field"}}`` with one of the types ``type_error``,
``missing_required``, ``unknown_parameter``, ``invalid_value``. Validators are compiled once per
spec (cached by ``spec.uid``) into closures with fast paths for the common flat schemas.

The canonical types and message texts are in ``gtm_core.tool_errors`` (shared with CARG): the
gate finds every structural error CARG's ``detect_errors`` does, so a call that passes it has none,
and the model step may only answer semantic errors.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from gtm_core.chat_format import error_payload
from gtm_core.schema_refs import DEPTH_DETAIL, MAX_VALUE_DEPTH, is_recursive, resolve, value_depth
from gtm_core.spec import ToolSpec
from gtm_core.tool_errors import (
    INVALID,
    MISSING,
    TYPE_ERROR,
    UNKNOWN,
    coerce,
    declared_types,
    error_message,
    json_type,
    resolve_aliases,
    value_kind,
    value_problem,
)

Problem = tuple[str, str, str]  # (kind, field path, detail)
Check = Callable[[Any, str], Problem | None]


def _is_int(v: Any) -> bool:
    return (isinstance(v, int) and not isinstance(v, bool)) or (
        isinstance(v, float) and v.is_integer()
    )


_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "integer": _is_int,
    "number": lambda v: (
        isinstance(v, int | float)
        and not isinstance(v, bool)
        and not (isinstance(v, float) and math.isnan(v))
    ),
    "boolean": lambda v: isinstance(v, bool),
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
    "null": lambda v: v is None,
}

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IPV4 = re.compile(r"^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _ok_date(s: str) -> bool:
    if not _DATE.match(s):
        return False
    try:
        date.fromisoformat(s)
        return True
    except ValueError:
        return False


def _ok_datetime(s: str) -> bool:
    if len(s) < 11 or s[10] not in "Tt ":
        return False
    try:
        datetime.fromisoformat(s[:-1] + "+00:00" if s[-1:] in "Zz" else s)
        return True
    except ValueError:
        return False


def _ok_time(s: str) -> bool:
    try:
        time.fromisoformat(s[:-1] + "+00:00" if s[-1:] in "Zz" else s)
        return True
    except ValueError:
        return False


FORMATS: dict[str, tuple[Callable[[str], bool], str]] = {
    "date": (_ok_date, "expected a date in YYYY-MM-DD format"),
    "date-time": (_ok_datetime, "expected an ISO 8601 date-time (YYYY-MM-DDTHH:MM:SS)"),
    "time": (_ok_time, "expected a time in HH:MM[:SS] format"),
    "email": (lambda s: bool(_EMAIL.match(s)), "expected an email address"),
    "uri": (lambda s: bool(_URI.match(s)), "expected a URI with a scheme (e.g. https://...)"),
    "url": (lambda s: bool(_URI.match(s)), "expected a URL with a scheme (e.g. https://...)"),
    "uuid": (lambda s: bool(_UUID.match(s)), "expected a UUID"),
    "ipv4": (lambda s: bool(_IPV4.match(s)), "expected an IPv4 address"),
}


def _short(v: Any) -> str:
    s = repr(v) if not isinstance(v, str) else f"'{v}'"
    return s if len(s) <= 60 else s[:57] + "..."


def _enum_check(options: list) -> Callable[[Any], bool]:
    try:
        fs = frozenset(options)
        has_bool = any(isinstance(o, bool) for o in options)
        if not has_bool:
            return lambda v: not isinstance(v, bool) and _hashable_in(v, fs)
    except TypeError:
        pass
    return lambda v: any(v == o and isinstance(v, bool) == isinstance(o, bool) for o in options)


def _hashable_in(v: Any, fs: frozenset) -> bool:
    try:
        return v in fs
    except TypeError:
        return False


@dataclass
class _Ctx:
    """What compiling one tool's schema shares: the root local ``$ref``s resolve against, and one
    late-bound check per reference target (a recursive schema compiles once)."""

    root: Any = None
    cells: dict[int, list] = field(default_factory=dict)


def _compile_ref(schema: dict, cx: _Ctx) -> Check | None:
    """The check of a ``$ref``'s target, compiled once and called through a cell, so that a
    recursive reference is a loop in the data, not in the compiler (values are depth-bounded)."""
    target = resolve(cx.root, schema["$ref"])
    if not isinstance(target, dict):
        return None
    cell = cx.cells.get(id(target))
    if cell is None:
        cell = cx.cells[id(target)] = [None]
        cell[0] = _compile(target, cx)
    return lambda v, p, cell=cell: cell[0](v, p) if cell[0] is not None else None


def _compile(schema: Any, cx: _Ctx | None = None) -> Check | None:
    """Compile one property schema into a check ``(value, path) -> problem | None``
    (None when the schema constrains nothing)."""
    cx = cx or _Ctx(root=schema)
    if not isinstance(schema, dict) or not schema:
        return None
    checks: list[Check] = []
    if "$ref" in schema and (ref := _compile_ref(schema, cx)) is not None:
        checks.append(ref)
    t = schema.get("type")
    types = [t] if isinstance(t, str) else (list(t) if isinstance(t, list) else [])
    types = [x for x in types if x in _TYPE_CHECKS]
    if types:
        expected = " or ".join(types)
        if len(types) == 1:
            f = _TYPE_CHECKS[types[0]]

            def c_type(v, p, f=f, expected=expected):
                if not f(v):
                    return TYPE_ERROR, p, f"expected {expected}, got {json_type(v)}"
                return None
        else:
            fs = [_TYPE_CHECKS[x] for x in types]

            def c_type(v, p, fs=fs, expected=expected):
                if not any(f(v) for f in fs):
                    return TYPE_ERROR, p, f"expected {expected}, got {json_type(v)}"
                return None

        checks.append(c_type)
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        options = schema["enum"]
        ok = _enum_check(options)
        listing = ", ".join(_short(o) for o in options[:10]) + (
            ", ..." if len(options) > 10 else ""
        )

        def c_enum(v, p, ok=ok, listing=listing):
            if not ok(v):
                return INVALID, p, f"{_short(v)} is not one of [{listing}]"
            return None

        checks.append(c_enum)
    if "const" in schema:
        const = schema["const"]

        def c_const(v, p, const=const):
            if v != const:
                return INVALID, p, f"expected {_short(const)}"
            return None

        checks.append(c_const)
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMATS:
        fok, fdetail = FORMATS[fmt]

        def c_fmt(v, p, fok=fok, fdetail=fdetail):
            if isinstance(v, str) and not fok(v):
                return INVALID, p, f"{_short(v)}: {fdetail}"
            return None

        checks.append(c_fmt)
    # string constraints
    mn, mx, pat = schema.get("minLength"), schema.get("maxLength"), schema.get("pattern")
    rx = None
    if isinstance(pat, str):
        try:
            rx = re.compile(pat)
        except re.error:
            rx = None
    if isinstance(mn, int) or isinstance(mx, int) or rx is not None:

        def c_str(v, p, mn=mn, mx=mx, rx=rx):
            if not isinstance(v, str):
                return None
            if isinstance(mn, int) and len(v) < mn:
                return INVALID, p, f"must have at least {mn} characters"
            if isinstance(mx, int) and len(v) > mx:
                return INVALID, p, f"must have at most {mx} characters"
            if rx is not None and not rx.search(v):
                return INVALID, p, f"{_short(v)} does not match pattern {rx.pattern!r}"
            return None

        checks.append(c_str)
    # numeric bounds
    bounds = [
        (k, schema[k])
        for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
        if isinstance(schema.get(k), int | float) and not isinstance(schema.get(k), bool)
    ]
    if bounds:

        def c_num(v, p, bounds=bounds):
            if isinstance(v, bool) or not isinstance(v, int | float):
                return None
            for k, b in bounds:
                if (k == "minimum" and v < b) or (k == "maximum" and v > b):
                    return (
                        INVALID,
                        p,
                        f"{v} is {'less' if k == 'minimum' else 'greater'} than the {k} {b}",
                    )
                if (k == "exclusiveMinimum" and v <= b) or (k == "exclusiveMaximum" and v >= b):
                    return (
                        INVALID,
                        p,
                        f"{v} must be {'greater' if k == 'exclusiveMinimum' else 'less'} than {b}",
                    )
            return None

        checks.append(c_num)
    # arrays
    items = _compile(schema.get("items"), cx) if isinstance(schema.get("items"), dict) else None
    mi, ma = schema.get("minItems"), schema.get("maxItems")
    if items is not None or isinstance(mi, int) or isinstance(ma, int):

        def c_arr(v, p, items=items, mi=mi, ma=ma):
            if not isinstance(v, list):
                return None
            if isinstance(mi, int) and len(v) < mi:
                return INVALID, p, f"must have at least {mi} items"
            if isinstance(ma, int) and len(v) > ma:
                return INVALID, p, f"must have at most {ma} items"
            if items is not None:
                for i, x in enumerate(v):
                    r = items(x, f"{p}[{i}]")
                    if r is not None:
                        return r
            return None

        checks.append(c_arr)
    # nested objects
    if isinstance(schema.get("properties"), dict) or isinstance(schema.get("required"), list):
        obj = _compile_object(schema, top=False, cx=cx)

        def c_obj(v, p, obj=obj):
            return obj(v, p) if isinstance(v, dict) else None

        checks.append(c_obj)
    # combinators: a value must satisfy at least one branch (anyOf/oneOf) / all branches (allOf)
    for key in ("anyOf", "oneOf"):
        branches = [b for b in (schema.get(key) or []) if isinstance(b, dict)]
        if branches:
            subs = [_compile(b, cx) for b in branches]

            def c_any(v, p, subs=subs, branches=branches):
                problems = [s(v, p) if s is not None else None for s in subs]
                if any(r is None for r in problems):
                    return None
                if all(r[0] == TYPE_ERROR for r in problems):
                    names = [str(b.get("type")) for b in branches if b.get("type")]
                    return (
                        TYPE_ERROR,
                        p,
                        f"expected {' or '.join(names) or 'a matching value'}, got {json_type(v)}",
                    )
                return next(r for r in problems if r[0] != TYPE_ERROR)

            checks.append(c_any)
    for b in schema.get("allOf") or []:
        s = _compile(b, cx)
        if s is not None:
            checks.append(s)
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]

    def c_all(v, p, checks=tuple(checks)):
        for c in checks:
            r = c(v, p)
            if r is not None:
                return r
        return None

    return c_all


def _with_value_check(check: Check | None, name: str, schema: Any) -> Check | None:
    """``check`` followed by ``value_problem`` for parameters of a kind it checks (dates, emails,
    counts, coordinates...); ``check`` itself for the others."""
    kind = value_kind(name, schema) if isinstance(schema, dict) else None
    if kind is None:
        return check

    def c_value(v, p, check=check, kind=kind):
        r = check(v, p) if check is not None else None
        if r is not None:
            return r
        detail = value_problem(name, schema, v, kind)
        return (INVALID, p, detail) if detail else None

    return c_value


def _coercing(check: Check | None, schema: Any) -> Check | None:
    """``check`` of the value as a coercing tool reads it (``tool_errors.coerce``)."""
    types = declared_types(schema)
    if check is None or not types or "string" in types:
        return check
    return lambda v, p, check=check, types=types: check(coerce(v, types), p)


def _depth_guard(check: Check | None) -> Check | None:
    """``check`` behind a nesting bound (parameters of a recursive schema): a value nested deeper
    than ``MAX_VALUE_DEPTH`` is an invalid value, checked without recursion."""
    if check is None:
        return None

    def c_depth(v, p, check=check):
        if isinstance(v, dict | list) and value_depth(v) > MAX_VALUE_DEPTH:
            return INVALID, p, DEPTH_DETAIL
        return check(v, p)

    return c_depth


def _compile_object(
    schema: dict, top: bool, coercing: bool = True, cx: _Ctx | None = None, recursive: bool = False
) -> Callable[[dict, str], Problem | None]:
    cx = cx or _Ctx(root=schema)
    props: dict[str, Any] = schema.get("properties") or {}
    required = [r for r in (schema.get("required") or []) if isinstance(r, str)]
    ap = schema.get("additionalProperties")
    # top level: undeclared arguments are errors unless the spec explicitly allows them
    extra_allowed = (ap is True or isinstance(ap, dict)) if top else (ap is not False)
    extra_check = _compile(ap, cx) if isinstance(ap, dict) else None
    known = frozenset(props)
    compiled = [(name, _compile(s, cx)) for name, s in props.items()]
    if (
        top
    ):  # the keyword-free value checks and coercion apply to the tool's own parameters (as in CARG)
        compiled = [(n, _with_value_check(c, n, props[n])) for n, c in compiled]
        if coercing:
            compiled = [(n, _coercing(c, props[n])) for n, c in compiled]
    if recursive:
        compiled = [(n, _depth_guard(c)) for n, c in compiled]
        extra_check = _depth_guard(extra_check)
    compiled = [(n, c) for n, c in compiled if c is not None]

    def check(args: dict, prefix: str) -> Problem | None:
        for r in required:
            if r not in args:
                return MISSING, prefix + r, ""
        if not extra_allowed:
            extra = [k for k in args if k not in known]
            if extra:
                return UNKNOWN, prefix + sorted(extra)[0], ""
        elif extra_check is not None:
            for k in sorted(k for k in args if k not in known):
                r = extra_check(args[k], prefix + k)
                if r is not None:
                    return r
        for name, c in compiled:
            if name in args:
                r = c(args[name], prefix + name)
                if r is not None:
                    return r
        return None

    if top:
        return check
    return lambda v, p: check(v, p + ".")


class Gate:
    """A compiled validator for one tool's parameters. ``lenient_types`` (the default): each of the
    tool's parameters is read as a coercing tool reads it (``tool_errors.coerce``: "3" for an
    integer, "true" for a boolean, JSON text for a list) and under another spelling of its name
    (``tool_errors.resolve_aliases``: "trackingnumber", "is_id"), as the real tools did in the
    recorded calls; ``False``: strict JSON types and names."""

    __slots__ = ("name", "_check", "_names")

    def __init__(self, spec: ToolSpec, lenient_types: bool = True):
        self.name = spec.name
        params = dict(spec.parameters)
        req = list(dict.fromkeys(list(params.get("required") or []) + list(spec.required)))
        params["required"] = req
        self._check = _compile_object(
            params, top=True, coercing=lenient_types, recursive=is_recursive(params)
        )
        # lenient: a parameter may come under another spelling of its name (``resolve_aliases``)
        self._names = frozenset(params.get("properties") or {}) if lenient_types else None

    def problem(self, arguments: Any) -> Problem | None:
        """(kind, field, detail) of the first structural error, or None when the call passes
        (field "" = the arguments themselves are not an object)."""
        if not isinstance(arguments, dict):
            return TYPE_ERROR, "", f"got {json_type(arguments)}"
        if self._names is not None:
            arguments = resolve_aliases(arguments, self._names)
        return self._check(arguments, "")

    def __call__(self, arguments: Any) -> dict | None:
        """The error payload for ``arguments``, or None when they pass the gate."""
        p = self.problem(arguments)
        if p is None:
            return None
        kind, field, detail = p
        # only a non-object argument list has no field; a parameter may be named "" itself
        field = None if not isinstance(arguments, dict) else field
        return error_payload(kind, error_message(kind, field, detail), field)


_GATES: dict[str, Gate] = {}
_MAX_GATES = 100_000


def gate_for(spec: ToolSpec) -> Gate:
    """The compiled gate of ``spec`` (compiled once, cached by spec uid; hold on to the returned
    Gate in hot loops, since the uid is a content hash)."""
    key = spec.uid
    g = _GATES.get(key)
    if g is None:
        if len(_GATES) >= _MAX_GATES:
            _GATES.clear()
        g = _GATES[key] = Gate(spec)
    return g


def check_arguments(spec: ToolSpec, arguments: Any) -> dict | None:
    """Gate ``arguments`` against ``spec``: the canonical error payload, or None when valid."""
    return gate_for(spec)(arguments)
