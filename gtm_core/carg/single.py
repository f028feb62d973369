"""Single-turn generation (paper §4.2.1): one prompt per tool asks the teacher for ``n`` examples
(context, arguments, output); a refinement prompt feeds the validator's reasons back."""

from __future__ import annotations

from typing import Any

from gtm_core.carg.records import Sample, sample_id
from gtm_core.llm.base import ChatRequest, OutputParseError, extract_json, prompt_request
from gtm_core.spec import ToolSpec

SINGLE, REFINE = "carg_single", "carg_refine"

SAMPLES_SCHEMA = {
    "type": "object",
    "properties": {
        "samples": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "context": {"type": "string"},
                    "arguments": {"type": "object"},
                    "output": {},
                },
                "required": ["context", "arguments", "output"],
            },
        }
    },
    "required": ["samples"],
}


def request(
    spec: ToolSpec,
    field: str,
    n: int,
    round_: int = 0,
    feedback: list[str] | None = None,
    seed: int | None = None,
) -> ChatRequest:
    """The generation prompt for a tool (``carg_refine`` with the
    failure reasons from round 1 on)."""
    payload: dict[str, Any] = {"tool": spec.to_public(), "field": field, "n": n}
    if round_ > 0:
        payload["feedback"] = list(dict.fromkeys(feedback or []))[:12] or [
            "earlier examples failed validation"
        ]
        payload["round"] = round_
    return prompt_request(
        REFINE if round_ > 0 else SINGLE, payload, response_schema=SAMPLES_SCHEMA, seed=seed
    )


def parse(
    text: str,
    spec: ToolSpec,
    *,
    field: str,
    field_key: str,
    n: int,
    round_: int,
    generation: str,
    teacher: str,
) -> list[Sample]:
    """The teacher's answer as ``n`` samples (slots it did not fill become rejected samples)."""
    base = dict(
        scenario="single",
        field_key=field_key,
        field=field,
        tool_uid=spec.uid,
        tool_name=spec.name,
        round=round_,
        generation=generation,
        teacher=teacher,
    )
    items: list[Any] = []
    problem = ""
    try:
        ans = extract_json(text)
        items = (
            ans.get("samples") if isinstance(ans, dict) else ans if isinstance(ans, list) else None
        )
        if not isinstance(items, list):
            problem, items = "answer has no 'samples' list", []
    except OutputParseError as e:
        problem = str(e)
    out = []
    for i in range(n):
        s = Sample(sample_id=sample_id("single", field_key, spec.uid, round_, i), idx=i, **base)
        it = items[i] if i < len(items) else None
        if not isinstance(it, dict):
            s.record("parse", [problem or f"answer has {len(items)} samples, expected {n}"])
        else:
            s.context = it.get("context") if isinstance(it.get("context"), str) else ""
            s.arguments, s.output = it.get("arguments"), it.get("output")
            s.record("parse", [])
        out.append(s)
    return out
