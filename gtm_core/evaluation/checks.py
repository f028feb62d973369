"""Deterministic checks of one simulated output (paper Table 1 columns
that can be computed exactly).

* ``check_format``: the output is JSON (parses) and validates against the tool's response schema
  (types, structure, enums; a missing required field is left to ``check_comp``); an error payload
  must have the canonical ``{"error": {"type", "message", "field"}}`` shape.
* ``check_comp``: every required response field (recursively, through
  objects and array items) is present.
* ``check_det``: an erroneous call is answered with an error payload (not a result, not a
  ``simulator_error``).
* ``check_cons``: values fixed by the call or by earlier turns are not contradicted — same-named
  scalar fields echo the arguments, and an entity seen earlier (matched by an id-like field) keeps
  its identifying values (ids, names, emails, cities).

Each check returns a list of reasons; empty = passed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from gtm_core.simulator.backends import ERROR_SCHEMA
from gtm_core.simulator.response_format import validator_for
from gtm_core.spec import ToolSpec
from gtm_core.synth import classify, is_id
from gtm_core.tool_errors import is_error_payload
from gtm_core.values import is_scalar, same_value

STABLE_KINDS = ("person", "email", "username", "city")


def parse_output(output: Any) -> tuple[bool, Any, str]:
    """A stored/served output as a JSON value: (ok, value, reason). Strings holding JSON text are
    decoded; plain JSON values are taken as they are."""
    if isinstance(output, str | bytes):
        try:
            return True, json.loads(output), ""
        except (json.JSONDecodeError, ValueError) as e:
            return False, None, f"output is not JSON: {str(e)[:120]}"
    return True, output, ""


def check_format(spec: ToolSpec, output: Any, *, raw: bool = False) -> list[str]:
    """Parses (``raw``: ``output`` is the model's text) and validates against the response schema,
    or is a well-formed error payload."""
    if raw:
        ok, output, why = parse_output(output)
        if not ok:
            return [why]
    if is_error_payload(output):
        err = next(iter(validator_for(ERROR_SCHEMA).iter_errors(output)), None)
        return [] if err is None else [f"malformed error payload: {err.message[:160]}"]
    if output is None:
        return ["output is empty"]
    schema = spec.response_schema
    if schema is None:
        return []
    errs = []
    for e in validator_for(schema).iter_errors(output):
        if e.validator == "required":  # missing fields are Comp's concern
            continue
        where = "/".join(str(p) for p in e.absolute_path)
        errs.append(f"output does not match the response schema at '{where}': {e.message[:160]}")
        if len(errs) >= 3:
            break
    return errs


def _required_missing(schema: Any, value: Any, path: str, out: list[str], depth: int = 0) -> None:
    if not isinstance(schema, dict) or depth > 8:
        return
    for key in ("allOf",):
        for sub in schema.get(key) or []:
            _required_missing(sub, value, path, out, depth + 1)
    if isinstance(value, dict):
        for r in schema.get("required") or []:
            if isinstance(r, str) and r not in value:
                out.append(f"required field '{path + r}' is missing")
        props = schema.get("properties") if isinstance(schema.get("properties"), dict) else {}
        for k, sub in props.items():
            if k in value:
                _required_missing(sub, value[k], f"{path}{k}.", out, depth + 1)
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value[:50]):
            _required_missing(schema["items"], item, f"{path}[{i}].", out, depth + 1)


def check_comp(spec: ToolSpec, output: Any) -> list[str]:
    """Every required field of the response schema present (error payloads: type and message)."""
    if is_error_payload(output):
        e = output["error"]
        if not isinstance(e, dict):
            return ["error payload is not an object"]
        return [
            f"error field '{k}' is missing or empty" for k in ("type", "message") if not e.get(k)
        ]
    if output is None or output == "":
        return ["output is empty"]
    out: list[str] = []
    _required_missing(spec.response_schema, output, "", out)
    return out


def check_det(output: Any) -> list[str]:
    """An erroneous call got an error (a simulator failure does not count as detection)."""
    if not is_error_payload(output):
        return ["erroneous call answered with a result instead of an error"]
    e = output["error"]
    if isinstance(e, dict) and e.get("type") == "simulator_error":
        return ["the simulator failed (simulator_error), the bad input was not detected"]
    return []


def _records(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object inside ``value`` (itself included)."""
    if depth > 6:
        return
    if isinstance(value, dict):
        yield value
        for v in value.values():
            yield from _records(v, depth + 1)
    elif isinstance(value, list):
        for v in value[:100]:
            yield from _records(v, depth + 1)


def _stable(name: str) -> bool:
    return is_id(name) or classify(name) in STABLE_KINDS


def check_cons(
    arguments: dict[str, Any], output: Any, history: Sequence[dict[str, Any]]
) -> list[str]:
    """Values and ids fixed by the call or earlier turns are not contradicted by ``output``."""
    if is_error_payload(output) or output is None:
        return []
    reasons: list[str] = []
    args = arguments if isinstance(arguments, dict) else {}
    if isinstance(output, dict):
        for k, v in output.items():
            a = args.get(k)
            if (
                is_scalar(v)
                and is_scalar(a)
                and isinstance(v, str) == isinstance(a, str)
                and not same_value(v, a)
            ):
                reasons.append(f"output {k}={v!r} contradicts argument {k}={a!r}")
    # entities of earlier turns, keyed by (id field, id value) -> their stable scalar fields
    known: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
    for turn, h in enumerate(history or []):
        for rec in _records(h.get("output")):
            for k, v in rec.items():
                if is_id(k) and is_scalar(v):
                    fields = {
                        f: x for f, x in rec.items() if f != k and is_scalar(x) and _stable(f)
                    }
                    known.setdefault((k, str(v).strip().lower()), (turn, {}))[1].update(fields)
    for rec in _records(output):
        for k, v in rec.items():
            if not (is_id(k) and is_scalar(v)):
                continue
            hit = known.get((k, str(v).strip().lower()))
            if hit is None:
                continue
            turn, fields = hit
            for f, x in rec.items():
                if f in fields and is_scalar(x) and not same_value(x, fields[f]):
                    reasons.append(
                        f"{f}={x!r} of {k}={v!r} contradicts {fields[f]!r} from turn {turn}"
                    )
    return reasons[:5]
