"""Local ``$ref`` resolution and recursive JSON Schemas, with explicit depth limits.

Tool schemas may be recursive (trees, nested filters, arbitrary JSON values:
``{"$defs": {"node": {"properties": {"children": {"items": {"$ref": "#/$defs/node"}}}}}}``). Every
walker of a schema (gate, value synthesis, CARG, grammar) follows references through this module
and stops at ``MAX_REF_DEPTH`` expansions instead of Python's stack; values checked against a
recursive schema are first bounded by ``MAX_VALUE_DEPTH`` levels.

``check_recursion`` rejects, at import, recursion that can never bottom out:

* a reference cycle that never descends into the value (``{"$ref": "#/$defs/a"}`` resolving to
  itself, ``{"anyOf": [{"$ref": "#"}]}``): a validator would loop forever;
* a cycle through ``not`` (``{"properties": {"x": {"not": {"$ref": "#"}}}}``): a value valid there
  is defined by what the schema itself rejects, so no generator or grammar can build one;
* a cycle every finite value must leave unfinished (a required child of the same kind, an array of
  them with ``minItems`` >= 1): no finite value is valid.
"""

from __future__ import annotations

from collections import deque
from typing import Any
from urllib.parse import unquote

MAX_REF_DEPTH = 12  # reference expansions a schema walker follows on one path
MAX_VALUE_DEPTH = 48  # nesting levels of a value checked against a recursive schema
DEPTH_DETAIL = f"nested deeper than {MAX_VALUE_DEPTH} levels"

# keywords whose subschemas apply to a nested part of the value (recursion through them descends)
_DESCEND_ONE = (
    "items",
    "additionalProperties",
    "contains",
    "unevaluatedItems",
    "unevaluatedProperties",
    "propertyNames",
    "additionalItems",
)
_DESCEND_MAP = ("properties", "patternProperties")
_DESCEND_LIST = ("prefixItems",)
# keywords whose subschemas apply to the value itself
_INPLACE_ONE = ("not", "if", "then", "else", "contentSchema")
_INPLACE_LIST = ("allOf", "anyOf", "oneOf")
_INPLACE_MAP = ("dependentSchemas",)
_DEFS = ("$defs", "definitions")


