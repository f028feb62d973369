"""Judge verdicts: the JSON schema a judge is asked to answer in and a parser that survives prose,
code fences, ``Score: 4/5``, ``PASS``/``FAIL`` and yes/no answers. A low module: CARG's validators
and the evaluation judge both read verdicts through it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gtm_core.llm.base import OutputParseError, extract_json

VERDICT_SCHEMA = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean"},
        "score": {"type": "integer", "minimum": 1, "maximum": 5},
        "reason": {"type": "string"},
    },
    "required": ["ok"],
}
PASS_SHARE = 0.7  # a score passes when score / max >= this (4/5 passes, 3/5 does not)


@dataclass
class Verdict:
    """``passed`` None = the answer held no verdict (counted as unparsed, not as a fail)."""

    passed: bool | None
    score: float | None = None
    reason: str = ""


_TRUE = {"true", "yes", "y", "pass", "passed", "ok", "correct", "valid", "consistent", "1"}
_FALSE = {
    "false",
    "no",
    "n",
    "fail",
    "failed",
    "not ok",
    "incorrect",
    "invalid",
    "inconsistent",
    "0",
}
_SCORE = re.compile(
    r"\b(?:score|rating|grade)\b\s*[:=]?\s*\**\s*(\d+(?:\.\d+)?)"
    r"\s*(?:/\s*(\d+(?:\.\d+)?)|out of\s*(\d+))?",
    re.I,
)
_FRACTION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*/\s*(5|10|100)\b")
_WORD = re.compile(
    r"\b(?:verdict|answer|result|decision|ok|passed?)\b\s*[:=]\s*\**\s*\"?([a-z]+(?: ok)?)", re.I
)
_LEAD = re.compile(r"^\W*(yes|no|pass|fail|true|false|correct|incorrect)\b", re.I)


def _bool(v: Any) -> bool | None:
    if isinstance(v, bool):
        return v
    if isinstance(v, int | float):
        return bool(v)
    if isinstance(v, str):
        s = v.strip().lower().strip(".!\"'")
        return True if s in _TRUE else False if s in _FALSE else None
    return None


def _score(v: Any, scale: float | None = None) -> float | None:
    """A score normalised to 0..1 (scale: 5 unless the value says otherwise)."""
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    top = scale or (
        1.0
        if 0 <= x <= 1 and isinstance(v, float)
        else 5.0
        if x <= 5
        else 10.0
        if x <= 10
        else 100.0
    )
    return max(0.0, min(1.0, x / top))


def parse_verdict(text: str) -> Verdict:
    """A judge answer -> Verdict. JSON (``ok``/``pass``/``verdict``/``score``, also fenced or inside
    prose) first, then ``Score: 4/5`` / ``8/10``, ``Verdict: PASS``, a leading yes/no."""
    text = (text or "").strip()
    try:
        v = extract_json(text)
    except OutputParseError:
        v = None
    if isinstance(v, dict):
        low = {str(k).lower(): x for k, x in v.items()}
        reason = str(low.get("reason") or low.get("explanation") or low.get("rationale") or "")
        sc = None
        for k in ("score", "rating", "grade"):
            if k in low:
                sc = _score(low[k], _score_scale(low))
                break
        for k in ("ok", "pass", "passed", "verdict", "valid", "correct", "answer", "result"):
            if k in low and _bool(low[k]) is not None:
                return Verdict(_bool(low[k]), sc, reason)
        if sc is not None:
            return Verdict(sc >= PASS_SHARE, sc, reason)
    elif isinstance(v, bool):
        return Verdict(v)
    m = _SCORE.search(text)
    if m:
        top = m.group(2) or m.group(3)
        sc = _score(m.group(1), float(top) if top else None)
        if sc is not None:
            w = _WORD.search(text)
            b = _bool(w.group(1)) if w else None
            return Verdict(b if b is not None else sc >= PASS_SHARE, sc, text[:200])
    w = _WORD.search(text)
    if w and _bool(w.group(1)) is not None:
        return Verdict(_bool(w.group(1)), None, text[:200])
    m = _FRACTION.search(text)
    if m:
        sc = _score(m.group(1), float(m.group(2)))
        return Verdict(sc >= PASS_SHARE, sc, text[:200])
    m = _LEAD.match(text)
    if m:
        return Verdict(_bool(m.group(1)), None, text[:200])
    return Verdict(None, None, f"no verdict in judge answer: {text[:80]!r}")


def _score_scale(d: dict[str, Any]) -> float | None:
    for k in ("max_score", "scale", "out_of", "max"):
        try:
            return float(d[k])
        except (KeyError, TypeError, ValueError):
            continue
    return None
