"""MCP ``tools/list`` results (Model Context Protocol).

Accepts a ``tools/list`` result ``{"tools": [{"name", "title"?, "description", "inputSchema",
"outputSchema"?, "annotations"?}]}`` (also wrapped in a JSON-RPC response ``{"result": {...}}``),
one MCP tool object per JSON Lines record, and the unified mcp_tools.jsonl records.
"""

from __future__ import annotations

from typing import Any

from gtm_core.spec import SpecError
from gtm_core.tools.importers.common import (
    FILE_HINT,
    NATIVE,
    NORMALIZED,
    is_unified,
    path_mentions,
    source_mentions,
)

NAME = "mcp_tools_list"
SOURCE_HINTS = ("LiveMCPBench", "mcp-proxy", "modelcontextprotocol")
FILE_HINTS = ("mcp",)


def _result(record: Any) -> Any:
    if isinstance(record, dict) and isinstance(record.get("result"), dict) and "jsonrpc" in record:
        return record["result"]
    return record


def _is_mcp_tool(t: Any) -> bool:
    return isinstance(t, dict) and "inputSchema" in t and "name" in t


def detect(record: Any, path: str = "") -> int:
    r = _result(record)
    if (
        isinstance(r, dict)
        and isinstance(r.get("tools"), list)
        and (not r["tools"] or _is_mcp_tool(r["tools"][0]))
    ):
        return NATIVE
    if _is_mcp_tool(r):
        return NATIVE - 1
    if is_unified(r) and (source_mentions(r, SOURCE_HINTS) or "mcp_server" in r):
        return NORMALIZED
    return FILE_HINT if is_unified(r) and path_mentions(path, FILE_HINTS) else 0


def convert_tool(t: Any, server: dict | None = None) -> dict | SpecError:
    if not isinstance(t, dict):
        return SpecError(
            "<unnamed>", "tools", f"an MCP tool must be an object, got {type(t).__name__}"
        )
    raw = {k: v for k, v in t.items() if k not in ("inputSchema", "outputSchema")}
    if "inputSchema" in t:
        raw["parameters"] = t["inputSchema"]
    if t.get("outputSchema") is not None:
        raw["response"] = t["outputSchema"]
    if isinstance(raw.get("annotations"), dict | None) and "annotations" in raw:
        ann = raw.pop("annotations")
        if ann:
            raw.setdefault("meta", {})["annotations"] = ann
    if server:
        raw.setdefault("meta", {}).update(server)
    return raw


def convert(record: Any, path: str = "") -> list[dict | SpecError]:
    r = _result(record)
    if isinstance(r, dict) and isinstance(r.get("tools"), list) and not is_unified(r):
        server = {k: r[k] for k in ("server", "serverInfo", "mcp_server") if k in r}
        return [convert_tool(t, server) for t in r["tools"]]
    if isinstance(r, list):
        return [convert_tool(t) for t in r]
    return [convert_tool(r)]
