"""The LLM judge of simulated outputs: one rubric prompt per metric (``prompts/judge_<metric>.j2``),
batched through any ChatModel, seeded; answers are read by ``llm.verdicts.parse_verdict``.

The judge is asked every metric of ``evaluation.metrics`` that a scenario has; for a metric with a
deterministic check its final value is the check AND the judge. Without a configured judge nothing
is judged: the judge-only columns stay ``None`` (not measured), never guessed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gtm_core.evaluation.metrics import BY_KEY, SCENARIO_METRICS
from gtm_core.llm.base import ChatModel, prompt_request
from gtm_core.llm.verdicts import VERDICT_SCHEMA, Verdict, parse_verdict


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


def run_judge(
    chat: ChatModel | None, items: Sequence[JudgeItem], *, seed: int = 0, progress: bool = False
) -> list[dict[str, Verdict]]:
    """Verdicts per item and metric; empty dicts when no judge is configured."""
    if not is_configured(chat):
        return [{} for _ in items]
    reqs, where = [], []
    for i, it in enumerate(items):
        for metric in SCENARIO_METRICS[it.scenario]:
            payload = {
                "tool": it.tool,
                "arguments": it.arguments,
                "output": it.output,
                "history": it.history,
                "error_type": it.error_type,
                "error_field": it.error_field,
            }
            reqs.append(
                prompt_request(
                    BY_KEY[metric].prompt,
                    payload,
                    response_schema=VERDICT_SCHEMA,
                    temperature=0.0,
                    seed=seed,
                )
            )
            where.append((i, metric))
    answers = chat.generate(reqs, progress=progress) if reqs else []
    out: list[dict[str, Verdict]] = [{} for _ in items]
    for (i, metric), text in zip(where, answers, strict=True):
        out[i][metric] = parse_verdict(text)
    return out


def verdict_json(v: dict[str, Verdict]) -> str:
    return json.dumps(
        {k: {"passed": x.passed, "score": x.score, "reason": x.reason[:200]} for k, x in v.items()}
    )