def _esc(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def pointer_of(ref: Any) -> str | None:
    """The JSON pointer of a local reference (``"#/$defs/a"`` -> ``"/$defs/a"``, ``"#"`` -> ``""``);
    None for a remote reference or an anchor."""
    if not isinstance(ref, str) or not ref.startswith("#"):
        return None
    frag = unquote(ref[1:])
    return frag if frag == "" or frag.startswith("/") else None


def resolve(root: Any, ref: Any) -> Any:
    """The subschema a local ``$ref`` (pointer or ``$anchor``) names inside ``root``; None when it
    does not resolve."""
    ptr = pointer_of(ref)
    if ptr is None:
        if isinstance(ref, str) and ref.startswith("#") and len(ref) > 1:
            return _anchors(root).get(ref[1:])
        return None
    node = root
    for part in ptr.split("/")[1:] if ptr else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def _anchors(root: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _, s, _ in _subschemas(root):
        if isinstance(s, dict) and isinstance(s.get("$anchor"), str):
            out.setdefault(s["$anchor"], s)
    return out


def _children(s: dict) -> list[tuple[str, str, Any]]:
    """(pointer suffix, kind, subschema) of one schema's direct subschemas; kind is "descend",
    "inplace", "not" or "defs"."""
    out: list[tuple[str, str, Any]] = []
    for k in _DESCEND_ONE:
        if k in s:
            out.append((f"/{k}", "descend", s[k]))
    for k in _DESCEND_MAP + _INPLACE_MAP + _DEFS:
        if isinstance(s.get(k), dict):
            kind = "descend" if k in _DESCEND_MAP else ("defs" if k in _DEFS else "inplace")
            out += [(f"/{k}/{_esc(str(n))}", kind, x) for n, x in s[k].items()]
    for k in _DESCEND_LIST + _INPLACE_LIST:
        if isinstance(s.get(k), list):
            kind = "descend" if k in _DESCEND_LIST else "inplace"
            out += [(f"/{k}/{i}", kind, x) for i, x in enumerate(s[k])]
    if isinstance(s.get("items"), list):  # draft-4 tuple form
        out = [c for c in out if c[0] != "/items"] + [
            (f"/items/{i}", "descend", x) for i, x in enumerate(s["items"])
        ]
    for k in _INPLACE_ONE:
        if k in s:
            out.append((f"/{k}", "not" if k == "not" else "inplace", s[k]))
    return [c for c in out if isinstance(c[2], dict | bool)]


def _subschemas(root: Any) -> list[tuple[str, Any, str]]:
    """Every subschema of ``root`` as (pointer, schema, dotted field path), iteratively."""
    out: list[tuple[str, Any, str]] = []
    stack: list[tuple[str, Any, str]] = [("", root, "")]
    while stack:
        ptr, s, path = stack.pop()
        out.append((ptr, s, path))
        if isinstance(s, dict):
            for suffix, _, x in _children(s):
                parts = suffix.split("/")[1:]
                label = ".".join(p.replace("~1", "/").replace("~0", "~") for p in parts)
                stack.append((ptr + suffix, x, f"{path}.{label}" if path else label))
    return out


def has_refs(schema: Any) -> bool:
    """True when ``schema`` uses ``$ref`` anywhere."""
    return any(isinstance(s, dict) and "$ref" in s for _, s, _ in _subschemas(schema))


class _Graph:
    """Subschemas as nodes; edges to children (with their kind) and
    from a ``$ref`` to its target."""

    def __init__(self, root: Any):
        nodes = _subschemas(root)
        self.schema = {p: s for p, s, _ in nodes}
        self.path = {p: f for p, _, f in nodes}
        self.by_id = {id(s): p for p, s, _ in nodes if isinstance(s, dict)}
        self.edges: dict[str, list[tuple[str, str]]] = {}
        self.targets: set[str] = set()
        for p, s, _ in nodes:
            if not isinstance(s, dict):
                continue
            es = [(p + suffix, kind) for suffix, kind, _ in _children(s) if kind != "defs"]
            if "$ref" in s:
                t = resolve(root, s["$ref"])
                tp = self.by_id.get(id(t)) if isinstance(t, dict) else None
                if tp is not None:
                    es.append((tp, "inplace"))
                    self.targets.add(tp)
            self.edges[p] = es

    def reaches(self, start: str, *, inplace_only: bool = False, via_not: bool = False) -> bool:
        """Whether a path of at least one edge leads from ``start`` back to itself (only through
        in-place edges; through at least one ``not`` edge)."""
        seen: set[tuple[str, bool]] = set()
        todo = deque([(start, False)])
        while todo:
            node, passed = todo.popleft()
            for nxt, kind in self.edges.get(node, []):
                if inplace_only and kind == "descend":
                    continue
                state = (nxt, passed or kind == "not")
                if nxt == start and (state[1] or not via_not):
                    return True
                if state not in seen:
                    seen.add(state)
                    todo.append(state)
        return False

    def productive(self) -> dict[str, bool]:
        """Least fixpoint: does the ref target have a finite valid value (reference targets start
        as "no" and become "yes" once a base case is found)?"""
        prod = dict.fromkeys(self.targets, False)
        changed = True
        while changed:
            changed = False
            for t in self.targets:
                if not prod[t] and self._finite(t, prod):
                    prod[t] = changed = True
        return prod

    def _finite(self, ptr: str, prod: dict[str, bool]) -> bool:
        """Whether the subschema at ``ptr`` has a finite value, given ``prod`` for the reference
        targets it reaches (iterative post-order; a conservative approximation: only ``required``,
        ``minItems``, ``allOf`` / ``anyOf`` / ``oneOf``, ``$ref`` and ``false`` are considered)."""
        memo: dict[str, bool] = {}
        stack: list[tuple[str, bool]] = [(ptr, False)]
        while stack:
            p, ready = stack.pop()
            if p in memo:
                continue
            s = self.schema.get(p)
            deps = self._needs(p, s)
            if not ready:
                stack.append((p, True))
                stack.extend((d, False) for d, _ in deps if d not in prod and d not in memo)
                continue

            def ok(d: str) -> bool:
                return prod[d] if d in prod else memo[d]

            groups = [[d for d, k in deps if k == g] for g in ("anyOf", "oneOf")]
            memo[p] = (
                s is not False
                and all(ok(d) for d, k in deps if k == "all")
                and all(not g or any(ok(d) for d in g) for g in groups)
            )
        return memo[ptr]

    def _needs(self, p: str, s: Any) -> list[tuple[str, str]]:
        """Subschemas every value of ``s`` must satisfy (kind "all") or one of a group must."""
        if not isinstance(s, dict):
            return []
        out: list[tuple[str, str]] = []
        if "$ref" in s:
            t = resolve(self.schema[""], s["$ref"])
            tp = self.by_id.get(id(t)) if isinstance(t, dict) else None
            if tp is not None:
                out.append((tp, "all"))
        out += (
            [(f"{p}/allOf/{i}", "all") for i in range(len(s["allOf"]))]
            if isinstance(s.get("allOf"), list)
            else []
        )
        for g in ("anyOf", "oneOf"):
            if isinstance(s.get(g), list):
                out += [(f"{p}/{g}/{i}", g) for i in range(len(s[g]))]
        props = s.get("properties") if isinstance(s.get("properties"), dict) else {}
        ap = s.get("additionalProperties")
        for r in s.get("required") or [] if isinstance(s.get("required"), list) else []:
            if not isinstance(r, str):
                continue
            if r in props:
                out.append((f"{p}/properties/{_esc(r)}", "all"))
            elif ap is not None:
                out.append((f"{p}/additionalProperties", "all"))
        mi = s.get("minItems")
        if isinstance(mi, int) and not isinstance(mi, bool) and mi > 0:
            pre = s.get("prefixItems") if isinstance(s.get("prefixItems"), list) else []
            out += [(f"{p}/prefixItems/{i}", "all") for i in range(min(mi, len(pre)))]
            if mi > len(pre) and "items" in s and not isinstance(s["items"], list):
                out.append((f"{p}/items", "all"))
        return [(d, k) for d, k in out if d in self.schema]


def recursion_problem(schema: Any) -> tuple[str, str] | None:
    """(dotted path of the offending subschema, reason) of the first recursion that can never
    bottom out (see the module docstring), or None when every recursion is well-founded."""
    if not has_refs(schema):
        return None
    g = _Graph(schema)
    for t in sorted(g.targets):
        if g.reaches(t, inplace_only=True):
            return g.path[t], "the recursion never descends into the value"
    for t in sorted(g.targets):
        if g.reaches(t, via_not=True):
            return g.path[t], "the recursion passes through 'not'"
    prod = g.productive()
    for t in sorted(g.targets):
        if not prod[t] and g.reaches(t):
            return g.path[t], "every value needs another nested level (no finite value is valid)"
    return None


def is_recursive(schema: Any) -> bool:
    """True when some ``$ref`` of ``schema`` leads back to itself."""
    if not has_refs(schema):
        return False
    g = _Graph(schema)
    return any(g.reaches(t) for t in g.targets)


def value_depth(value: Any, limit: int = MAX_VALUE_DEPTH) -> int:
    """Nesting depth of a JSON value (a scalar is 0), counted iteratively up to ``limit + 1``."""
    best = 0
    stack = [(value, 0)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict | list):
            d += 1
            best = max(best, d)
            if d > limit:
                return d
            stack.extend((x, d) for x in (v.values() if isinstance(v, dict) else v))
    return best


def rebase(schema: dict, name: str) -> tuple[dict, dict]:
    """``schema`` prepared to sit at ``#/$defs/<name>`` of an enclosing schema: its root ``$defs``
    / ``definitions`` lifted out (returned second, to merge into the enclosing root) and every
    other local reference re-pointed below ``#/$defs/<name>``."""
    lifted = {k: schema[k] for k in _DEFS if isinstance(schema.get(k), dict)}
    body = {k: v for k, v in schema.items() if k not in lifted}
    prefix = f"#/$defs/{_esc(name)}"

    def fix(ref: Any) -> Any:
        ptr = pointer_of(ref)
        if ptr is None or any(ptr == f"/{k}" or ptr.startswith(f"/{k}/") for k in lifted):
            return ref
        return prefix + ptr

    def walk(node: Any) -> Any:
        out = node
        stack = [node]
        while stack:
            n = stack.pop()
            if isinstance(n, dict):
                if "$ref" in n:
                    n["$ref"] = fix(n["$ref"])
                stack.extend(
                    v for k, v in n.items() if k not in ("enum", "const", "default", "examples")
                )
            elif isinstance(n, list):
                stack.extend(n)
        return out

    import copy

    body = walk(copy.deepcopy(body))
    lifted = {k: walk(copy.deepcopy(v)) for k, v in lifted.items()}
    return body, lifted
