"""Build gtm_core/seed_data/seed_tools.jsonl from the hand-written compact
catalogue in seed_tools_data/.

Compact notation (keeps ~350 specs readable):
- a tool is a tuple ``(name, description, parameters, response)``;
- ``parameters``/``response`` map property names to a spec string, a nested dict (object; key
  ``"_"`` is its description) or a one-element list holding a dict (array of objects);
- a spec string is ``type{enum|values}[min,max][]=default: description`` where type is one of
  str, int, num, bool, date, datetime, email, uri; ``[]`` makes an array of that type;
- parameter names ending in ``*`` are required; in responses every property is required unless its
  name ends in ``?``; key ``"+"`` gives the schema of additional properties (free-form maps).

Run: ``uv run python scripts/build_seed_tools.py`` (validates every spec and the taxonomy coverage).
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "seed_tools_data"
OUT = ROOT / "gtm_core" / "seed_data" / "seed_tools.jsonl"
TAXONOMY = ROOT / "gtm_core" / "seed_data" / "seed_taxonomy.json"

SPEC_RE = re.compile(
    r"^(?P<t>str|int|num|bool|date|datetime|email|uri)"
    r"(?:\{(?P<enum>[^}]*)\})?(?:\[(?P<lo>-?[\d.]*),(?P<hi>-?[\d.]*)\])?(?P<arr>\[\])?"
    r"(?:=(?P<default>\S+))?: (?P<desc>.+)$"
)
BASE = {
    "str": ("string", None),
    "int": ("integer", None),
    "num": ("number", None),
    "bool": ("boolean", None),
    "date": ("string", "date"),
    "datetime": ("string", "date-time"),
    "email": ("string", "email"),
    "uri": ("string", "uri"),
}


def _cast(t: str, v: str) -> Any:
    if t == "int":
        return int(v)
    if t == "num":
        f = float(v)
        return int(f) if f.is_integer() and "." not in v else f
    if t == "bool":
        return v == "true"
    return v


def scalar(spec: str, where: str) -> dict:
    m = SPEC_RE.match(spec)
    if not m:
        raise ValueError(f"{where}: bad spec {spec!r}")
    t = m["t"]
    typ, fmt = BASE[t]
    item: dict[str, Any] = {"type": typ}
    if fmt:
        item["format"] = fmt
    if m["enum"]:
        item["enum"] = [_cast(t, x) for x in m["enum"].split("|")]
    if m["lo"]:
        item["minimum"] = _cast(t, m["lo"])
    if m["hi"]:
        item["maximum"] = _cast(t, m["hi"])
    if m["arr"]:
        out = {"type": "array", "description": m["desc"], "items": item}
        if m["default"] is not None:
            out["default"] = json.loads(m["default"])
        return out
    out = {"type": typ, "description": m["desc"], **{k: v for k, v in item.items() if k != "type"}}
    if m["default"] is not None:
        out["default"] = _cast(t, m["default"])
    return out


def _humanize(key: str) -> str:
    """'possible_conditions[]' -> 'Possible conditions' (a fallback
    description for response nodes)."""
    arr = key.endswith("[]")
    words = key.rstrip("[]").replace("_", " ")
    return ("List of " + words) if arr else words[:1].upper() + words[1:]


def schema(node: Any, where: str, response: bool) -> dict:
    if isinstance(node, str):
        return scalar(node, where)
    if isinstance(node, list):
        if len(node) != 1:
            raise ValueError(f"{where}: an array node holds exactly one item schema")
        item = schema(node[0], where + "[]", response)
        desc = item.pop("description", None)
        return {"type": "array", **({"description": desc} if desc else {}), "items": item}
    if isinstance(node, dict):
        return obj(node, where, response)
    raise ValueError(f"{where}: unsupported node {type(node).__name__}")


def obj(node: dict, where: str, response: bool) -> dict:
    props: dict[str, Any] = {}
    required: list[str] = []
    if not response and "_" not in node and "." in where.split(".parameters", 1)[-1]:
        raise ValueError(f"{where}: nested parameter objects need a '_' description")
    for key, sub in node.items():
        if key in ("_", "+"):
            continue
        name = key.rstrip("*?")
        props[name] = schema(sub, f"{where}.{name}", response)
        if (key.endswith("*")) or (response and not key.endswith("?")):
            required.append(name)
    out: dict[str, Any] = {"type": "object"}
    if "_" in node:
        out["description"] = node["_"]
    elif response:  # nested response objects without "_": describe them by their name
        out["description"] = _humanize(where.rsplit(".", 1)[-1])
    out["properties"] = props
    if "+" in node:
        out["additionalProperties"] = scalar(node["+"], f"{where}.+")
    if required:
        out["required"] = required
    return out


def build() -> list[dict]:
    sys.path.insert(0, str(ROOT))
    from gtm_core.spec import ToolSpec

    tools: list[dict] = []
    for path in sorted(DATA.glob("p*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        for field, subs in mod.CATALOGUE.items():
            for subfield, entries in subs.items():
                for name, desc, params, resp in entries:
                    p = obj(params, f"{name}.parameters", False)
                    req = p.pop("required", [])
                    raw = {
                        "name": name,
                        "description": desc,
                        "parameters": {**p, "required": req},
                        "required": req,
                        "response": obj(resp, f"{name}.response", True),
                        "field": field,
                        "subfield": subfield,
                    }
                    parsed = ToolSpec.parse(raw)
                    if parsed.flags:
                        raise ValueError(f"{name}: flags {parsed.flags}")
                    tools.append(raw)
    names = [t["name"] for t in tools]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise ValueError(f"duplicate names: {sorted(dup)}")
    tax = json.loads(TAXONOMY.read_text())
    have: dict[tuple[str, str], int] = {}
    for t in tools:
        have[(t["field"], t["subfield"])] = have.get((t["field"], t["subfield"]), 0) + 1
    pairs = [(f["field"], s) for f in tax["fields"] for s in f["subfields"]]
    thin = [p for p in pairs if have.get(p, 0) < 2]
    extra = sorted(set(have) - set(pairs))
    if thin or extra:
        print(
            f"WARNING: subfields with <2 tools: {thin}; pairs not in taxonomy: {extra}",
            file=sys.stderr,
        )
    return tools


def main() -> None:
    tools = build()
    OUT.write_text("".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tools))
    print(f"wrote {len(tools)} tools to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
