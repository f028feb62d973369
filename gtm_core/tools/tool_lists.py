"""Tool lists as map points (name, description, group): MCP ``tools/list`` results (also inside a
JSON-RPC reply), catalogues (``server``/``title`` entries), JSON lists or JSON Lines, from
a file or an http(s) URL. Entries without a usable name are kept as rejects naming the
field and reason; an unreadable list raises ``ToolListError`` naming the source. (Full
specs come through ``importers``.)"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class ToolListError(ValueError):
    """A tool list that cannot be read: names the source, the item/field and the reason."""

    def __init__(self, source: str, where: str, reason: str):
        self.source, self.where, self.reason = source, where, reason
        super().__init__(f"{source}: {where}: {reason}")


@dataclass
class MapTool:
    """A point of the map: a tool's name and description (plus where it came from)."""

    name: str
    description: str
    source: str = ""
    group: str = ""  # MCP server / simulated field

    @property
    def text(self) -> str:
        words = split_name(self.name)
        return f"{words}: {self.description}" if self.description else words


def split_name(name: str) -> str:
    """``getPlayerStats`` / ``get_player-stats`` -> ``get Player Stats`` / ``get player stats``."""
    return re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", re.sub(r"[_\-.]+", " ", name)).strip()


def _items_from_obj(obj: Any, source: str) -> list[Any]:
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict):
        if (
            isinstance(obj.get("result"), dict) and "tools" in obj["result"]
        ):  # JSON-RPC tools/list reply
            obj = obj["result"]
        if "tools" in obj:
            if not isinstance(obj["tools"], list):
                raise ToolListError(
                    source, "tools", f"must be a list, got {type(obj['tools']).__name__}"
                )
            return obj["tools"]
        return [obj]
    raise ToolListError(
        source, "<root>", f"expected a JSON object or list, got {type(obj).__name__}"
    )


def parse_tool_list(text: str, source: str = "") -> tuple[list[MapTool], list[dict[str, Any]]]:
    """Tools from JSON (``{"tools": [...]}``, a JSON-RPC reply, a list) or JSONL text.

    Each item needs a ``name`` (or ``server``/``title`` for catalogue entries); items without one
    are returned as rejects ``{"source", "index", "field", "reason", "raw"}`` instead of being
    dropped.
    """
    text = text.strip()
    if not text:
        raise ToolListError(source, "<root>", "empty tool list")
    try:
        items = _items_from_obj(json.loads(text), source)
    except json.JSONDecodeError:
        items = []
        for ln, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                items.extend(_items_from_obj(json.loads(line), source))
            except json.JSONDecodeError as e:
                raise ToolListError(source, f"line {ln}", f"not JSON: {e.msg}") from None
    tools: list[MapTool] = []
    rejects: list[dict[str, Any]] = []
    for i, it in enumerate(items):
        if not isinstance(it, dict):
            rejects.append(
                {
                    "source": source,
                    "index": i,
                    "field": "<item>",
                    "reason": f"a tool must be an object, got {type(it).__name__}",
                    "raw": it,
                }
            )
            continue
        name = it.get("name") or it.get("server") or it.get("title")
        if not isinstance(name, str) or not name.strip():
            rejects.append(
                {
                    "source": source,
                    "index": i,
                    "field": "name",
                    "reason": "name is empty or missing",
                    "raw": it,
                }
            )
            continue
        desc = it.get("description") or ""
        if not isinstance(desc, str):
            rejects.append(
                {
                    "source": source,
                    "index": i,
                    "field": "description",
                    "reason": "description must be a string",
                    "raw": it,
                }
            )
            continue
        tools.append(
            MapTool(
                name.strip(),
                desc.strip(),
                source=str(it.get("source") or source),
                group=str(it.get("mcp_server") or it.get("category") or it.get("domain") or ""),
            )
        )
    return tools, rejects


def load_tool_list(
    location: str | Path, *, timeout_s: float = 30.0
) -> tuple[list[MapTool], list[dict[str, Any]]]:
    """Read a tool list from a local file or an http(s) URL (see ``parse_tool_list``)."""
    loc = str(location)
    if re.match(r"^https?://", loc):
        import httpx

        try:
            r = httpx.get(loc, timeout=timeout_s, follow_redirects=True)
            r.raise_for_status()
        except httpx.HTTPError as e:
            raise ToolListError(loc, "<url>", f"cannot fetch: {e}") from None
        return parse_tool_list(r.text, loc)
    p = Path(loc).expanduser()
    if not p.is_file():
        raise ToolListError(loc, "<path>", "no such file")
    return parse_tool_list(p.read_text(encoding="utf-8"), p.name)


def load_tool_lists(locations: Iterable[str | Path]) -> tuple[list[MapTool], list[dict[str, Any]]]:
    """Several lists concatenated (duplicates by name+description removed)."""
    seen: set[tuple[str, str]] = set()
    tools: list[MapTool] = []
    rejects: list[dict[str, Any]] = []
    for loc in locations:
        t, r = load_tool_list(loc)
        rejects.extend(r)
        for x in t:
            if (x.name, x.description) not in seen:
                seen.add((x.name, x.description))
                tools.append(x)
    return tools, rejects


def tools_from_specs(specs: Iterable[Any]) -> list[MapTool]:
    """Map points for ToolSpecs (the simulated repository)."""
    return [MapTool(s.name, s.description, source=s.source, group=s.field) for s in specs]
