"""Tool generation per (field, subfield) by the teacher LLM, validated
into ToolSpecs (paper §4.1)."""

from __future__ import annotations

from gtm_core.llm.base import ChatModel, OutputParseError, extract_json, prompt_request
from gtm_core.spec import Reject, SpecError, ToolSpec

PROMPTS = ("generate_tools",)


def generate_tools(
    pairs: list[tuple[str, str]], chat: ChatModel, *, n_per_subfield: int, progress: bool = False
) -> tuple[list[ToolSpec], list[Reject]]:
    """One prompt per (field, subfield), all sent as one batch; every answer's tools are validated.
    Returns (valid specs, rejects with the spec, field and reason)."""
    reqs = [
        prompt_request(
            "generate_tools", {"field": f, "subfield": s, "n": n_per_subfield, "existing": []}
        )
        for f, s in pairs
    ]
    outs = chat.generate(reqs, progress=progress)
    specs: list[ToolSpec] = []
    rejects: list[Reject] = []
    source = f"generated:{chat.name}"
    for (f, s), text in zip(pairs, outs, strict=True):
        try:
            tools = extract_json(text)
            tools = tools.get("tools") if isinstance(tools, dict) else tools
            if not isinstance(tools, list):
                raise OutputParseError("answer has no 'tools' list")
        except OutputParseError as e:
            rejects.append(Reject(source, f"<{f}/{s}>", "tools", str(e), text, stage="generate"))
            continue
        for raw in tools[:n_per_subfield]:
            try:
                specs.append(ToolSpec.parse(raw, source=source, field=f, subfield=s))
            except SpecError as e:
                rejects.append(Reject(source, e.spec, e.field, e.reason, raw, stage="generate"))
    return specs, rejects
