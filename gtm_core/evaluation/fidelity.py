"""Fidelity on held-out real traces: the audit of one model on the held-out part of the real-trace
split as table rows (overall and per file), their markdown, and the promotion verdict that puts
fidelity beside Table 1 (the candidate's held-out error agreement must reach the offline teacher's
and not fall below the champion's)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from gtm_core.evaluation.real_traces import FIDELITY

COLUMNS = ["role", "model", "kind", "uri", "version", "part", "n_calls", *FIDELITY, "real_errors", "sim_errors"]


def model_key(ref: dict[str, Any]) -> str:
    """Identity of a scored model across assets: its kind and version (else its URI)."""
    return f"{ref.get('kind')}|{ref.get('version') or ref.get('uri') or ''}"


def fidelity_rows(role: str, report: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows of the ``fidelity`` table for one audit report: ``overall`` then each file."""
    m = report["model"]
    base = {"role": role, "model": m.get("label"), "kind": m.get("kind"), "uri": m.get("uri") or "",
            "version": m.get("version") or ""}
    parts = [("overall", report), *report["per_file"].items()]
    return [{**base, "part": p, **{k: fig.get(k) for k in ("n_calls", *FIDELITY, "real_errors", "sim_errors")}}
            for p, fig in parts]


def report_json(role: str, report: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """One row of the ``fidelity_reports`` table: the full report and its per-call rows as JSON."""
    return {"role": role, "model_key": model_key(report["model"]), "report": json.dumps(report, default=str),
            "calls": json.dumps(rows, default=str)}


def markdown(fid: pd.DataFrame) -> str:
    """The held-out real-trace table (one row per model, overall), the headline of the eval table."""
    if fid.empty:
        return "_Held-out real traces: not measured (no real_traces held-out calls)._"
    o = fid[fid["part"] == "overall"]
    head = "| model | role | held-out calls | Error agr. | Schema agr. | Value agr. | Text F1 |\n|---|---|---|---|---|---|---|"

    def f(v: Any) -> str:
        return "n/m" if v is None or pd.isna(v) else f"{100 * float(v):.1f}"

    lines = [f"| {r['model']} | {r['role']} | {int(r['n_calls'])} | {f(r['error_agreement'])} | {f(r['schema_agreement'])} | "
             f"{f(r['value_agreement'])} | {f(r['text_f1'])} |" for r in o.to_dict("records")]
    return ("**Fidelity on held-out real traces** (share of calls, %; error agreement: real error <-> simulated "
            "error; schema: same keys and JSON types; value: scalar fields reproduced; text F1: plain-text outputs)\n\n"
            + "\n".join([head, *lines]))


def overall(fid: pd.DataFrame, role: str, metric: str = "error_agreement") -> float | None:
    rows = fid[(fid["role"] == role) & (fid["part"] == "overall")] if len(fid) else fid
    if not len(rows) or pd.isna(rows[metric].iloc[0]):
        return None
    return float(rows[metric].iloc[0])


def fidelity_verdict(fid: pd.DataFrame, tolerance: float = 0.0) -> tuple[bool, dict[str, Any]]:
    """Passes when the candidate's held-out error agreement is >= the offline teacher's and >= the
    champion's (each minus ``tolerance``, a share); passes with a note when nothing was measured."""
    cand = overall(fid, "candidate")
    if cand is None:
        return True, {"fidelity": "not measured (no held-out real traces)"}
    meta: dict[str, Any] = {"candidate_heldout_error_agreement": cand, "fidelity_tolerance": tolerance}
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
                f"held-out error agreement {cand:.3f} < {role} {other:.3f}")
    return passed, meta
