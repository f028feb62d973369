"""The ChatModel interface shared by every LLM backend (teacher, judge, simulator engines)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from gtm_core import prompts


@dataclass(frozen=True)
class Restart:
    """A hook of the decode loop: once ``when(opening_text, head_prob)`` decides (True or False;
    None: not yet), True restarts the output from the prompt under ``response_schema``. Asked after
    each token from the ``HEAD_TOKENS``-th on, until it decides. Backends that cannot restart in
    place ignore it (the caller judges the whole text instead)."""

    when: Callable[[str, float], bool | None]
    response_schema: dict[str, Any]


@dataclass
class ChatRequest:
    """One prompt. ``task``/``payload`` say which template produced it and from what inputs, so a
    model can be structured-input aware (the offline teacher); ``response_schema`` asks for output
    constrained to a JSON Schema where the backend supports it."""

    messages: list[dict[str, str]]
    task: str | None = None
    payload: dict[str, Any] | None = None
    response_schema: dict[str, Any] | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    restart: Restart | None = None


@runtime_checkable
class ChatModel(Protocol):
    """Anything that turns a batch of chat requests into one completion text each."""

    name: str

    def generate(self, requests: Sequence[ChatRequest], *, progress: bool = False) -> list[str]: ...


def prompt_request(
    task: str, payload: dict[str, Any], *, response_schema: dict | None = None, **kw
) -> ChatRequest:
    """Render template ``task`` with ``payload`` into a ChatRequest (system + user messages)."""
    system, user = prompts.render(task, **payload)
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}
    ]
    return ChatRequest(
        messages=messages, task=task, payload=payload, response_schema=response_schema, **kw
    )


class ScoredText(str):
    """A generated text that also carries ``head_prob``: the probability the model gave its first
    few tokens under the output grammar (which branch it took: an error payload or a result), and
    ``restarted``: the decode restarted it (``ChatRequest.restart``); ``head_prob`` is then the
    restarted output's."""

    head_prob: float | None
    restarted: bool

    def __new__(
        cls, text: str, head_prob: float | None = None, restarted: bool = False
    ) -> ScoredText:
        obj = super().__new__(cls, text)
        obj.head_prob = head_prob
        obj.restarted = restarted
        return obj


class OutputParseError(ValueError):
    """The model's text held no JSON value where one was required."""


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def extract_json(text: str) -> Any:
    """Parse the first JSON value in ``text``: plain JSON, a fenced block, or JSON embedded in
    prose."""
    text = text.strip()
    try:
        return json.loads(text)
    except (json.JSONDecodeError, ValueError):
        pass
    for m in _FENCE.finditer(text):
        try:
            return json.loads(m.group(1).strip())
        except (json.JSONDecodeError, ValueError):
            continue
    dec = json.JSONDecoder()
    for i, ch in enumerate(text):
        if ch in "[{":
            try:
                return dec.raw_decode(text[i:])[0]
            except json.JSONDecodeError:
                continue
    raise OutputParseError(f"no JSON value found in model output: {text[:120]!r}")
