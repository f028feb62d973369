"""Berkeley Function-Calling Leaderboard (ShishirPatil/gorilla, ``bfcl_eval/data``).

Native records: a question ``{"id", "question", "function": [<fn>, ...]}`` (or one function per
line in ``multi_turn_func_doc/*.json``). Functions use Python-ish spellings: ``"type": "dict"``,
``"float"``, ``"tuple"``, ``"any"``; each changed spelling is kept as ``x-original-type`` (as in the
unified bfcl_tools.jsonl). Multi-turn function docs may carry a ``response`` schema.
"""

from __future__ import annotations

from typing import Any

from gtm_core.spec import SpecError
from gtm_core.tools.importers.common import (
    NATIVE,
    bad,
    is_unified,
    unified_score,
)
from gtm_core.tools.importers.openai_functions import convert_one

NAME = "bfcl"
SOURCE_HINTS = ("ShishirPatil/gorilla", "berkeley-function-call-leaderboard")
FILE_HINTS = ("bfcl", "gorilla", "berkeley")
_JSON_TYPES = {"object", "number", "integer", "array", "string", "boolean", "null"}
_PY_SPELLINGS = {"dict", "float", "tuple", "any", "int", "str", "bool", "list"}


def detect(record: Any, path: str = "") -> int:
    if (
        isinstance(record, dict)
        and "function" in record
        and ("question" in record or "id" in record)
    ):
        return NATIVE
    params = record.get("parameters") if isinstance(record, dict) else None
    if isinstance(params, dict) and params.get("type") == "dict" and "properties" in params:
        return NATIVE - 1
    return unified_score(record, path, SOURCE_HINTS, FILE_HINTS)


def mark_original_types(schema: Any) -> Any:
    """Copy of a BFCL schema where each non-JSON-Schema type spelling is kept as x-original-type."""
    if isinstance(schema, list):
        return [mark_original_types(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {}
    for k, v in schema.items():
        if k in ("properties", "$defs", "definitions") and isinstance(v, dict):
            out[k] = {pk: mark_original_types(pv) for pk, pv in v.items()}
        elif k in (
            "items",
            "additionalProperties",
            "anyOf",
            "oneOf",
            "allOf",
            "prefixItems",
        ) and isinstance(v, dict | list):
            out[k] = mark_original_types(v)
        else:
            out[k] = v
    t = schema.get("type")
    if (
        isinstance(t, str)
        and t not in _JSON_TYPES
        and "x-original-type" not in out
        and t.lower() in _PY_SPELLINGS
    ):
        out["x-original-type"] = t
    return out


def _convert_fn(fn: Any, meta: dict) -> dict | SpecError:
    raw = convert_one(fn)
    if isinstance(raw, dict):
        for key in ("parameters", "response"):
            if isinstance(raw.get(key), dict):
                raw[key] = mark_original_types(raw[key])
        if meta:
            if raw.get("meta") is not None and not isinstance(raw["meta"], dict):
                return bad(fn, "meta", f"meta must be an object, got {type(raw['meta']).__name__}")
            raw["meta"] = {**(raw.get("meta") or {}), **meta}
    return raw


def convert(record: Any, path: str = "") -> list[dict | SpecError]:
    if isinstance(record, dict) and "function" in record and not is_unified(record):
        fns = record["function"]
        fns = fns if isinstance(fns, list) else [fns]
        qid = str(record.get("id", ""))
        meta = {"bfcl_id": qid, "bfcl_category": qid.rsplit("_", 1)[0]} if qid else {}
        return [_convert_fn(f, meta) for f in fns]
    if isinstance(record, list):
        return [_convert_fn(f, {}) for f in record]
    return [_convert_fn(record, {})]
