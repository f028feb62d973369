"""THE prompt contract: (tool spec, arguments, history) -> chat messages, and output rendering.

SFT export, training, evaluation and the simulator all go through these functions, so the model
sees at serving time exactly the format it was trained on.
"""

from __future__ import annotations

import json
import re
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


# Character budgets of the user turn: a real session can carry huge outputs (pages, files, charts);
# the prompt keeps the most recent history and clips long parts, so its length stays bounded.
# Prompt tokens are the cost of both training and serving a small model on a CPU.
TOOL_CHARS = 3000
CALL_CHARS = 8000  # arguments can be code (the CUDA validator); the call matters most
HISTORY_CHARS = 1500
HISTORY_ITEM_CHARS = 500
EXAMPLES_CHARS = (
    900  # recorded real calls of this tool or its nearest tools (``simulator.examples``)
)
EXAMPLE_ITEM_CHARS = 450


# the marker ``clip`` leaves, with or without its ellipsis and brackets
CLIP_MARKER = re.compile(r"…?\[?\d+ chars truncated\]?")


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters with a marker saying how much was left out."""
    return text if len(text) <= limit else f"{text[:limit]}…[{len(text) - limit} chars truncated]"


def call_line(item: dict[str, Any], limit: int) -> str:
    """A recorded call ``{"tool", "arguments", "output"}`` as one JSON line of at most about
    ``limit`` characters. Arguments and output are clipped each on its own: long arguments (a file's
    content, a page as a data URL) never push the output out of the line, and the output keeps at
    least half of the room. A line that fits is the item's JSON as it is."""
    text = _safe_json(item)
    if len(text) <= limit:
        return text
    args, out = _safe_json(item.get("arguments")), _safe_json(item.get("output"))
    head = f'{{"tool": {_safe_json(item.get("tool"))}, "arguments": '
    room = max(limit - len(head) - len(', "output": }'), 2)
    out_room = min(len(out), max(room // 2, room - len(args)))
    return f'{head}{_fit(args, room - out_room)}, "output": {_fit(out, out_room)}}}'


def _fit(text: str, limit: int) -> str:
    """``clip`` whose result, marker included, is at most ``limit`` characters (when ``limit``
    leaves room for the marker)."""
    return (
        text
        if len(text) <= limit
        else clip(text, max(limit - len(f"…[{len(text)} chars truncated]"), 0))
    )


def user_content(
    spec: ToolSpec,
    arguments: dict[str, Any],
    history: list[dict[str, Any]] | None = None,
    hint: str | None = None,
    examples: list[dict[str, Any]] | None = None,
) -> str:
    """The user turn: the tool (unified format), recorded real examples, the history of this
    session, then the call. ``examples`` are ``{"tool", "arguments", "output"}`` items of real calls
    (same tool or nearest tools); ``hint`` (RL runs of search-like tools) adds a ground-truth line
    the output should support. Long parts are clipped and only the most recent history that fits
    ``HISTORY_CHARS`` is kept."""
    parts = [f"TOOL: {clip(_safe_json(spec.to_public()), TOOL_CHARS)}"]
    used = 0
    for j, ex in enumerate(examples or []):
        line = f"EXAMPLE[{j}]: {call_line(ex, EXAMPLE_ITEM_CHARS)}"
        if used + len(line) > EXAMPLES_CHARS:
            break
        parts.append(line)
        used += len(line)
    lines: list[str] = []
    used = 0
    items = list(enumerate(history or []))
    for i, h in reversed(items):
        item = {"tool": h.get("tool"), "arguments": h.get("arguments"), "output": h.get("output")}
        line = f"HISTORY[{i}]: {call_line(item, HISTORY_ITEM_CHARS)}"
        if lines and used + len(line) > HISTORY_CHARS:
            break
        lines.append(line)
        used += len(line)
    if len(lines) < len(items):
        parts.append(f"HISTORY: {len(items) - len(lines)} earlier call(s) omitted")
    parts += reversed(lines)
    if hint:
        parts.append(f"HINT: {clip(_safe_json(hint), CALL_CHARS)}")
    parts.append(
        f"CALL: {clip(_safe_json({'tool': spec.name, 'arguments': arguments}), CALL_CHARS)}"
    )
    return "\n".join(parts)


def build_messages(
    spec: ToolSpec,
    arguments: dict[str, Any],
    history: list[dict[str, Any]] | None = None,
    hint: str | None = None,
    examples: list[dict[str, Any]] | None = None,
) -> list[dict[str, str]]:
    """System + user messages for one simulated call."""
    return [
        {"role": "system", "content": system_prompt()},
        {"role": "user", "content": user_content(spec, arguments, history, hint, examples)},
    ]


def render_output(output: Any) -> str:
    """The assistant turn's text for a tool output (JSON; strings stay JSON strings)."""
    return _safe_json(output)


def sft_example(
    spec: ToolSpec,
    arguments: dict[str, Any],
    output: Any,
    history: list[dict[str, Any]] | None = None,
    examples: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One chat-format training record (TRL SFTTrainer / LLaMA-Factory 'messages' format)."""
    return {
        "messages": build_messages(spec, arguments, history, examples=examples)
        + [{"role": "assistant", "content": render_output(output)}]
    }


def error_payload(type_: str, message: str, field: str | None) -> dict[str, Any]:
    """The canonical error output ``{"error": {"type", "message", "field"}}``."""
    return {"error": {"type": type_, "message": message, "field": field}}
