"""Paper Table 1 from per-sample verdicts: per scenario Format/Logic/Sem/Comp/(Cons)/All and
Det/Help/All, Avg = mean of the three All.

"All" is the share of samples passing every criterion that was *measured* for them; a metric no
sample was measured on (judged columns without a judge) is ``None`` and shown as ``n/m``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pandas as pd

from gtm_core.evaluation.metrics import (
    BY_KEY,
    LABELS,
    METRICS,
    SCENARIO_LABELS,
    SCENARIO_METRICS,
    SCENARIOS,
)
from gtm_core.llm.verdicts import Verdict
from gtm_core.spec import ToolSpec


def score_sample(
    spec: ToolSpec,
    scenario: str,
    arguments: Any,
    history: list[dict[str, Any]],
    output: Any,
    verdicts: dict[str, Verdict] | None = None,
) -> tuple[dict[str, bool | None], list[str]]:
    """Every Table-1 metric of one simulated output (None = not measured) and the
    reasons of failures. A deterministic metric re-checked by the judge passes
    only when both agree it passes."""
    wanted = SCENARIO_METRICS[scenario]
    det = {
        m: BY_KEY[m].check(spec, arguments, history, output)
        for m in wanted
        if BY_KEY[m].check is not None
    }
    verdicts = verdicts or {}
    values: dict[str, bool | None] = dict.fromkeys(METRICS)
    reasons: list[str] = []
    for m in wanted:
        v = verdicts.get(m)
        jv = v.passed if v is not None else None
        if m in det:
            ok = not det[m]
            reasons += [f"{m}: {r}" for r in det[m]]
            if jv is False:
                reasons.append(f"{m} (judge): {v.reason or 'rejected'}")
            values[m] = ok and jv is not False
        else:
            values[m] = jv
            if jv is False:
                reasons.append(f"{m} (judge): {v.reason or 'rejected'}")
    return values, reasons


def all_pass(scenario: str, values: dict[str, bool | None]) -> bool | None:
    """Passed every measured criterion of the scenario (None when nothing was measured)."""
    measured = [values.get(m) for m in SCENARIO_METRICS[scenario] if values.get(m) is not None]
    return None if not measured else all(measured)


def metric_table(results: pd.DataFrame, keys: Sequence[str] = ("model", "split")) -> pd.DataFrame:
    """Long table: one row per key × scenario × metric with value (percent or None), n, n_measured
    and, for "All", the criteria it covers. ``results`` has one row per sample with the metric
    columns, ``all_pass`` and ``scenario``."""
    rows = []
    for key, g in results.groupby(list(keys), sort=True, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        base = dict(zip(keys, key, strict=True))
        alls = []
        for scen in SCENARIOS:
            s = g[g["scenario"] == scen]
            measured_metrics = []
            for m in (*SCENARIO_METRICS[scen], "all"):
                col = "all_pass" if m == "all" else m
                vals = (
                    [bool(v) for v in s[col] if v is not None and not pd.isna(v)] if len(s) else []
                )
                value = 100.0 * sum(vals) / len(vals) if vals else None
                if m != "all" and vals:
                    measured_metrics.append(m)
                rows.append(
                    {
                        **base,
                        "scenario": scen,
                        "metric": m,
                        "value": value,
                        "n": int(len(s)),
                        "n_measured": len(vals),
                        "criteria": "+".join(measured_metrics) if m == "all" else m,
                    }
                )
                if m == "all":
                    alls.append(value)
        avg = sum(alls) / 3 if all(a is not None for a in alls) else None
        rows.append(
            {
                **base,
                "scenario": "all",
                "metric": "avg",
                "value": avg,
                "n": int(len(g)),
                "n_measured": int(sum(1 for a in alls if a is not None)),
                "criteria": "mean of the three All",
            }
        )
    return pd.DataFrame(
        rows, columns=[*keys, "scenario", "metric", "value", "n", "n_measured", "criteria"]
    )


def wide_table(long: pd.DataFrame, keys: Sequence[str] = ("model", "split")) -> pd.DataFrame:
    """Table 1's layout: one row per key, columns ``Single-turn Format`` … ``Error All``, ``Avg``;
    unmeasured cells ``n/m``."""
    cols: list[str] = []
    for scen in SCENARIOS:
        cols += [f"{SCENARIO_LABELS[scen]} {LABELS[m]}" for m in (*SCENARIO_METRICS[scen], "all")]
    out = []
    for key, g in long.groupby(list(keys), sort=False, dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        for r in g.to_dict("records"):
            name = (
                "Avg"
                if r["metric"] == "avg"
                else f"{SCENARIO_LABELS[r['scenario']]} {LABELS[r['metric']]}"
            )
            row[name] = (
                "n/m" if r["value"] is None or pd.isna(r["value"]) else round(float(r["value"]), 1)
            )
        out.append(row)
    return pd.DataFrame(out, columns=[*keys, *cols, "Avg"])


def markdown(long: pd.DataFrame, keys: Sequence[str] = ("model", "split")) -> str:
    """Table 1 as markdown, with a note on what "All" covers where
    judged columns were not measured."""
    wide = wide_table(long, keys)
    text = wide.to_markdown(index=False)
    partial = long[(long["metric"] == "all") & long["criteria"].ne("")]
    notes = sorted(
        {
            f"{SCENARIO_LABELS[r['scenario']]} All = {r['criteria']}"
            for r in partial.to_dict("records")
            if set(r["criteria"].split("+")) != set(SCENARIO_METRICS[r["scenario"]])
        }
    )
    if notes:
        text += "\n\nn/m = not measured (no judge configured). " + "; ".join(notes) + "."
    return text


def summary(long: pd.DataFrame) -> dict[str, float | None]:
    """Flat ``<scenario>_<metric>`` -> value (for MLflow metrics and comparisons)."""
    return {
        ("avg" if r["metric"] == "avg" else f"{r['scenario']}_{r['metric']}"): (
            None if r["value"] is None or pd.isna(r["value"]) else float(r["value"])
        )
        for r in long.to_dict("records")
    }


def reasons_json(reasons: list[str]) -> str:
    return json.dumps(reasons[:10], ensure_ascii=False)
