"""Fidelity on held-out real traces: the audits of each model and baseline on the two held-out parts
of the real-trace split (``heldout``: calls of tools and episodes of the seen sources;
``unseen_source``: the source held out whole) as table rows (overall and per file), their markdown,
and the promotion verdict that puts fidelity beside Table 1."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from gtm_core.evaluation.real_traces import FIDELITY

COLUMNS = [
    "role",
    "model",
    "kind",
    "uri",
    "version",
    "split",
    "part",
    "n_calls",
    *FIDELITY,
    "real_errors",
    "sim_errors",
]
REPORT_COLUMNS = ["role", "model_key", "split", "report", "calls"]
SPLITS = {"heldout": "held-out calls", "unseen_source": "unseen source"}
# on the unseen source the candidate must beat what needs no model: rules-only on schema agreement,
# record copy on value agreement and text F1; and it must answer (no-answer rate at most this share)
MAX_NO_ANSWER_RATE = 0.02
UNSEEN_BARS = (
    ("schema_agreement", "rules-only"),
    ("value_agreement", "record-copy"),
    ("text_f1", "record-copy"),
)


# what the fidelity-against-training-tokens curve draws: the candidate's figures on a part, and the
# bar each must clear on the unseen source (``UNSEEN_BARS``)
BUDGET_METRICS = ("error_agreement", "schema_agreement", "value_agreement", "text_f1")


def budget_curve(
    runs: list[dict[str, float]], part: str, bars: dict[str, float] | None = None
) -> dict[str, list[tuple[float, float]]]:
    """Fidelity on ``part`` against training tokens, one series per metric of ``BUDGET_METRICS``
    (points sorted by tokens), from training runs' metrics (``train_tokens`` and
    ``eval_<part>_<metric>``, as ``eval_table`` logs them); ``bars`` (name -> value, e.g. rules-only
    schema agreement) become flat series across the tokens seen."""
    series: dict[str, list[tuple[float, float]]] = {}
    for m in BUDGET_METRICS:
        pts = sorted(
            (r["train_tokens"], r[f"eval_{part}_{m}"])
            for r in runs
            if "train_tokens" in r and f"eval_{part}_{m}" in r
        )
        if pts:
            series[f"model {m}"] = pts
    xs = [x for pts in series.values() for x, _ in pts]
    if xs:
        for name, v in (bars or {}).items():
            series[name] = [(min(xs), v), (max(xs), v)]
    return series


def model_key(ref: dict[str, Any]) -> str:
    """Identity of a scored model across assets: its kind and version (else its URI)."""
    return f"{ref.get('kind')}|{ref.get('version') or ref.get('uri') or ''}"


def fidelity_rows(
    role: str, report: dict[str, Any], split: str = "heldout"
) -> list[dict[str, Any]]:
    """Rows of the ``fidelity`` table for one audit report: ``overall`` then each file."""
    m = report["model"]
    base = {
        "role": role,
        "model": m.get("label"),
        "kind": m.get("kind"),
        "uri": m.get("uri") or "",
        "version": m.get("version") or "",
        "split": split,
    }
    parts = [("overall", report), *report["per_file"].items()]
    return [
        {
            **base,
            "part": p,
            **{k: fig.get(k) for k in ("n_calls", *FIDELITY, "real_errors", "sim_errors")},
        }
        for p, fig in parts
    ]


def report_json(
    role: str, report: dict[str, Any], rows: list[dict[str, Any]], split: str = "heldout"
) -> dict[str, Any]:
    """One row of the ``fidelity_reports`` table: the full report and its per-call rows as JSON."""
    return {
        "role": role,
        "model_key": model_key(report["model"]),
        "split": split,
        "report": json.dumps(report, default=str),
        "calls": json.dumps(rows, default=str),
    }


def markdown(fid: pd.DataFrame) -> str:
    """The held-out real-trace table (one row per model, overall), the
    headline of the eval table."""
    if fid.empty:
        return "_Held-out real traces: not measured (no real_traces held-out calls)._"
    o = fid[fid["part"] == "overall"]
    head = (
        "| split | model | role | calls | Error agr. | Schema agr. "
        "| Value agr. | Text F1 | No answer |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )

    def f(v: Any) -> str:
        return "n/m" if v is None or pd.isna(v) else f"{100 * float(v):.1f}"

    lines = [
        f"| {SPLITS.get(r['split'], r['split'])} | {r['model']} | {r['role']} "
        f"| {int(r['n_calls'])} | {f(r['error_agreement'])} | {f(r['schema_agreement'])} "
        f"| {f(r['value_agreement'])} | {f(r['text_f1'])} | {f(r['no_answer_rate'])} |"
        for r in o.to_dict("records")
    ]
    return (
        "**Fidelity on held-out real traces** (share of calls, %; held-out calls: tools and "
        "episodes of the trained sources; unseen source: a source nothing trained on; error "
        "agreement: real error <-> simulated error; schema: same keys and JSON types; value: "
        "scalar fields reproduced; text F1: plain-text outputs; no answer: empty, a bracket, the "
        "tool's name or an echoed argument)\n\n" + "\n".join([head, *lines])
    )


def overall(
    fid: pd.DataFrame, role: str, metric: str = "error_agreement", split: str = "heldout"
) -> float | None:
    """One role's overall figure on one split (None when not measured)."""
    if len(fid) and "split" not in fid.columns:
        fid = fid.assign(split="heldout")
    rows = (
        fid[(fid["role"] == role) & (fid["part"] == "overall") & (fid["split"] == split)]
        if len(fid)
        else fid
    )
    if not len(rows) or pd.isna(rows[metric].iloc[0]):
        return None
    return float(rows[metric].iloc[0])


