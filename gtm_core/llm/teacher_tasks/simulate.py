"""Offline answer to a simulated tool call (task ``simulate``): the model-free simulator baseline.

Payload: ``{"spec": <public spec>, "arguments": {...}, "history": [{tool, arguments, output}],
"hint": <optional ground truth>, "format": <optional result schema>}``. The output follows
``format`` when given (the simulator's rules read it from the tool's records), else the spec's
declared response schema, echoes argument values
into same-named fields and reuses values seen earlier in the session (ids, names), so multi-turn
answers agree with each other. A ground-truth hint is planted in search-like results.
"""

from __future__ import annotations

import random
from typing import Any

from gtm_core.llm.teacher_tasks import task
from gtm_core.synth import ValueSynth


def _flatten(obj: Any, out: dict[str, Any], depth: int = 0) -> None:
    if depth > 4:
        return
    if isinstance(obj, dict):
        for k, v in obj.items():
            if isinstance(v, str | int | float | bool) and not isinstance(k, int):
                out.setdefault(k, v)
            else:
                _flatten(v, out, depth + 1)
    elif isinstance(obj, list):
        for v in obj[:5]:
            _flatten(v, out, depth + 1)


def history_values(history: list[dict[str, Any]]) -> dict[str, Any]:
    """Scalar values by field name from a session history; the latest call wins."""
    vals: dict[str, Any] = {}
    for h in reversed(history or []):
        out = h.get("output")
        if isinstance(out, dict) and "error" in out:
            continue
        _flatten(out, vals)
        _flatten(h.get("arguments"), vals)
    return vals


def plant_hint(output: Any, hint: str) -> Any:
    """Put ``hint`` into the first text field of the first result (search-like outputs)."""

    def visit(o: Any) -> bool:
        if isinstance(o, dict):
            for k in (
                "contents",
                "content",
                "snippet",
                "text",
                "summary",
                "description",
                "body",
                "answer",
                "title",
            ):
                if isinstance(o.get(k), str):
                    o[k] = f"{hint}. {o[k]}"
                    return True
            return any(visit(v) for v in o.values())
        if isinstance(o, list):
            if o and all(
                isinstance(v, dict) and isinstance(v.get("score"), int | float) for v in o
            ):
                o.sort(key=lambda v: -v["score"])  # ranked: the hinted document is the top one
            return any(visit(v) for v in o[:1])
        return False

    if isinstance(output, str):
        return f"{hint}. {output}"
    if not visit(output) and isinstance(output, dict):
        output.setdefault("answer", hint)
    return output


@task("simulate")
def simulate(payload: dict[str, Any], rng: random.Random) -> Any:
    spec = payload.get("spec") or {}
    schema = (
        payload.get("format")
        if isinstance(payload.get("format"), dict)
        else (spec.get("response") if isinstance(spec.get("response"), dict) else None)
    )
    args = payload.get("arguments") or {}
    out = ValueSynth(rng).response(
        schema, args, history_values(payload.get("history") or []), tool=str(spec.get("name") or "")
    )
    hint = payload.get("hint")
    if hint:
        out = plant_hint(out, str(hint))
    return out
