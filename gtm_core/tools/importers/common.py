"""Helpers shared by the format modules: the module contract, detection scores, small converters.

A format module exposes ``NAME``, ``detect(record, path) -> int`` (0 = not this format; higher =
more certain) and ``convert(record, path) -> list[dict | SpecError]``: the raw dicts that
``ToolSpec.parse`` takes (one per tool in the record), or a ``SpecError`` for a tool that cannot
be converted (it becomes a reject; the other tools of the record still load).
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from gtm_core.spec import SpecError

# detection scores
NATIVE = 10  # the project's own native layout, unmistakable
NORMALIZED = 5  # a unified record whose `source` names the upstream project
FILE_HINT = 3  # file name mentions the project
GENERIC = 1  # a {name, description, parameters} record anyone could have written


def is_unified(record: Any) -> bool:
    """A record already in the unified shape: {name, description?, parameters?, response?, ...}."""
    return (
        isinstance(record, dict)
        and isinstance(record.get("name"), str)
        and ("parameters" in record or "description" in record or "inputSchema" in record)
    )


def source_mentions(record: Any, hints: tuple[str, ...]) -> bool:
    src = record.get("source") if isinstance(record, dict) else None
    return isinstance(src, str) and any(h.lower() in src.lower() for h in hints)


def path_mentions(path: str | PurePath, hints: tuple[str, ...]) -> bool:
    name = PurePath(str(path)).name.lower()
    return any(h in name for h in hints)


def unified_score(
    record: Any, path: str | PurePath, source_hints: tuple[str, ...], file_hints: tuple[str, ...]
) -> int:
    """How surely a record in the unified shape comes from one project: its ``source`` names it
    (``NORMALIZED``), or its file name does (``FILE_HINT``); 0 otherwise."""
    if not is_unified(record):
        return 0
    if source_mentions(record, source_hints):
        return NORMALIZED
    return FILE_HINT if path_mentions(path, file_hints) else 0


def tool_name_of(tool: Any) -> str:
    if isinstance(tool, dict):
        for k in ("name", "api_name", "tool_name"):
            if isinstance(tool.get(k), str) and tool[k].strip():
                return tool[k].strip()
    return "<unnamed>"


def object_schema(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": list(required or [])}


def split_domain(domain: Any) -> tuple[str, str]:
    """'Field/Subfield' -> (field, subfield)."""
    if not isinstance(domain, str) or not domain.strip():
        return "", ""
    field, _, sub = domain.strip().partition("/")
    return field.strip(), sub.strip()


def schema_from_example(value: Any, depth: int = 0) -> dict[str, Any]:
    """A JSON Schema describing an example value (used for ToolBench template responses)."""
    if depth > 8:
        return {}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {
            "type": "array",
            **({"items": schema_from_example(value[0], depth + 1)} if value else {}),
        }
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {str(k): schema_from_example(v, depth + 1) for k, v in value.items()},
        }
    return {}


def bad(tool: Any, field: str, reason: str) -> SpecError:
    return SpecError(tool_name_of(tool), field, reason)
