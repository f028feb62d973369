"""ToolEyes (Junjie-Ye/ToolEyes, ``Tool_Library/<Category>/<Tool>/config_gpt4.json``).

Native file: a JSON array of OpenAI-style functions ``{name, description, parameters}``; the
category and tool come from the file's path. Unified records carry them in ``domain``.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from gtm_core.spec import SpecError
from gtm_core.tools.importers.common import (
    NATIVE,
    is_unified,
    unified_score,
)
from gtm_core.tools.importers.openai_functions import convert_one

NAME = "tooleyes"
SOURCE_HINTS = ("Junjie-Ye/ToolEyes",)
FILE_HINTS = ("tooleyes",)


def detect(record: Any, path: str = "") -> int:
    if PurePath(str(path)).name.startswith("config_gpt") and (
        is_unified(record) or isinstance(record, list)
    ):
        return NATIVE
    return unified_score(record, path, SOURCE_HINTS, FILE_HINTS)


def _domain_from_path(path: str) -> str | None:
    parts = PurePath(str(path)).parts
    if "Tool_Library" in parts:
        i = parts.index("Tool_Library")
        if len(parts) > i + 3:
            return f"{parts[i + 1]}/{parts[i + 2]}"
    return None


def convert(record: Any, path: str = "") -> list[dict | SpecError]:
    tools = record if isinstance(record, list) else [record]
    out: list[dict | SpecError] = []
    domain = _domain_from_path(path)
    for t in tools:
        raw = convert_one(t)
        if isinstance(raw, dict) and domain and "domain" not in raw:
            raw["domain"] = domain
        out.append(raw)
    return out