def fidelity_verdict(fid: pd.DataFrame, tolerance: float = 0.0) -> tuple[bool, dict[str, Any]]:
    """Passes when the candidate's held-out error agreement is >= the offline teacher's and >= the
    champion's (each minus ``tolerance``, a share) and, where an unseen source was scored, the
    candidate beats the baselines there (``unseen_verdict``); passes with a note when nothing was
    measured."""
    cand = overall(fid, "candidate")
    if cand is None:
        return True, {"fidelity": "not measured (no held-out real traces)"}
    meta: dict[str, Any] = {
        "candidate_heldout_error_agreement": cand,
        "fidelity_tolerance": tolerance,
    }
    passed = True
    for role in ("offline", "champion"):
        other = overall(fid, role)
        if other is None:
            meta[f"{role}_heldout_error_agreement"] = "none"
            continue
        meta[f"{role}_heldout_error_agreement"] = other
        if cand < other - tolerance:
            passed = False
            meta.setdefault("fidelity_reasons", []).append(
                f"held-out error agreement {cand:.3f} < {role} {other:.3f}"
            )
    ok, reasons, figures = unseen_verdict(fid, tolerance)
    meta.update(figures)
    if not ok:
        passed = False
        meta.setdefault("fidelity_reasons", []).extend(reasons)
    return passed, meta


def unseen_verdict(
    fid: pd.DataFrame, tolerance: float = 0.0
) -> tuple[bool, list[str], dict[str, Any]]:
    """On the unseen source: the candidate's schema agreement >= rules-only's, its value agreement
    and text F1 >= record copy's, its error agreement >= the teacher's (each minus ``tolerance``),
    and its no-answer rate <= ``MAX_NO_ANSWER_RATE``. (passed, reasons, figures); passes when the
    unseen source or a baseline was not scored."""
    split = "unseen_source"
    cand_err = overall(fid, "candidate", "error_agreement", split)
    if cand_err is None:
        return True, [], {}
    figures: dict[str, Any] = {"unseen_error_agreement": cand_err}
    reasons = []
    for metric, role in (*UNSEEN_BARS, ("error_agreement", "offline")):
        mine, theirs = overall(fid, "candidate", metric, split), overall(fid, role, metric, split)
        figures[f"unseen_{metric}"] = mine
        figures[f"unseen_{role}_{metric}"] = theirs
        if mine is not None and theirs is not None and mine < theirs - tolerance:
            reasons.append(f"unseen-source {metric} {mine:.3f} < {role} {theirs:.3f}")
    silent = overall(fid, "candidate", "no_answer_rate", split)
    figures["unseen_no_answer_rate"] = silent
    if silent is not None and silent > MAX_NO_ANSWER_RATE:
        reasons.append(f"unseen-source no-answer rate {silent:.3f} > {MAX_NO_ANSWER_RATE}")
    return not reasons, reasons, figures
