"""Offline answers to ``complete_spec``: parameter types from the parameter's semantic kind and a
response schema inferred from the tool's name (get_*/search_*/list_*/create_* ... patterns). A
name whose verb says nothing about the answer gets no response schema: the tool stays
schema-less, as it was declared, and the teacher answers it with plain text."""

from __future__ import annotations

import random
import re
from typing import Any

from gtm_core.llm.teacher_tasks import task
from gtm_core.synth import classify

_KIND_TYPES = {
    "count": "integer",
    "page": "integer",
    "age": "integer",
    "year": "integer",
    "money": "number",
    "ratio": "number",
    "temperature": "number",
    "measure": "number",
    "lat": "number",
    "lon": "number",
}
_BOOL_NAME = re.compile(r"^(is|has|can|should|allow|enable|include|use|with)_|_(enabled|flag)$")
_NUMBER_NAME = re.compile(
    r"(price|amount|cost|salary|balance|budget|fee|rate|ratio|percent|latitude|longitude)"
)
_ARRAY_NAME = re.compile(r"(_ids|_list|_items|ids|tags|items)$")


def _tokens(name: str) -> list[str]:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    return [t for t in re.split(r"[^A-Za-z0-9]+", snake.lower()) if t]


def param_type(name: str, schema: dict[str, Any]) -> str:
    """A JSON Schema type for a parameter from its name, description, default and enum."""
    desc = str(schema.get("description") or "")
    snake = "_".join(_tokens(name))
    default = schema.get("default")
    if (
        isinstance(default, bool)
        or _BOOL_NAME.search(snake)
        or desc.lower().startswith(("whether", "if true", "true to"))
    ):
        return "boolean"
    if (
        isinstance(default, list)
        or _ARRAY_NAME.search(snake)
        or re.search(r"\b(list|array) of\b", desc.lower())
    ):
        return "array"
    if _NUMBER_NAME.search(snake):
        return "number"
    kind = classify(name, desc)
    if kind in _KIND_TYPES:
        return _KIND_TYPES[kind]
    if isinstance(default, int):
        return "integer"
    if isinstance(default, float):
        return "number"
    return "string"


def _noun(tokens: list[str]) -> str:
    rest = [t for t in tokens[1:] if t not in ("by", "for", "of", "the", "a", "all")]
    return "_".join(rest) or "item"


# verbs (a tool name's first token) by the kind of answer the tool gives
_SEARCH_VERBS = (
    "search",
    "list",
    "find",
    "query",
    "browse",
    "filter",
    "lookup",
    "recommend",
    "suggest",
)
_GET_VERBS = ("get", "fetch", "retrieve", "read", "show", "view", "describe", "download", "load")
_CREATE_VERBS = (
    "create",
    "add",
    "make",
    "book",
    "schedule",
    "register",
    "post",
    "send",
    "submit",
    "upload",
    "order",
    "set",
)
_CHANGE_VERBS = (
    "update",
    "edit",
    "modify",
    "delete",
    "remove",
    "cancel",
    "move",
    "rename",
    "reset",
)
_CHECK_VERBS = ("is", "check", "validate", "verify", "has", "can", "test")
_MEASURE_VERBS = (
    "calculate",
    "compute",
    "convert",
    "count",
    "estimate",
    "predict",
    "measure",
    "analyze",
    "analyse",
)


def _search_schema(noun: str) -> dict[str, Any]:
    """Matching items (id, name, description) and their total."""
    item = {
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
        },
    }
    return {
        "type": "object",
        "properties": {
            "results": {
                "type": "array",
                "items": item,
                "description": f"matching {noun.replace('_', ' ')}",
            },
            "total": {"type": "integer"},
        },
    }


def response_schema(name: str) -> dict[str, Any] | None:
    """A plausible response schema from the tool's verb (first name token) and object noun; None
    when the verb is none of the known kinds (the answer's form is then unknown)."""
    toks = _tokens(name) or ["result"]
    verb, noun = toks[0], _noun(toks)
    if verb in _SEARCH_VERBS:
        return _search_schema(noun)
    if verb in _GET_VERBS:
        return {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                noun: {"type": "object", "description": f"the requested {noun.replace('_', ' ')}"},
                "updated_at": {"type": "string", "format": "date-time"},
            },
        }
    if verb in _CREATE_VERBS:
        return {
            "type": "object",
            "properties": {
                "id": {"type": "string"},
                "status": {"type": "string", "enum": ["success", "failed"]},
                "message": {"type": "string"},
            },
        }
    if verb in _CHANGE_VERBS:
        return {
            "type": "object",
            "properties": {
                "status": {"type": "string", "enum": ["success", "failed"]},
                "message": {"type": "string"},
            },
        }
    if verb in _CHECK_VERBS:
        return {
            "type": "object",
            "properties": {"valid": {"type": "boolean"}, "details": {"type": "string"}},
        }
    if verb in _MEASURE_VERBS:
        return {
            "type": "object",
            "properties": {
                "result": {"type": "number"},
                "unit": {"type": "string"},
                "explanation": {"type": "string"},
            },
        }
    return None


@task("complete_spec")
def complete_spec(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    spec = payload.get("spec") or {}
    props = (spec.get("parameters") or {}).get("properties") or {}
    params = payload.get("missing_parameters")
    if params is None:
        params = [p for p, s in props.items() if isinstance(s, dict) and "type" not in s]
    want_response = payload.get("missing_response", spec.get("response") is None)
    return {
        "parameter_types": {p: param_type(p, props.get(p) or {}) for p in params},
        "response": response_schema(str(spec.get("name", ""))) if want_response else None,
    }
