"""ToolSpec: the unified tool format (paper Fig. 2) with normalisation and validation.

``ToolSpec.parse(raw)`` turns a loosely-typed dict into a validated spec or raises ``SpecError``
naming the spec, the offending field and the reason. Rejected specs are kept as ``Reject`` rows.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from pydantic import BaseModel, ConfigDict, Field

NAME_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,127}$")

# Common spellings of JSON Schema types found in public tool collections.
TYPE_ALIASES: dict[str, str] = {
    "dict": "object",
    "object": "object",
    "map": "object",
    "json": "object",
    "mapping": "object",
    "float": "number",
    "double": "number",
    "number": "number",
    "decimal": "number",
    "numeric": "number",
    "int": "integer",
    "integer": "integer",
    "long": "integer",
    "int32": "integer",
    "int64": "integer",
    "list": "array",
    "array": "array",
    "tuple": "array",
    "set": "array",
    "str": "string",
    "string": "string",
    "text": "string",
    "date": "string",
    "datetime": "string",
    "enum": "string",
    "char": "string",
    "uri": "string",
    "url": "string",
    "email": "string",
    "bool": "boolean",
    "boolean": "boolean",
    "null": "null",
    "none": "null",
    "nonetype": "null",
    "any": "",
    "anytype": "",
    "": "",
}
_GENERIC_RE = re.compile(r"^(?:typing\.)?(\w+)\s*\[(.*)\]$")
_FORMAT_HINTS = {
    "date": "date",
    "datetime": "date-time",
    "uri": "uri",
    "url": "uri",
    "email": "email",
}
_META = Draft202012Validator(Draft202012Validator.META_SCHEMA)

# ---- fast meta-validation ----------------------------------------------------------------------
# Full Draft 2020-12 meta-validation with jsonschema costs ~1 ms per spec ($dynamicRef resolution).
# ``_meta_fast_ok`` is a conservative, exact re-statement of the meta-schema's constraints for the
# keywords tool specs use: it answers True only when the meta-schema accepts the schema; for any
# keyword it does not model (or any doubtful value) it answers False and the full validator decides
# (and produces the error message). Keywords unknown to the meta-schema are unconstrained there.
_SIMPLE_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_META_KEYWORDS = frozenset(
    {
        "$anchor",
        "$comment",
        "$defs",
        "$dynamicAnchor",
        "$dynamicRef",
        "$id",
        "$ref",
        "$schema",
        "$vocabulary",
        "$recursiveAnchor",
        "$recursiveRef",
        "definitions",
        "dependencies",
        "default",
        "deprecated",
        "description",
        "examples",
        "readOnly",
        "title",
        "writeOnly",
        "contentEncoding",
        "contentMediaType",
        "contentSchema",
        "format",
        "additionalProperties",
        "allOf",
        "anyOf",
        "contains",
        "dependentSchemas",
        "else",
        "if",
        "items",
        "not",
        "oneOf",
        "patternProperties",
        "prefixItems",
        "properties",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
        "const",
        "dependentRequired",
        "enum",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "maxContains",
        "maxItems",
        "maxLength",
        "maxProperties",
        "maximum",
        "minContains",
        "minItems",
        "minLength",
        "minProperties",
        "minimum",
        "multipleOf",
        "pattern",
        "required",
        "type",
        "uniqueItems",
    }
)
_KW_STRING = frozenset(
    {
        "title",
        "description",
        "format",
        "$comment",
        "$schema",
        "contentEncoding",
        "contentMediaType",
        "pattern",
    }
)
_KW_ANY = frozenset({"default", "const"})
_KW_BOOL = frozenset({"deprecated", "readOnly", "writeOnly", "uniqueItems"})
_KW_ARRAY = frozenset({"examples", "enum"})
_KW_NUMBER = frozenset({"maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum"})
_KW_NNINT = frozenset(
    {
        "maxLength",
        "minLength",
        "maxItems",
        "minItems",
        "maxProperties",
        "minProperties",
        "maxContains",
        "minContains",
    }
)
_KW_SCHEMA = frozenset(
    {
        "additionalProperties",
        "items",
        "contains",
        "not",
        "if",
        "then",
        "else",
        "propertyNames",
        "unevaluatedItems",
        "unevaluatedProperties",
        "contentSchema",
    }
)
_KW_SCHEMA_MAP = frozenset(
    {"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
)
_KW_SCHEMA_LIST = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})


def _is_string_array(v: Any) -> bool:
    return type(v) is list and all(type(x) is str for x in v) and len(set(v)) == len(v)


def _meta_fast_ok(schema: Any) -> bool:
    """True only if ``schema`` certainly passes Draft 2020-12
    meta-validation (False = undecided)."""
    if type(schema) is bool:
        return True
    if type(schema) is not dict:
        return False
    for k, v in schema.items():
        if k not in _META_KEYWORDS:
            continue
        t = type(v)
        if k in _KW_STRING:
            ok = t is str
        elif k in _KW_ANY:
            ok = True
        elif k == "type":
            ok = (
                (v in _SIMPLE_TYPES)
                if t is str
                else (
                    t is list
                    and len(v) > 0
                    and all(type(x) is str and x in _SIMPLE_TYPES for x in v)
                    and len(set(v)) == len(v)
                )
            )
        elif k in _KW_SCHEMA_MAP:
            ok = t is dict and all(_meta_fast_ok(s) for s in v.values())
        elif k == "required":
            ok = _is_string_array(v)
        elif k in _KW_SCHEMA:
            ok = _meta_fast_ok(v)
        elif k in _KW_SCHEMA_LIST:
            ok = t is list and len(v) > 0 and all(_meta_fast_ok(s) for s in v)
        elif k in _KW_ARRAY:
            ok = t is list
        elif k in _KW_BOOL:
            ok = t is bool
        elif k in _KW_NUMBER:
            ok = t is int or t is float
        elif k in _KW_NNINT:
            ok = t is int and v >= 0
        elif k == "multipleOf":
            ok = (t is int or t is float) and v > 0
        elif k == "dependentRequired":
            ok = t is dict and all(_is_string_array(x) for x in v.values())
        else:  # $id, $ref, $anchor, dependencies, ...: let the full validator decide
            ok = False
        if not ok:
            return False
    return True


def meta_schema_error(schema: Any):
    """The first Draft 2020-12 meta-validation error of ``schema``, or None when it is valid."""
    if _meta_fast_ok(schema):
        return None
    return next(iter(_META.iter_errors(schema)), None)


MAX_SCHEMA_DEPTH = 64


def _check_depth(value: Any, spec: str, field: str) -> None:
    """Reject values nested deeper than MAX_SCHEMA_DEPTH (iteratively: no recursion on input)."""
    stack = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if d > MAX_SCHEMA_DEPTH:
            raise SpecError(spec, field, f"nested deeper than {MAX_SCHEMA_DEPTH} levels")
        if isinstance(v, dict):
            stack.extend((x, d + 1) for x in v.values())
        elif isinstance(v, list):
            stack.extend((x, d + 1) for x in v)


def _check_refs(schema: dict, spec: str, field: str) -> None:
    """Every ``$ref`` must resolve inside the schema itself (no remote or dangling references):
    validators downstream (gate, CARG, simulator) can then never fail on a reference."""
    refs: list[tuple[str, Any]] = []
    stack: list[tuple[str, Any]] = [(field, schema)]
    while stack:
        path, v = stack.pop()
        if isinstance(v, dict):
            if "$ref" in v:
                refs.append((path, v["$ref"]))
            stack.extend(
                (f"{path}.{k}", x)
                for k, x in v.items()
                if k not in ("enum", "const", "default", "examples")
            )
        elif isinstance(v, list):
            stack.extend((f"{path}[{i}]", x) for i, x in enumerate(v))
    if not refs:
        return
    from referencing.exceptions import Unresolvable

    resolver = Draft202012Validator(schema)._resolver
    for path, ref in refs:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise SpecError(
                spec,
                f"{path}.$ref",
                f"only local references ('#/$defs/...') are allowed, got {str(ref)[:80]!r}",
            )
        try:
            resolver.lookup(ref)
        except Unresolvable:
            raise SpecError(
                spec, f"{path}.$ref", f"reference {ref[:80]!r} does not resolve inside the schema"
            ) from None


def _check_recursion(schema: dict, spec: str, field: str) -> None:
    """Recursive ``$ref``s must bottom out (``schema_refs.recursion_problem``): a tree of nodes is
    fine, a reference resolving to itself or ``not`` of the root is not."""
    from gtm_core.schema_refs import recursion_problem

    problem = recursion_problem(schema)
    if problem is not None:
        where = f"{field}.{problem[0]}" if problem[0] else field
        raise SpecError(spec, where, f"recursive $ref with no base case at {where}: {problem[1]}")


class SpecError(ValueError):
    """A spec that cannot be accepted: names the spec, the field path and the reason."""

    def __init__(self, spec: str, field: str, reason: str):
        self.spec, self.field, self.reason = spec or "<unnamed>", field, reason
        super().__init__(f"spec {self.spec!r}: field {field!r}: {reason}")


@dataclass
class Reject:
    """An input that was kept aside, with where it came from and why."""

    source: str
    name: str
    field: str
    reason: str
    raw: Any = None
    stage: str = "validate"

    def to_row(self) -> dict[str, Any]:
        raw = self.raw if isinstance(self.raw, str) else json.dumps(self.raw, default=str)
        return {
            "source": self.source,
            "name": self.name,
            "field": self.field,
            "reason": self.reason,
            "stage": self.stage,
            "raw": raw,
        }


def _split_top(inner: str) -> list[str]:
    """Split ``a, List[b, c], d`` at top-level commas only."""
    parts, depth, cur = [], 0, []
    for ch in inner:
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    return [p for p in parts if p] or [""]


def normalize_type(value: Any, path: str, spec: str) -> tuple[str | list[str] | None, dict]:
    """Map a type spelling to JSON Schema; returns (type, extra keywords such as items/format)."""
    if isinstance(value, list):
        out: list[str] = []
        for i, v in enumerate(value):
            t, _ = normalize_type(v, f"{path}[{i}]", spec)
            if isinstance(t, str) and t and t not in out:
                out.append(t)
        return (out if len(out) > 1 else (out[0] if out else None)), {}
    if not isinstance(value, str):
        raise SpecError(
            spec, path, f"type must be a string or a list of strings, got {type(value).__name__}"
        )
    raw = value.strip()
    low = raw.lower()
    m = _GENERIC_RE.match(raw)
    if m:  # typing-style spellings: List[str], Optional[int], Dict[str, Any]
        outer, inner = m.group(1).lower(), m.group(2).strip()
        if outer in ("optional",):
            return normalize_type(inner, path, spec)
        if outer in ("union",):
            return normalize_type(_split_top(inner), path, spec)
        if outer in ("list", "array", "tuple", "set", "sequence"):
            it, extra = normalize_type(_split_top(inner)[0], path + ".items", spec)
            return "array", ({"items": {"type": it, **extra}} if it else {})
        if outer in ("dict", "mapping"):
            return "object", {}
    if low in TYPE_ALIASES:
        t = TYPE_ALIASES[low]
        extra = {"format": _FORMAT_HINTS[low]} if low in _FORMAT_HINTS else {}
        return (t or None), extra
    if "|" in low:
        return normalize_type([p.strip() for p in low.split("|")], path, spec)
    raise SpecError(spec, path, f"unknown type {value!r}")


def normalize_schema(schema: Any, path: str, spec: str, flags: list[str]) -> Any:
    """Recursively normalise type spellings in a JSON Schema (returns a new object)."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        raise SpecError(spec, path, f"schema must be an object, got {type(schema).__name__}")
    out = dict(schema)
    if "type" in out:
        t, extra = normalize_type(out["type"], path + ".type", spec)
        if t is None:
            out.pop("type")
        else:
            out["type"] = t
        for k, v in extra.items():
            out.setdefault(k, v)
    if isinstance(out.get("properties"), dict):
        props = {}
        for pname, pschema in out["properties"].items():
            ppath = f"{path}.properties.{pname}"
            if isinstance(pschema, str):  # shorthand {"city": "string"}
                pschema = {"type": pschema}
            props[pname] = normalize_schema(pschema, ppath, spec, flags)
        out["properties"] = props
    elif "properties" in out:
        raise SpecError(
            spec, path + ".properties", "properties must be an object mapping names to schemas"
        )
    for key in ("items", "additionalProperties", "not", "contains"):
        if isinstance(out.get(key), dict):
            out[key] = normalize_schema(out[key], f"{path}.{key}", spec, flags)
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        if isinstance(out.get(key), list):
            out[key] = [
                normalize_schema(s, f"{path}.{key}[{i}]", spec, flags)
                for i, s in enumerate(out[key])
            ]
    for key in ("$defs", "definitions"):
        if isinstance(out.get(key), dict):
            out[key] = {
                k: normalize_schema(v, f"{path}.{key}.{k}", spec, flags)
                for k, v in out[key].items()
            }
    if isinstance(out.get("required"), bool):  # OpenAPI-2 style per-property flag, not a list
        out.pop("required")
    for excl, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if isinstance(out.get(excl), bool):  # draft-04 (zod-to-json-schema): a flag on the bound
            flag = out.pop(excl)
            if (
                flag
                and isinstance(out.get(bound), int | float)
                and not isinstance(out[bound], bool)
            ):
                out[excl] = out.pop(bound)
    return out


