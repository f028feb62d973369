"""Checking and repairing one model output: parse (a truncated JSON prefix is closed), refuse a
model-written structural error, validate against the call's response schema."""

from __future__ import annotations

import json
import re
from typing import Any

from gtm_core.llm.base import OutputParseError, extract_json
from gtm_core.schema_refs import DEPTH_DETAIL, MAX_VALUE_DEPTH, is_recursive, value_depth
from gtm_core.simulator.backends import ERROR_SCHEMA
from gtm_core.simulator.response_format import response_schema_for, validator_for
from gtm_core.spec import ToolSpec
from gtm_core.tool_errors import is_error_payload, structural_claim

_RECURSIVE: dict[int, tuple[dict, bool]] = {}


def _recursive(schema: dict) -> bool:
    """Whether a response schema is recursive (cached by object: specs hold their schema)."""
    hit = _RECURSIVE.get(id(schema))
    if hit is None or hit[0] is not schema:
        if len(_RECURSIVE) > 100_000:
            _RECURSIVE.clear()
        hit = _RECURSIVE[id(schema)] = (schema, is_recursive(schema))
    return hit[1]


def close_truncated_json(text: str) -> Any:
    """The value of a grammar-constrained output cut off by its token budget: a JSON prefix whose
    open string, dangling key or comma and open containers are closed. Raises ValueError when the
    text is not such a prefix."""
    stack: list[str] = []
    in_str = esc = False
    for ch in text:
        if in_str:
            esc, in_str = (False, True) if esc else (ch == "\\", ch != '"')
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            stack.append("]" if ch == "[" else "}")
        elif ch in "]}":
            if not stack:
                raise ValueError("unbalanced output")
            stack.pop()
    if not stack and not in_str:
        raise ValueError("not a truncated JSON prefix")
    head = text
    if in_str:
        head = head[:-1] if esc else head
        head = re.sub(r"\\u[0-9a-fA-F]{0,3}$", "", head) + '"'
    closers = "".join(reversed(stack))
    for tail in ("", " null", ": null"):
        for cut in (head, head.rstrip().rstrip(",:").rstrip()):
            try:
                return json.loads(cut + tail + closers, strict=False)
            except json.JSONDecodeError:
                continue
    raise ValueError("the truncated output cannot be closed")


def parsed(text: str) -> Any:
    """The JSON value of a model output, or None when it has none (judged later by
    ``check_output``)."""
    try:
        return json.loads(text, strict=False)
    except ValueError:
        try:
            return close_truncated_json(text)
        except ValueError:
            return None


_NONE = object()


def _bare_value(value: Any, schema: dict) -> Any:
    """The one value of a one-key result object the schema refuses but whose value it accepts,
    else ``_NONE``. A grammar counts a key written twice (``{"a": 1, "a": 1}``) as two, so a
    decoder held to objects of two keys or more can write one that parses to one key: it means
    its one value."""
    if not isinstance(value, dict) or len(value) != 1 or "error" in value:
        return _NONE
    (inner,) = value.values()
    return inner if validator_for(schema).is_valid(inner) else _NONE


def check_output(
    text: str, spec: ToolSpec, *, allow_errors: bool, strict_json: bool, schema: dict | None = None
) -> tuple[bool, Any, str]:
    """Parse and validate one model output of a call that passed the gate: (ok, value, reason). An
    error payload is accepted only when ``allow_errors`` and never with a structural type. A result
    must follow ``schema`` (default: ``response_format.response_schema_for(spec, None)``)."""
    try:
        # strict=False: raw control characters inside strings are accepted (xgrammar's
        # length-bounded
        # string rule lets them through); they are escaped again whenever the value is serialised
        value = json.loads(text, strict=False) if strict_json else extract_json(text)
    except (json.JSONDecodeError, ValueError, OutputParseError) as e:
        if not strict_json:
            return False, None, f"unparseable output: {str(e)[:160]}"
        try:
            value = extract_json(text)
        except OutputParseError:
            try:  # cut off by the token budget: a truncated tool output beats no output
                value = close_truncated_json(text)
            except ValueError:
                return False, None, f"unparseable output: {text[:120]!r}"
    schema = response_schema_for(spec, None) if schema is None else schema
    claim = structural_claim(value)
    if claim is not None:
        return (
            False,
            value,
            (
                f"model-written structural error {claim!r}: the call passed the gate, so only "
                "a result or a semantic error may answer it"
            ),
        )
    is_err = is_error_payload(value)
    if is_err and not allow_errors:
        return (
            False,
            value,
            "error payload while errors are not allowed (options.allow_errors is false)",
        )
    if allow_errors and is_err:
        err = next(iter(validator_for(ERROR_SCHEMA).iter_errors(value)), None)
        return (
            (err is None),
            value,
            ("" if err is None else f"malformed error payload: {err.message[:160]}"),
        )
    if _recursive(schema) and value_depth(value) > MAX_VALUE_DEPTH + 1:
        return False, value, f"output {DEPTH_DETAIL}"
    err = next(iter(validator_for(schema).iter_errors(value)), None)
    if err is not None and (bare := _bare_value(value, schema)) is not _NONE:
        return True, bare, ""
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path)
        return (
            False,
            value,
            f"output does not match the response schema at '{where}': {err.message[:160]}",
        )
    return True, value, ""
