"""The ChatModel interface shared by every LLM backend (teacher, judge, simulator engines)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from gtm_core import prompts


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
    # an error payload whose opening tokens got less than this probability is declined and a result
    # decoded instead under ``result_schema``; a backend that reports head probabilities may do it in
    # place (the decode loop), the others leave it to the engine (a second request)
    decline_error_below: float | None = None
    result_schema: dict[str, Any] | None = None


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
    ``declined``: the backend declined a low-confidence error and decoded this result instead
    (``ChatRequest.decline_error_below``)."""

    head_prob: float | None
    declined: bool

    def __new__(
        cls, text: str, head_prob: float | None = None, declined: bool = False
    ) -> ScoredText:
        obj = super().__new__(cls, text)
        obj.head_prob = head_prob
        obj.declined = declined
        return obj


class OutputParseError(ValueError):
    """The model's text held no JSON value where one was required."""


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def extract_json(text: str) -> Any:
    """Parse the first JSON value in ``text``: plain JSON, a fenced block, or JSON embedded in prose."""
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
