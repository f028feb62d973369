"""Outputs that say nothing: what no real tool answers, whatever its format.

``no_answer`` is the audit's measure (a no-answer never counts as agreement); ``says_nothing``
adds what a model writes for a call it cannot place (the arguments or the tool's own specification
given back as the result, a filler word, a text that loops on one phrase), which the engine does
not return as a tool's answer.
"""

from __future__ import annotations

import re
from typing import Any

from gtm_core.chat_format import CLIP_MARKER
from gtm_core.tool_errors import is_error_payload

_EMPTY_TEXTS = {"", "{", "}", "[", "]", "{}", '"', "'", '""', "''", "null", "none"}
# filler a model writes where it has no value: a JSON type's name or a stand-in word, never a tool's
# whole answer
_PLACEHOLDERS = {"sample", "example", "placeholder", "string", "text", "value", "lorem ipsum"}
_SPEC_KEYS = {"name", "description", "parameters", "inputs", "required", "response"}
# JSON Schema keywords: the arguments beside them (a type name, properties, items) give back the
# parameters' schemas
_SCHEMA_KEYS = {
    "type",
    "description",
    "properties",
    "required",
    "items",
    "enum",
    "default",
    "title",
    "format",
}
# the keys of an error payload: an object of these alone, one of them a non-empty ``error``, is an
# error written as a result
_ERROR_KEYS = {"error", "field", "message", "type", "code", "status", "details"}
# one phrase written again and again in a row (8+ characters four times, 16+ characters three
# times), with 2+ distinct letters or digits: a decoding loop, not a tool's answer (rules, padding
# and table borders repeat no letters)
_LOOPS = (re.compile(r"(.{8,200}?)\1{3,}", re.DOTALL), re.compile(r"(.{16,200}?)\1{2,}", re.DOTALL))


LOOP_TAIL = 1200  # a decoding loop runs until the token limit: its text's end is searched


def loops(text: str) -> bool:
    """Whether ``text`` ends writing one phrase again and again in a row (a decoding loop)."""
    tail = text[-LOOP_TAIL:]
    return any(
        len({c for c in m.group(1).lower() if c.isalnum()}) >= 2
        for p in _LOOPS
        for m in p.finditer(tail)
    )


def no_answer(output: Any, tool: str, arguments: Any) -> bool:
    """Whether a (non-error) output says nothing: None, empty text, a lone bracket or quote, the
    tool's name, or one argument's value echoed as the whole answer."""
    if output is None:
        return True
    if not isinstance(output, str) or is_error_payload(output):
        return False
    text = output.strip()
    if text.lower() in _EMPTY_TEXTS or text.lower() == tool.lower():
        return True
    values = arguments.values() if isinstance(arguments, dict) else ()
    return any(
        isinstance(v, str | int | float) and not isinstance(v, bool) and str(v).strip() == text
        for v in values
    )


_JSON_TYPES = {"string", "number", "integer", "boolean", "array", "object", "null"}


def _schema_like(key: str, value: Any) -> bool:
    """Whether ``key: value`` reads as a JSON Schema keyword (a type name, properties, items)."""
    if key == "type":
        return value in _JSON_TYPES
    return key in ("properties", "items") and isinstance(value, dict)


def _param_schema(value: Any) -> bool:
    """Whether ``value`` reads as a parameter's JSON Schema (a JSON type name beside schema
    keywords only)."""
    return (
        isinstance(value, dict)
        and value.get("type") in _JSON_TYPES
        and all(k in _SCHEMA_KEYS or k.startswith("x-") for k in value)
    )


def _echoed(value: Any, args: dict[str, Any]) -> bool:
    """Whether ``value`` is a scalar one of the arguments holds."""
    return isinstance(value, str | int | float) and any(
        type(a) is type(value) and a == value for a in args.values()
    )


def says_nothing(output: Any, tool: str, arguments: Any, declared: Any = ()) -> bool:
    """``no_answer``, a filler word (``"sample"``), the prompt's clip marker (``"2646 chars
    truncated"``, copied from a clipped history line), a text that loops (``loops``), a one-key
    wrapper of any of these (``{"result": {"term": "lit"}}``), or an object that only gives back
    the call: its arguments (under their names or others, alone or beside
    empty strings and nulls: ``{"movie_name": "Heat", "movie": ""}``; an empty list stays a real
    "found nothing"), its parameters' schemas (arguments beside JSON Schema keywords), the tool's
    specification (its name beside spec keys; an argument's name over its schema: ``{"country":
    {"type": "string", "description": …}}``), or an error written as a result (``{"error":
    {...}, "field": "id"}``: error keys only, where the result schema does not declare ``error``
    among its fields ``declared``)."""
    if no_answer(output, tool, arguments):
        return True
    if isinstance(output, str):
        text = output.strip().strip(".")
        return text.lower() in _PLACEHOLDERS or bool(CLIP_MARKER.fullmatch(text)) or loops(output)
    if not isinstance(output, dict) or not output or is_error_payload(output):
        return False
    args = arguments if isinstance(arguments, dict) else {}
    if len(output) == 1 and not set(output) & set(args):  # a wrapper: {"result": ...}
        (inner,) = output.values()
        if isinstance(inner, dict | str) and says_nothing(inner, tool, arguments, declared):
            return True
    if all(k in args and (args[k] == v or _param_schema(v)) for k, v in output.items()):
        return True
    echoes = [(v, _echoed(v, args)) for v in output.values()]
    if any(e for _, e in echoes) and all(e or v in ("", None) for v, e in echoes):
        return True
    own = [k for k in output if k in args]
    if (
        own
        and all(args[k] == output[k] for k in own)
        and all(k in args or k in _SCHEMA_KEYS or k.startswith("x-") for k in output)
        and any(k.startswith("x-") or _schema_like(k, output[k]) for k in output if k not in args)
    ):
        return True
    if "error" not in declared and output.get("error") and set(output) <= _ERROR_KEYS:
        return True
    return output.get("name") == tool and len(set(output) & _SPEC_KEYS) >= 2
