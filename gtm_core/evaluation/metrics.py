"""The metrics of paper Table 1, in one table. Adding a metric is one ``Metric`` entry here and its
judge rubric ``prompts/judge_<key>.j2``; the table columns, the judge requests, the "All" criterion
and the ``eval_table`` code version all read this table.

Every metric is asked of the LLM judge. A metric with a deterministic ``check`` is measured without
a judge too; with one, it passes only when both agree (the judge *re-checks* it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from gtm_core.evaluation import checks
from gtm_core.spec import ToolSpec

# (spec, arguments, history, output) -> the reasons the output fails (empty: passes)
Check = Callable[[ToolSpec, Any, Sequence[dict[str, Any]], Any], list[str]]


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    scenarios: tuple[str, ...]
    check: Check | None = None  # deterministic check; None: measured by the judge only

    @property
    def prompt(self) -> str:
        return f"judge_{self.key}"


METRICS_TABLE: tuple[Metric, ...] = (
    Metric(
        "format",
        "Format",
        ("single", "multi"),
        lambda spec, args, hist, out: checks.check_format(spec, out),
    ),
    Metric("logic", "Logic", ("single", "multi")),
    Metric("sem", "Sem", ("single", "multi")),
    Metric(
        "comp",
        "Comp",
        ("single", "multi"),
        lambda spec, args, hist, out: checks.check_comp(spec, out),
    ),
    Metric(
        "cons", "Cons", ("multi",), lambda spec, args, hist, out: checks.check_cons(args, out, hist)
    ),
    Metric("det", "Det", ("error",), lambda spec, args, hist, out: checks.check_det(out)),
    Metric("help", "Help", ("error",)),
)
BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS_TABLE}
METRICS: tuple[str, ...] = tuple(BY_KEY)
SCENARIOS: tuple[str, ...] = ("single", "multi", "error")
SCENARIO_LABELS: dict[str, str] = {"single": "Single-turn", "multi": "Multi-turn", "error": "Error"}
# the metrics of each scenario, in table order
SCENARIO_METRICS: dict[str, tuple[str, ...]] = {
    s: tuple(m.key for m in METRICS_TABLE if s in m.scenarios) for s in SCENARIOS
}
LABELS: dict[str, str] = {**{m.key: m.label for m in METRICS_TABLE}, "all": "All"}
JUDGE_PROMPTS: tuple[str, ...] = tuple(m.prompt for m in METRICS_TABLE)
