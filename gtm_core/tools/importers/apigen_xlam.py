"""APIGen / xLAM function-calling data (Salesforce xlam-function-calling-60k style).

Native row: ``{"id", "query", "answers": "<JSON>", "tools": "<JSON list>"}`` whose tools are
``{"name", "description", "parameters":
{"p": {"type": "str, optional", "description", "default"}}}``. A parameter is optional when its
type says ", optional" (or ``Optional[...]``) or it has a default; otherwise it is required. A bare
xLAM tool object is accepted too.
"""

from __future__ import annotations

import json
import re
from typing import Any

from gtm_core.spec import SpecError
from gtm_core.tools.importers.common import FILE_HINT, NATIVE, bad, path_mentions, tool_name_of

NAME = "apigen_xlam"
FILE_HINTS = ("xlam", "apigen")
_OPTIONAL_RE = re.compile(r",\s*optional\s*$", re.I)
_OPTIONAL_GENERIC_RE = re.compile(r"^\s*(?:typing\.)?optional\s*\[", re.I)


def _is_xlam_params(params: Any) -> bool:
    return (
        isinstance(params, dict)
        and bool(params)
        and "properties" not in params
        and "type" not in params
        and all(isinstance(v, dict) for v in params.values())
    )


def _is_xlam_tool(t: Any) -> bool:
    return (
        isinstance(t, dict)
        and isinstance(t.get("name"), str)
        and _is_xlam_params(t.get("parameters"))
        and any(
            isinstance(v.get("type"), str) and _OPTIONAL_RE.search(v["type"])
            for v in t["parameters"].values()
        )
    )


def detect(record: Any, path: str = "") -> int:
    if (
        isinstance(record, dict)
        and "tools" in record
        and ("answers" in record or "query" in record)
    ):
        return NATIVE
    if _is_xlam_tool(record):
        return NATIVE - 1
    if (
        isinstance(record, dict)
        and _is_xlam_params(record.get("parameters"))
        and path_mentions(path, FILE_HINTS)
    ):
        return FILE_HINT
    return 0


def convert_tool(tool: Any) -> dict | SpecError:
    if not isinstance(tool, dict):
        return SpecError(
            "<unnamed>", "<root>", f"an xLAM tool must be an object, got {type(tool).__name__}"
        )
    params = tool.get("parameters") or {}
    if not isinstance(params, dict):
        return bad(
            tool,
            "parameters",
            f"xLAM parameters must map names to schemas, got {type(params).__name__}",
        )
    if "properties" in params or params.get("type") in ("object", "dict"):
        return dict(tool)  # already JSON Schema
    props: dict[str, Any] = {}
    required: list[str] = []
    for pname, p in params.items():
        if not isinstance(p, dict):
            return bad(
                tool,
                f"parameters.{pname}",
                f"parameter schema must be an object, got {type(p).__name__}",
            )
        p = dict(p)
        optional = "default" in p
        t = p.get("type")
        if isinstance(t, str):
            if _OPTIONAL_RE.search(t):
                optional, t = True, _OPTIONAL_RE.sub("", t).strip()
            elif _OPTIONAL_GENERIC_RE.match(t):
                optional = True
            p["type"] = t
            p["x-original-type"] = tool["parameters"][pname]["type"]
        if p.get("default") == "" and optional and p.get("type") not in ("str", "string"):
            p.pop("default")  # xLAM writes "" for "no default" whatever the type
        props[pname] = p
        if not optional:
            required.append(pname)
    raw = {k: v for k, v in tool.items() if k != "parameters"}
    raw["parameters"] = {"type": "object", "properties": props, "required": required}
    return raw


def convert(record: Any, path: str = "") -> list[dict | SpecError]:
    if isinstance(record, dict) and "tools" in record and not _is_xlam_tool(record):
        tools = record["tools"]
        if isinstance(tools, str):
            try:
                tools = json.loads(tools)
            except json.JSONDecodeError as e:
                return [
                    SpecError(
                        f"xlam row {record.get('id', '?')}",
                        "tools",
                        f"tools is not valid JSON: {e.msg}",
                    )
                ]
        if not isinstance(tools, list):
            return [
                SpecError(
                    f"xlam row {record.get('id', '?')}",
                    "tools",
                    "tools must be a list of tool objects",
                )
            ]
        out = []
        for t in tools:
            raw = convert_tool(t)
            if isinstance(raw, dict) and record.get("id") is not None:
                raw.setdefault("meta", {})["xlam_id"] = record["id"]
            out.append(raw)
        return out
    if isinstance(record, list):
        return [convert_tool(t) for t in record]
    return (
        [convert_tool(record)]
        if isinstance(record, dict)
        else [
            SpecError(
                tool_name_of(record),
                "<root>",
                f"an xLAM record must be an object, got {type(record).__name__}",
            )
        ]
    )