def _params_from_list(items: list, spec: str) -> dict:
    """Parameters given as a list of {name, type, description, required} become an object schema."""
    props: dict[str, Any] = {}
    required: list[str] = []
    for i, p in enumerate(items):
        if not isinstance(p, dict) or not isinstance(p.get("name"), str) or not p["name"].strip():
            raise SpecError(
                spec, f"parameters[{i}].name", "each listed parameter needs a non-empty name"
            )
        n = p["name"].strip()
        if n in props:
            raise SpecError(spec, f"parameters[{i}].name", f"duplicated parameter {n!r}")
        s = {k: v for k, v in p.items() if k not in ("name", "required")}
        props[n] = s
        if p.get("required") is True:
            required.append(n)
    return {"type": "object", "properties": props, "required": required}


def _walk_missing_types(schema: dict, path: str, flags: list[str]) -> None:
    for pname, p in (schema.get("properties") or {}).items():
        if isinstance(p, dict) and not (
            {"type", "$ref", "anyOf", "oneOf", "allOf", "enum", "const"} & p.keys()
        ):
            flags.append(f"param_type_missing:{pname}")


class ToolSpec(BaseModel):
    """A validated tool: parameters is a JSON Schema object, response a JSON Schema or text."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=lambda: {"type": "object", "properties": {}})
    required: list[str] = Field(default_factory=list)
    response: dict[str, Any] | str | None = None
    field: str = ""
    subfield: str = ""
    source: str = ""
    flags: list[str] = Field(default_factory=list)
    meta: dict[str, Any] = Field(default_factory=dict)

    # ---- construction ------------------------------------------------------------------------
    @classmethod
    def parse(cls, raw: Any, *, source: str = "", field: str = "", subfield: str = "") -> ToolSpec:
        """Normalise and validate a raw spec dict; raises SpecError(spec, field, reason)."""
        if not isinstance(raw, dict):
            raise SpecError(
                "<unnamed>", "<root>", f"a spec must be an object, got {type(raw).__name__}"
            )
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise SpecError("<unnamed>", "name", "name is empty or missing")
        name = name.strip()
        if not NAME_RE.match(name):
            raise SpecError(
                name,
                "name",
                "name is not an identifier (letters, digits, _ . - only; at most 128 characters)",
            )
        desc = raw.get("description") or ""
        if not isinstance(desc, str):
            raise SpecError(name, "description", "description must be a string")
        flags_raw = raw.get("flags") or []
        if not isinstance(flags_raw, list) or not all(isinstance(f, str) for f in flags_raw):
            raise SpecError(name, "flags", "flags must be a list of strings")
        flags: list[str] = list(flags_raw)
        if raw.get("meta") is not None and not isinstance(raw["meta"], dict):
            raise SpecError(
                name, "meta", f"meta must be an object, got {type(raw['meta']).__name__}"
            )
        params = raw.get("parameters", raw.get("input_schema", raw.get("inputSchema")))
        if params is None:
            params = {"type": "object", "properties": {}}
        for fld in ("parameters", "response"):
            _check_depth(
                params
                if fld == "parameters"
                else raw.get("response", raw.get("output_schema", raw.get("outputSchema"))),
                name,
                fld,
            )
        params = copy.deepcopy(params)
        if isinstance(params, list):
            params = _params_from_list(params, name)
        if not isinstance(params, dict):
            raise SpecError(
                name,
                "parameters",
                f"parameters must be a JSON Schema object, got {type(params).__name__}",
            )
        if (
            "properties" not in params
            and params
            and (
                "type" not in params
                or (
                    isinstance(params["type"], dict)
                    and all(isinstance(v, dict) for v in params.values())
                )
            )
        ):
            # bare mapping {"city": {"type": "string"}}
            params = {"type": "object", "properties": params}
        params = normalize_schema(params, "parameters", name, flags)
        if params.get("type") not in ("object", None):
            raise SpecError(
                name,
                "parameters.type",
                f"parameters must be of type object, got {params.get('type')!r}",
            )
        params["type"] = "object"
        params.setdefault("properties", {})
        props = params["properties"]
        req_raw = raw.get("required", params.get("required", []))
        if req_raw is None:
            req_raw = []
        if not isinstance(req_raw, list) or not all(isinstance(r, str) for r in req_raw):
            raise SpecError(name, "required", "required must be a list of parameter names")
        req = (
            list(dict.fromkeys(params.get("required", []) + req_raw))
            if isinstance(params.get("required"), list)
            else list(dict.fromkeys(req_raw))
        )
        missing = [r for r in req if r not in props]
        if missing:
            raise SpecError(name, "required", f"required parameters not in properties: {missing}")
        params["required"] = req
        _walk_missing_types(params, "parameters", flags)
        response = raw.get("response", raw.get("output_schema", raw.get("outputSchema")))
        if isinstance(response, dict):
            if (
                "properties" not in response
                and response
                and all(isinstance(v, dict) for v in response.values())
                and ("type" not in response or isinstance(response["type"], dict))
            ):
                # bare mapping {"field": {"type": ...}} (a field may itself be called "type")
                response = {"type": "object", "properties": response}
            response = normalize_schema(copy.deepcopy(response), "response", name, flags)
            response = unwrap_mcp_result(response, flags)
        elif response is not None and not isinstance(response, str):
            raise SpecError(
                name,
                "response",
                f"response must be a JSON Schema object or text, got {type(response).__name__}",
            )
        if response in (None, "", {}):
            response = None
            flags.append("response_missing")
        for fld, schema in (("parameters", params), ("response", response)):
            if isinstance(schema, dict):
                err = meta_schema_error(schema)
                if err is not None:
                    where = ".".join(str(p) for p in err.absolute_path)
                    raise SpecError(
                        name,
                        f"{fld}.{where}" if where else fld,
                        f"invalid JSON Schema: {err.message[:200]}",
                    )
                _check_refs(schema, name, fld)
                _check_recursion(schema, name, fld)
        meta = {k: v for k, v in raw.items() if k not in _KNOWN_KEYS and v is not None}
        meta.update(raw.get("meta") or {})
        return cls(
            name=name,
            description=desc.strip(),
            parameters=params,
            required=req,
            response=response,
            field=str(raw.get("field") or field or ""),
            subfield=str(raw.get("subfield") or subfield or ""),
            source=str(raw.get("source") or source or ""),
            flags=sorted(set(flags)),
            meta=meta,
        )

    # ---- views -------------------------------------------------------------------------------
    @property
    def properties(self) -> dict[str, Any]:
        return self.parameters.get("properties", {})

    @property
    def response_schema(self) -> dict[str, Any] | None:
        return self.response if isinstance(self.response, dict) else None

    @property
    def uid(self) -> str:
        """Content hash: same name, description, parameters and response -> same uid."""
        return hashlib.sha1(
            canonical_json([self.name, self.description, self.parameters, self.response]).encode()
        ).hexdigest()[:16]

    def to_row(self) -> dict[str, Any]:
        """A flat row for DuckDB/pandas (nested fields as JSON text)."""
        return {
            "uid": self.uid,
            "name": self.name,
            "description": self.description,
            "parameters": canonical_json(self.parameters),
            "required": json.dumps(self.required),
            "response": None
            if self.response is None
            else json.dumps(self.response, ensure_ascii=False),
            "field": self.field,
            "subfield": self.subfield,
            "source": self.source,
            "flags": json.dumps(self.flags),
            "meta": json.dumps(self.meta, ensure_ascii=False, default=str),
        }

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> ToolSpec:
        """Inverse of ``to_row`` (trusted input: no re-validation)."""

        def load(v, default):
            return default if v is None or (isinstance(v, float) and v != v) else json.loads(v)

        return cls(
            name=row["name"],
            description=row.get("description") or "",
            parameters=load(row.get("parameters"), {"type": "object", "properties": {}}),
            required=load(row.get("required"), []),
            response=load(row.get("response"), None),
            field=row.get("field") or "",
            subfield=row.get("subfield") or "",
            source=row.get("source") or "",
            flags=load(row.get("flags"), []),
            meta=load(row.get("meta"), {}),
        )

    def to_public(self) -> dict[str, Any]:
        """The unified format shown to models: name, description, parameters, required, response."""
        return {
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
            "required": self.required,
            "response": self.response,
        }


_KNOWN_KEYS = {
    "name",
    "description",
    "parameters",
    "input_schema",
    "inputSchema",
    "required",
    "response",
    "output_schema",
    "outputSchema",
    "field",
    "subfield",
    "source",
    "flags",
    "meta",
}


def unwrap_mcp_result(response: dict[str, Any], flags: list[str] | None = None) -> dict[str, Any]:
    """The schema of what a caller reads when ``response`` is the MCP SDK's (FastMCP's) wrapper of a
    non-object return value: ``{"type": "object", "properties": {"result": S}, "required":
    ["result"]}`` titled ``<tool>Output`` or marked ``x-fastmcp-wrap-result``. The tool's
    text content is the bare value (the recorded MCP calls return it unwrapped), so the
    response is S (keeping the wrapper's ``$defs``); flag ``response_unwrapped``. Other
    schemas come back as they are."""
    props = response.get("properties")
    if not (
        isinstance(props, dict)
        and list(props) == ["result"]
        and isinstance(props["result"], dict)
        and response.get("required") == ["result"]
        and response.get("type") in ("object", None)
        and (
            response.get("x-fastmcp-wrap-result") is True
            or str(response.get("title", "")).endswith("Output")
        )
    ):
        return response
    inner = dict(props["result"])
    for key in ("$defs", "definitions"):
        if key in response and key not in inner:
            inner[key] = response[key]
    if flags is not None:
        flags.append("response_unwrapped")
    return inner or {"description": "any JSON value"}


RETURNED_FIELDS_MAX = (
    12  # a declared object with more properties keeps them optional (output length)
)
_SCALAR_TYPES = ("string", "number", "integer", "boolean")


def returned_fields(response: dict[str, Any]) -> dict[str, Any]:
    """``response`` with every top-level property required when it lists no ``required`` and its
    properties are at most ``RETURNED_FIELDS_MAX`` scalars: a response schema names the fields a
    tool returns (on the held-out real calls 25 of 29 object answers to such schemas carried every
    declared field), and left optional a small model, or the offline teacher, stops after two of
    three. Nested objects and lists stay optional: required, they would lengthen every answer."""
    props = response.get("properties")
    if (
        response.get("type") != "object"
        or "required" in response
        or not isinstance(props, dict)
        or not props
        or len(props) > RETURNED_FIELDS_MAX
    ):
        return response
    if not all(isinstance(p, dict) and p.get("type") in _SCALAR_TYPES for p in props.values()):
        return response
    return {**response, "required": list(props)}


def canonical_json(obj: Any) -> str:
    """JSON with sorted keys and no whitespace: the canonical form for hashing and cache keys."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def check_json_schema(schema: dict, spec: str = "", field: str = "schema") -> None:
    """Raise SpecError when ``schema`` is not a valid JSON Schema (Draft 2020-12)."""
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as e:
        raise SpecError(spec, field, f"invalid JSON Schema: {e.message[:200]}") from None


def parse_specs(raws: list[Any], source: str = "") -> tuple[list[ToolSpec], list[Reject]]:
    """Validate many raw specs; returns (accepted, rejected with
    reasons). Never raises on bad input."""
    ok: list[ToolSpec] = []
    bad: list[Reject] = []
    for raw in raws:
        try:
            ok.append(ToolSpec.parse(raw, source=source))
        except SpecError as e:
            bad.append(Reject(source=source, name=e.spec, field=e.field, reason=e.reason, raw=raw))
    return ok, bad
