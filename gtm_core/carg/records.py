"""The CARG sample record and its flat DuckDB row form (one schema for every scenario)."""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd

SCENARIOS = ("single", "multi", "error")
SAMPLES_TABLE = "carg_samples"  # samples that passed every check
REJECTS_TABLE = "carg_rejects"  # samples that failed, with their reasons
PROGRESS_TABLE = "carg_progress"  # committed work units (resume bookkeeping)


def sample_id(
    scenario: str, field_key: str, tool_uid: str, round_: int, idx: int, extra: str = ""
) -> str:
    """Deterministic id of a work slot: the same slot always gets the same
    id, whatever was generated."""
    key = f"{scenario}|{field_key}|{tool_uid}|{round_}|{idx}|{extra}"
    return hashlib.sha1(key.encode()).hexdigest()[:20]


@dataclass
class Sample:
    """One generated (context, arguments, output[, history]) example with its validation record."""

    sample_id: str
    scenario: str
    field_key: str
    field: str
    tool_uid: str
    tool_name: str
    context: str = ""
    arguments: dict[str, Any] = field(default_factory=dict)
    output: Any = None
    history: list[dict[str, Any]] = field(default_factory=list)
    group_tools: list[str] = field(default_factory=list)
    coherence: float = float("nan")
    error_type: str = ""
    error_field: str = ""
    source_sample_id: str = ""
    round: int = 0
    idx: int = 0
    checks: dict[str, bool] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    generation: str = ""
    teacher: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(self.checks.values())

    def record(self, check: str, reasons: list[str]) -> bool:
        """Store one check's verdict (pass = no reasons) and its reasons
        prefixed by the check name."""
        self.checks[check] = not reasons
        self.reasons.extend(f"{check}: {r}" for r in reasons)
        return not reasons

    def to_row(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("arguments", "output", "history", "group_tools", "checks", "reasons"):
            d[k] = json.dumps(d[k], ensure_ascii=False, default=str)
        d["coherence"] = float(self.coherence)
        d["passed"] = self.passed
        return d

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Sample:
        kw = {k: row[k] for k in COLUMNS if k in row and k != "passed"}
        for k in ("arguments", "output", "history", "group_tools", "checks", "reasons"):
            kw[k] = json.loads(kw[k]) if isinstance(kw.get(k), str) else kw.get(k)
        c = kw.get("coherence")
        kw["coherence"] = (
            float("nan") if c is None or (isinstance(c, float) and math.isnan(c)) else float(c)
        )
        kw["round"], kw["idx"] = int(kw.get("round", 0)), int(kw.get("idx", 0))
        return cls(**kw)


COLUMNS = [
    "sample_id",
    "scenario",
    "field_key",
    "field",
    "tool_uid",
    "tool_name",
    "context",
    "arguments",
    "output",
    "history",
    "group_tools",
    "coherence",
    "error_type",
    "error_field",
    "source_sample_id",
    "round",
    "idx",
    "checks",
    "reasons",
    "generation",
    "teacher",
    "passed",
]
_DTYPES = {"coherence": "float64", "round": "int64", "idx": "int64", "passed": "bool"}
PROGRESS_COLUMNS = [
    "unit_id",
    "scenario",
    "field_key",
    "tool_uid",
    "round",
    "n",
    "n_pass",
    "generation",
]


def to_frame(samples: list[Sample]) -> pd.DataFrame:
    """Rows with a fixed column order and dtypes (so the first batch
    fixes a stable table schema)."""
    df = pd.DataFrame([s.to_row() for s in samples], columns=COLUMNS)
    for c in COLUMNS:
        df[c] = df[c].astype(_DTYPES.get(c, "string"))
    return df


def progress_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=PROGRESS_COLUMNS)
    for c in PROGRESS_COLUMNS:
        df[c] = df[c].astype("int64" if c in ("round", "n", "n_pass") else "string")
    return df


def from_frame(df: pd.DataFrame) -> list[Sample]:
    return [Sample.from_row(r) for r in df.to_dict("records")]
