"""OpenAI / JSON-Schema function specs.

Accepts ``{"type": "function", "function": {...}}`` (Chat Completions tools), the bare
``{name, description, parameters}`` function object (also with Anthropic's ``input_schema``),
a container ``{"tools": [...]}`` / ``{"functions": [...]}`` / a list of those, and the unified
JSON Lines records of ../shared/data (API-Bank, NESTFUL, ToolAlpaca, ...), which pass through
as they are.
"""

from __future__ import annotations

from typing import Any

from gtm_core.spec import SpecError
from gtm_core.tools.importers.common import GENERIC, NATIVE, bad, is_unified

NAME = "openai_functions"


def _is_openai_tool(r: Any) -> bool:
    return (
        isinstance(r, dict) and r.get("type") == "function" and isinstance(r.get("function"), dict)
    )


def detect(record: Any, path: str = "") -> int:
    if _is_openai_tool(record):
        return NATIVE
    if isinstance(record, dict) and any(
        isinstance(record.get(k), list) and record[k] and _is_openai_tool(record[k][0])
        for k in ("tools", "functions")
    ):
        return NATIVE
    return GENERIC if is_unified(record) else 0


def convert_one(tool: Any) -> dict | SpecError:
    if _is_openai_tool(tool):
        fn = dict(tool["function"])
        if "strict" in fn:
            fn.setdefault("meta", {})["strict"] = fn.pop("strict")
        return fn
    if isinstance(tool, dict) and tool.get("type") == "function":
        return bad(tool, "function", "a tool of type 'function' needs a 'function' object")
    if not isinstance(tool, dict):
        return SpecError(
            "<unnamed>", "<root>", f"a function spec must be an object, got {type(tool).__name__}"
        )
    return dict(tool)


def convert(record: Any, path: str = "") -> list[dict | SpecError]:
    if isinstance(record, list):
        return [convert_one(t) for t in record]
    if isinstance(record, dict) and not is_unified(record) and not _is_openai_tool(record):
        for k in ("tools", "functions"):
            if isinstance(record.get(k), list):
                return [convert_one(t) for t in record[k]]
    return [convert_one(record)]
