"""The LLM judge of simulated outputs: one rubric prompt per metric (``prompts/judge_<metric>.j2``),
batched through any ChatModel, seeded, and a verdict parser that survives prose, code fences,
``Score: 4/5``, ``PASS``/``FAIL`` and yes/no answers.

The judge scores Logic, Sem, Cons and Help, and re-checks Format, Comp and Det (their final value
is the deterministic check AND the judge). Without a configured judge nothing is judged: the
judged columns stay ``None`` (not measured), never guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gtm_core.llm.base import ChatModel, OutputParseError, extract_json, prompt_request

JUDGED = ("logic", "sem", "cons", "help")          # only the judge can measure these (Cons also deterministically)
RECHECKED = ("format", "comp", "det")              # deterministic, re-checked by the judge
SCENARIO_METRICS = {"single": ("format", "logic", "sem", "comp"),
                    "multi": ("format", "logic", "sem", "comp", "cons"),
                    "error": ("det", "help")}
VERDICT_SCHEMA = {"type": "object", "properties": {"ok": {"type": "boolean"}, "score": {"type": "integer", "minimum": 1, "maximum": 5},
                                                   "reason": {"type": "string"}}, "required": ["ok"]}
PASS_SHARE = 0.7  # a score passes when score / max >= this (4/5 passes, 3/5 does not)


@dataclass
class Verdict:
    """``passed`` None = the answer held no verdict (counted as unparsed, not as a fail)."""

    passed: bool | None
    score: float | None = None
    reason: str = ""


_TRUE = {"true", "yes", "y", "pass", "passed", "ok", "correct", "valid", "consistent", "1"}
_FALSE = {"false", "no", "n", "fail", "failed", "not ok", "incorrect", "invalid", "inconsistent", "0"}
_SCORE = re.compile(r"\b(?:score|rating|grade)\b\s*[:=]?\s*\**\s*(\d+(?:\.\d+)?)\s*(?:/\s*(\d+(?:\.\d+)?)|out of\s*(\d+))?", re.I)
_FRACTION = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*/\s*(5|10|100)\b")
_WORD = re.compile(r"\b(?:verdict|answer|result|decision|ok|passed?)\b\s*[:=]\s*\**\s*\"?([a-z]+(?: ok)?)", re.I)
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
    top = scale or (1.0 if 0 <= x <= 1 and isinstance(v, float) else 5.0 if x <= 5 else 10.0 if x <= 10 else 100.0)
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


def judge_metrics(scenario: str) -> tuple[str, ...]:
    """The metrics the judge is asked about for a scenario (judged + re-checked ones)."""
    return SCENARIO_METRICS[scenario]


@dataclass
class JudgeItem:
    """One simulated output to judge."""

    scenario: str
    tool: dict[str, Any]  # public spec
    arguments: Any
    output: Any
    history: list[dict[str, Any]]
    error_type: str = ""
    error_field: str = ""


def is_configured(chat: ChatModel | None) -> bool:
    """A judge that can judge: configured and not the offline teacher (which has no judgement)."""
    return chat is not None and getattr(chat, "name", "") != "offline"


def run_judge(chat: ChatModel | None, items: Sequence[JudgeItem], *, seed: int = 0,
              progress: bool = False) -> list[dict[str, Verdict]]:
    """Verdicts per item and metric; empty dicts when no judge is configured."""
    if not is_configured(chat):
        return [{} for _ in items]
    reqs, where = [], []
    for i, it in enumerate(items):
        for metric in judge_metrics(it.scenario):
            payload = {"tool": it.tool, "arguments": it.arguments, "output": it.output, "history": it.history,
                       "error_type": it.error_type, "error_field": it.error_field}
            reqs.append(prompt_request(f"judge_{metric}", payload, response_schema=VERDICT_SCHEMA,
                                       temperature=0.0, seed=seed))
            where.append((i, metric))
    answers = chat.generate(reqs, progress=progress) if reqs else []
    out: list[dict[str, Verdict]] = [{} for _ in items]
    for (i, metric), text in zip(where, answers, strict=True):
        out[i][metric] = parse_verdict(text)
    return out


def verdict_json(v: dict[str, Verdict]) -> str:
    return json.dumps({k: {"passed": x.passed, "score": x.score, "reason": x.reason[:200]} for k, x in v.items()})


def prompt_names() -> tuple[str, ...]:
    return tuple(f"judge_{m}" for m in (*JUDGED, *RECHECKED))
