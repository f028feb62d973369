"""Offline-teacher answers for the CARG prompts: deterministic, schema-aware samples built with
``ValueSynth`` (arguments valid for the schema, outputs that echo the inputs, multi-turn values
flowing from earlier outputs) and canonical error messages. The judges' offline verdicts are
CARG's own rules and sit beside them in ``carg.validate``."""

from __future__ import annotations

import random
from typing import Any

from gtm_core.llm.teacher_tasks import task
from gtm_core.record_state import RecordState, apply_expectation
from gtm_core.spec import ToolSpec
from gtm_core.synth import ValueSynth, classify, fits_schema, is_id, range_pairs


def _spec(payload: dict[str, Any]) -> ToolSpec:
    return ToolSpec.model_validate(payload["tool"])


def _describe(args: dict[str, Any], k: int = 3) -> str:
    parts = [
        f"{n} {v}"
        for n, v in args.items()
        if isinstance(v, str | int | float) and not isinstance(v, bool)
    ][:k]
    return ", ".join(parts) if parts else "its default settings"


def _context(spec: ToolSpec, field: str, args: dict[str, Any], rng: random.Random) -> str:
    what = (spec.description.split(".")[0].strip() or spec.name).rstrip(".")
    lead = rng.choice(["A user working in", "Someone in", "An analyst in", "A customer in"])
    return (
        f"{lead} {field or 'general use'} needs to "
        f"{what[0].lower() + what[1:] if what else spec.name}: "
        f"they call {spec.name} with {_describe(args)}."
    )


def _respond(
    synth: ValueSynth, spec: ToolSpec, args: dict[str, Any], history: dict[str, Any] | None = None
) -> Any:
    """A response that agrees with the arguments and is never empty (all fields when needed)."""
    out = synth.response(spec.response_schema, args, history_values=history, tool=spec.name)
    rs = spec.response_schema
    if out in ({}, [], None, "") and isinstance(rs, dict) and rs.get("properties"):
        ctx = dict(history or {})
        ctx.update(args)
        out = synth.object(rs, 0, ctx, fill_optional=1.0)
    if out == {} and isinstance(rs, dict) and rs.get("additionalProperties") is not False:
        out = {"success": True, "message": f"{spec.name} completed for {_describe(args, 2)}."}
    return out


def _consistent(spec: ToolSpec, args: dict[str, Any]) -> dict[str, Any]:
    """Order related parameters (start before end, min below max) as a careful writer would."""
    for lo, hi in range_pairs(list(spec.properties)):
        a, b = args.get(lo), args.get(hi)
        if (
            type(a) is type(b)
            and isinstance(a, str | int | float)
            and not isinstance(a, bool)
            and a > b
        ):
            args[lo], args[hi] = b, a
    return args


def _single(payload: dict[str, Any], rng: random.Random, fill: float) -> dict[str, Any]:
    spec = _spec(payload)
    synth = ValueSynth(rng)
    out = []
    for _ in range(int(payload.get("n", 1))):
        args = _consistent(spec, synth.arguments(spec.parameters, fill_optional=fill))
        output = _respond(synth, spec, args)
        out.append(
            {
                "context": _context(spec, payload.get("field", ""), args, rng),
                "arguments": args,
                "output": output,
            }
        )
    return {"samples": out}


@task("carg_single")
def carg_single(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    return _single(payload, rng, 0.5)


@task("carg_refine")
def carg_refine(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    """Refinement: required parameters only (fewer chances to contradict), fresh draws."""
    return _single(payload, rng, 0.0)


def _flatten(history: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """History values by name (latest wins) and by semantic kind."""
    by_name: dict[str, Any] = {}
    by_kind: dict[str, list[Any]] = {}
    stack: list[tuple[str, Any]] = []
    for h in history:
        stack.extend((h.get("arguments") or {}).items())
        o = h.get("output")
        if isinstance(o, dict):
            stack.extend(o.items())
    while stack:
        k, v = stack.pop(0)
        if isinstance(v, dict):
            stack.extend(v.items())
        elif isinstance(v, list):
            stack.extend((k[:-1] if k.endswith("s") else k, x) for x in v[:2])
        elif isinstance(v, str | int | float) and not isinstance(v, bool):
            by_name[k] = v
            kind = "id" if is_id(k) else classify(k)
            if kind:
                by_kind.setdefault(kind, []).append(v)
    return by_name, by_kind


@task("carg_multi")
def carg_multi(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    spec = _spec(payload)
    history = payload.get("history") or []
    by_name, by_kind = _flatten(history)
    synth = ValueSynth(rng)
    args = synth.arguments(spec.parameters, fill_optional=0.5, context=by_name)
    props = spec.properties
    reused = sum(1 for k, v in args.items() if k in by_name and by_name[k] == v)
    for name, schema in props.items():  # reuse earlier values of the same kind (ids first)
        kind = (
            "id"
            if is_id(name)
            else classify(
                name,
                schema.get("description", "")
                if isinstance(schema, dict) and isinstance(schema.get("description"), str)
                else "",
            )
        )
        cands = [
            v
            for v in by_kind.get(kind or "", [])
            if isinstance(schema, dict) and fits_schema(v, schema)
        ]
        if (
            cands
            and (name in args or name in spec.required or kind == "id")
            and not (name in by_name and args.get(name) == by_name[name])
        ):
            args[name] = cands[-1]
            reused += 1
    if history and not reused and payload.get("is_target"):
        # still nothing shared: fill one string parameter with an earlier string value
        for name, schema in props.items():
            strs = [v for v in by_name.values() if isinstance(v, str)]
            if (
                isinstance(schema, dict)
                and schema.get("type") == "string"
                and "enum" not in schema
                and strs
            ):
                args[name] = strs[-1]
                break
    args = _consistent(spec, args)
    # a record the earlier turns created, updated or deleted reads back as they left it
    expected = RecordState.replay(history).expect(spec.name, args)
    output = apply_expectation(_respond(synth, spec, args, by_name), expected)
    prev = payload.get("context") or ""
    step = _context(spec, payload.get("field", ""), args, rng)
    return {"context": (prev + " " + step).strip(), "arguments": args, "output": output}


@task("carg_error_message")
def carg_error_message(payload: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    from gtm_core.tool_errors import error_message

    return {
        "message": error_message(
            payload["error_type"], payload.get("field") or "", payload.get("detail") or ""
        )
    }
