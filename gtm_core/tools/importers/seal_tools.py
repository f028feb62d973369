"""Seal-Tools (fairyshine/Seal-Tools, ``Seal-Tools_Dataset/tool.jsonl``).

Native record: ``{"api_name", "api_description", "field": "Field/Subfield", "parameters":
{"p": {"type": "str", "description"}}, "required": [...], "responses": {"r": {...}}}``.
The unified records of seal_tools_tools.jsonl carry the field path in ``domain``.
"""

from __future__ import annotations

from typing import Any

from gtm_core.spec import SpecError
from gtm_core.tools.importers.common import (
    NATIVE,
    bad,
    object_schema,
    split_domain,
    unified_score,
)

NAME = "seal_tools"
SOURCE_HINTS = ("fairyshine/Seal-Tools",)
FILE_HINTS = ("seal_tools", "seal-tools")


def detect(record: Any, path: str = "") -> int:
    if (
        isinstance(record, dict)
        and "api_name" in record
        and "api_description" in record
        and "tool_name" not in record
    ):
        return NATIVE
    return unified_score(record, path, SOURCE_HINTS, FILE_HINTS)


def convert(record: Any, path: str = "") -> list[dict | SpecError]:
    if not isinstance(record, dict):
        return [
            SpecError(
                "<unnamed>",
                "<root>",
                f"a Seal-Tools record must be an object, got {type(record).__name__}",
            )
        ]
    if "api_name" in record:
        params = record.get("parameters") or {}
        if not isinstance(params, dict):
            return [
                bad(
                    record,
                    "parameters",
                    f"Seal-Tools parameters must map names to schemas, got {type(params).__name__}",
                )
            ]
        if "properties" not in params:
            params = object_schema(params, record.get("required"))
        responses = record.get("responses")
        if isinstance(responses, dict) and "properties" not in responses:
            responses = {"type": "object", "properties": responses}
        field, subfield = split_domain(record.get("field"))
        raw = {
            "name": record["api_name"],
            "description": record.get("api_description") or "",
            "parameters": params,
            "response": responses,
            "field": field,
            "subfield": subfield,
            "meta": {"domain": record.get("field")},
        }
        extra = {
            k: v
            for k, v in record.items()
            if k
            not in ("api_name", "api_description", "parameters", "required", "responses", "field")
        }
        raw["meta"].update(extra)
        return [raw]
    raw = dict(record)
    if not raw.get("field"):
        raw["field"], raw["subfield"] = split_domain(raw.get("domain"))
    return [raw]
