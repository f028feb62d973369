"""The baselines every fidelity report scores beside the simulator, on
the same calls in the same run.

* ``rules-only``: the same engine and rules (gate, recorded evidence, response format) with the
  offline teacher as the backend instead of the model;
* ``record-copy``: the nearest recorded output (the tool's own record, else the nearest recorded
  tool by MiniLM similarity) with argument values substituted where keys match, as StableToolBench's
  cache answers; it passes the same gate and recorded-failure rule first;
* ``offline-teacher``: the bare teacher (declared spec, no records).

A model is worth its margin over these. ``no_answer`` (``simulator.silence``) names outputs
that say nothing (empty, a lone bracket or quote, the tool's name, one argument echoed whole):
they never count as agreement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gtm_core.simulator.engine import SimCall, SimResult, Simulator
from gtm_core.simulator.examples import ExampleIndex
from gtm_core.spec import ToolSpec

RULES_ONLY, RECORD_COPY, TEACHER = "rules-only", "record-copy", "offline-teacher"
MIN_SUBSTITUTED_CHARS = (
    3  # a recorded argument value this long or longer is replaced inside copied text
)


def substitute(output: Any, recorded: dict[str, Any], arguments: dict[str, Any]) -> Any:
    """A recorded ``output`` adapted to new ``arguments``: a field named as an argument takes the
    argument's value (scalars, any depth), and recorded argument text inside strings is replaced
    by the new value."""
    if isinstance(output, dict):
        return {
            k: arguments[k]
            if k in arguments and _scalar(v) and _scalar(arguments[k])
            else substitute(v, recorded, arguments)
            for k, v in output.items()
        }
    if isinstance(output, list):
        return [substitute(v, recorded, arguments) for v in output]
    if isinstance(output, str):
        for k, old in recorded.items():
            new = arguments.get(k)
            if (
                isinstance(old, str)
                and len(old) >= MIN_SUBSTITUTED_CHARS
                and _scalar(new)
                and new is not None
            ):
                output = output.replace(old, str(new))
        return output
    return output


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, str | int | float | bool)


class RecordCopy:
    """The record-copy baseline: gate and recorded failure as the engine runs them, then the
    nearest recorded output with the call's argument values substituted (empty text when the index
    holds no record at all)."""

    name = "record-copy"

    def __init__(self, index: ExampleIndex, *, lenient_types: bool = True, seed: int = 0) -> None:
        self.index = index
        self.sim = Simulator([], None, examples=index, lenient_types=lenient_types, seed=seed)

    def answer(self, items: Sequence[tuple[ToolSpec, SimCall]]) -> list[SimResult]:
        out = []
        for spec, call in items:
            if self.sim.tools.get(spec.name) is not spec:
                self.sim.add_tool(spec)
            res = self.sim.fast_path(call)
            if res is None:
                rec = self.index.nearest_record(spec, exclude_episode=call.episode)
                value = "" if rec is None else substitute(rec.output, rec.arguments, call.arguments)
                res = SimResult(value, "copy", spec.name)
            out.append(res)
        return out


def audit_systems(
    calls_files: Sequence[Any],
    tools_files: Sequence[Any],
    model_ref: Any,
    model_backend: Any,
    examples: ExampleIndex | None,
    *,
    seed: int = 0,
    lenient_types: bool = True,
    without: Sequence[str] = (),
    **kw: Any,
) -> dict[str, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """``real_traces.audit`` of the simulator (``model_ref`` on ``model_backend``, shown
    ``examples``) and of the baselines on the same calls: label -> (report, rows), the model
    first. Rules-only and record copy need the recorded ``examples``; without them only the model
    and the teacher are scored. A model that is the offline teacher itself is scored once, as the
    teacher (first). ``without`` switches rules off in the simulator and rules-only alike;
    ``kw``: further ``audit`` options."""
    from gtm_core.evaluation.real_traces import audit
    from gtm_core.simulator.backends import OfflineSimBackend
    from gtm_core.simulator.models import ModelRef

    kw = {**kw, "seed": seed, "lenient_types": lenient_types}
    out: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    if model_ref.kind != "offline":
        out[model_ref.label] = audit(
            calls_files,
            tools_files,
            model_backend,
            model=model_ref.to_dict(),
            examples=examples,
            without=without,
            **kw,
        )
    if examples is not None:
        rules = ModelRef(
            label=RULES_ONLY,
            kind="rules",
            note="the engine's rules with the offline teacher as backend",
        )
        out[RULES_ONLY] = audit(
            calls_files,
            tools_files,
            OfflineSimBackend(seed=seed),
            model=rules.to_dict(),
            examples=examples,
            without=without,
            **kw,
        )
        copy = ModelRef(
            label=RECORD_COPY,
            kind="copy",
            note="the nearest recorded output, arguments substituted",
        )
        out[RECORD_COPY] = audit(
            calls_files,
            tools_files,
            RecordCopy(examples, lenient_types=lenient_types, seed=seed),
            model=copy.to_dict(),
            examples=examples,
            **kw,
        )
    teacher = ModelRef(
        label=TEACHER, kind="offline", note="model-free baseline (offline teacher, declared spec)"
    )
    if (
        model_ref.kind == "offline"
    ):  # the model is the teacher: scored first, under its own reference
        teacher = model_ref
    out[TEACHER] = audit(
        calls_files, tools_files, OfflineSimBackend(seed=seed), model=teacher.to_dict(), **kw
    )
    if model_ref.kind == "offline":
        out = {TEACHER: out.pop(TEACHER), **out}
    return out
