"""THE prompt contract: (tool spec, arguments, history) -> chat messages, and output rendering.

SFT export, training, evaluation and the simulator all go through these functions, so the model
sees at serving time exactly the format it was trained on.
"""

from __future__ import annotations

import json
from typing import Any

from gtm_core import prompts
from gtm_core.spec import ToolSpec

SYSTEM_TEMPLATE = "simulator_system"


def _safe_json(obj: Any) -> str:
    """JSON whose text cannot close a chat-template turn: ``<|`` / ``|>`` are \\u-escaped, which
    decodes back to the same strings."""
    s = json.dumps(obj, ensure_ascii=False, sort_keys=False, default=str)
    return s.replace("<|", "<\\u007c").replace("|>", "\\u007c>")


def system_prompt() -> str:
    return prompts.render(SYSTEM_TEMPLATE)[1]


def user_content(spec: ToolSpec, arguments: dict[str, Any], history: list[dict[str, Any]] | None = None,
                 hint: str | None = None) -> str:
    """The user turn: the tool (unified format), the history of this session, then the call.
    ``hint`` (RL runs of search-like tools) adds a ground-truth line the output should support."""
    parts = [f"TOOL: {_safe_json(spec.to_public())}"]
    for i, h in enumerate(history or []):
        parts.append(f"HISTORY[{i}]: {_safe_json({'tool': h.get('tool'), 'arguments': h.get('arguments'), 'output': h.get('output')})}")
    if hint:
        parts.append(f"HINT: {_safe_json(hint)}")
    parts.append(f"CALL: {_safe_json({'tool': spec.name, 'arguments': arguments})}")
    return "\n".join(parts)


def build_messages(spec: ToolSpec, arguments: dict[str, Any], history: list[dict[str, Any]] | None = None,
                   hint: str | None = None) -> list[dict[str, str]]:
    """System + user messages for one simulated call."""
    return [{"role": "system", "content": system_prompt()},
            {"role": "user", "content": user_content(spec, arguments, history, hint)}]


def render_output(output: Any) -> str:
    """The assistant turn's text for a tool output (JSON; strings stay JSON strings)."""
    return _safe_json(output)


def sft_example(spec: ToolSpec, arguments: dict[str, Any], output: Any,
                history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One chat-format training record (TRL SFTTrainer / LLaMA-Factory 'messages' format)."""
    return {"messages": build_messages(spec, arguments, history)
            + [{"role": "assistant", "content": render_output(output)}]}


def error_payload(type_: str, message: str, field: str | None) -> dict[str, Any]:
    """The canonical error output ``{"error": {"type", "message", "field"}}``."""
    return {"error": {"type": type_, "message": message, "field": field}}
