"""ToolBench / StableToolBench RapidAPI tools (OpenBMB/ToolBench, THUNLP-MT/StableToolBench).

Native forms:
- a tool file of ``data/toolenv/tools/<Category>/<tool>.json``: ``{"tool_name", "tool_description",
  "api_list": [{"name", "description", "method", "required_parameters", "optional_parameters",
  "template_response"?}]}``;
- an API entry of a query's ``api_list``: ``{"category_name", "tool_name",
  "api_name", "api_description", "required_parameters", "optional_parameters",
  "method", "template_response"?}``;
- a query ``{"query", "api_list": [...]}``.
Parameters are lists of ``{"name", "type": "STRING"|"NUMBER"|..., "description", "default"}``.
Function names follow ToolBench: ``<api>_for_<tool>`` (standardised, at most 64 characters). The
unified records of toolbench_rapidapi_tools.jsonl / toolbench_answer_functions.jsonl pass through.
"""

from __future__ import annotations

import re
from typing import Any

from gtm_core.spec import SpecError
from gtm_core.tools.importers.common import (
    NATIVE,
    bad,
    schema_from_example,
    unified_score,
)

NAME = "toolbench_rapidapi"
SOURCE_HINTS = ("OpenBMB/ToolBench", "StableToolBench", "rapidapi")
FILE_HINTS = ("toolbench", "rapidapi")
_RESERVED = {"from", "class", "return", "false", "true", "id", "and"}
_TYPE_MAP = {
    "STRING": "string",
    "NUMBER": "number",
    "INTEGER": "integer",
    "BOOLEAN": "boolean",
    "ARRAY": "array",
    "OBJECT": "object",
    "JSON": "object",
    "ENUM": "string",
    "CREDENTIALS": "string",
    "FILE": "string",
    "GEOPOINT": "string",
    "TIME": "string",
    "DATE": "string",
}


def standardize(s: str) -> str:
    """ToolBench's name standardisation: lower snake case, no leading digit."""
    s = re.sub(r"[^\u4e00-\u9fa5a-zA-Z0-9_]", "_", s)
    s = re.sub(r"_+", "_", s).lower().strip("_")
    if s and s[0].isdigit():
        s = "get_" + s
    return s


def function_name(api_name: str, tool_name: str) -> str:
    api = standardize(api_name)
    api = "is_" + api if api in _RESERVED else api
    return f"{api}_for_{standardize(tool_name)}"[-64:].lstrip("_")


def _param_schema(p: dict) -> dict:
    t = p.get("type")
    s: dict[str, Any] = {}
    if isinstance(t, str) and t.strip():
        head = t.strip().split(" ")[0].split("(")[0].upper()
        s["type"] = _TYPE_MAP.get(head, t)
        if head == "DATE":
            s["format"] = "date"
        if head != t:
            s["x-original-type"] = t
    elif t is not None:
        s["type"] = t
    if isinstance(p.get("description"), str):
        s["description"] = p["description"]
    for k in ("default", "example_value", "enum"):
        if k in p and p[k] not in (None, ""):
            s[k] = p[k]
    return s


def convert_api(
    api: dict, tool_name: str, tool_desc: str = "", category: str = ""
) -> dict | SpecError:
    api_name = api.get("api_name") or api.get("name")
    if not isinstance(api_name, str) or not api_name.strip():
        return bad(api, "api_name", "the API entry has no name")
    if not isinstance(tool_name, str) or not tool_name.strip():
        return bad(api, "tool_name", "the API entry names no tool (a non-empty string)")
    props: dict[str, Any] = {}
    required: list[str] = []
    for key, is_req in (("required_parameters", True), ("optional_parameters", False)):
        plist = api.get(key) or []
        if not isinstance(plist, list):
            return bad(api, key, f"{key} must be a list of parameters")
        for i, p in enumerate(plist):
            if (
                not isinstance(p, dict)
                or not isinstance(p.get("name"), str)
                or not p["name"].strip()
            ):
                return bad(api, f"{key}[{i}].name", "each parameter needs a non-empty name")
            pname = p["name"].strip()
            pname = "is_" + pname if pname in _RESERVED else pname
            if pname in props:
                return bad(api, f"{key}[{i}].name", f"duplicated parameter {pname!r}")
            props[pname] = _param_schema(p)
            if is_req:
                required.append(pname)
    desc = api.get("api_description") or api.get("description") or ""
    tool_desc = tool_desc if isinstance(tool_desc, str) else ""
    category = category if isinstance(category, str) else ""
    raw: dict[str, Any] = {
        "name": function_name(api_name, tool_name),
        "description": desc,
        "parameters": {"type": "object", "properties": props, "required": required},
        "meta": {
            "rapidapi_tool": tool_name,
            "rapidapi_api": api_name,
            "domain": f"rapidapi/{category}" if category else "rapidapi",
        },
    }
    if api.get("method"):
        raw["meta"]["method"] = api["method"]
    if tool_desc:
        raw["meta"]["tool_description"] = tool_desc
    tr = api.get("template_response")
    if isinstance(tr, dict | list) and tr:
        raw["response"] = schema_from_example(tr)
    return raw


def detect(record: Any, path: str = "") -> int:
    if isinstance(record, dict) and (
        isinstance(record.get("api_list"), list)
        or ("api_name" in record and "tool_name" in record)
        or "required_parameters" in record
    ):
        return NATIVE
    return unified_score(record, path, SOURCE_HINTS, FILE_HINTS)


def convert(record: Any, path: str = "") -> list[dict | SpecError]:
    if not isinstance(record, dict):
        return [
            SpecError(
                "<unnamed>",
                "<root>",
                f"a ToolBench record must be an object, got {type(record).__name__}",
            )
        ]
    if isinstance(record.get("api_list"), list):
        tool = record.get("tool_name") or record.get("standardized_name") or ""
        cat = record.get("category") or record.get("category_name") or ""
        out: list[dict | SpecError] = []
        for api in record["api_list"]:
            if not isinstance(api, dict):
                out.append(
                    SpecError(
                        "<unnamed>",
                        "api_list",
                        f"each API must be an object, got {type(api).__name__}",
                    )
                )
                continue
            out.append(
                convert_api(
                    api,
                    api.get("tool_name") or tool,
                    record.get("tool_description") or "",
                    api.get("category_name") or cat,
                )
            )
        return out
    if "api_name" in record or "required_parameters" in record:
        return [
            convert_api(
                record, record.get("tool_name") or "", "", record.get("category_name") or ""
            )
        ]
    return [dict(record)]
