"""The model stage: decode the calls no answer rule took, check each output, retry, conclude.

Each attempt decodes every call still open in one batch. A greedy error the ``error_confidence``
and ``error_grounds`` rules decline, and a result in the declared shape where the tool's records
show another, are decoded again as results in the same attempt; an output that fails its checks
(``output_check``) is retried under tighter bounds. A result that says nothing, and a call left
without a valid output after the retries, get the rules' answer (``rules_fallback``); a
``simulator_error`` only where the rules have no answer that fits either."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from gtm_core.chat_format import build_messages, error_payload
from gtm_core.llm.base import ChatRequest, ScoredText
from gtm_core.simulator.backends import (
    OfflineSimBackend,
    SimBackend,
    decoding_schema,
    result_schema,
)
from gtm_core.simulator.output_check import check_output, parsed
from gtm_core.simulator.request import ModelCall, declines
from gtm_core.simulator.response_format import (
    declared_fields,
    response_schema_for,
    validator_for,
)
from gtm_core.simulator.rules import RULES_FALLBACK
from gtm_core.simulator.silence import says_nothing
from gtm_core.spec import ToolSpec, canonical_json
from gtm_core.tool_errors import is_error_payload


class ModelStage:
    """Runs model calls through a backend (serialised unless the backend batches concurrent
    callers itself) and counts what happened in ``counters``."""

    def __init__(
        self, backend: SimBackend, counters: Counter[str], lock: threading.Lock, seed: int
    ):
        self.backend = backend
        self.counters, self._lock = counters, lock
        self._model_lock = threading.Lock()
        self._seed = seed
        self._rules: OfflineSimBackend | None = None  # the offline teacher, for ``rules_fallback``

    def _count(self, **n: int) -> None:
        with self._lock:
            for k, v in n.items():
                if v:
                    self.counters[k] += v

    def warmup(self, specs: list[ToolSpec], allow_errors: bool, progress: bool = False) -> int:
        """Prepare the backend for every tool (constrained-decoding grammars compiled once, ahead
        of traffic); returns how many schemas were prepared (0 when the backend needs none)."""
        pre = getattr(self.backend, "precompile", None)
        if pre is None:
            return 0
        decoded = [decoding_schema(response_schema_for(s, None), allow_errors) for s in specs]
        return pre(list({canonical_json(d): d for d in decoded}.values()), progress=progress)

    def warm_prefixes(self, specs: list[ToolSpec], progress: bool = False) -> int:
        """Let the backend precompute the prompt prefix (system turn + tool line) of every tool,
        as far as its prefix cache holds them; returns how many (0 when the backend keeps none)."""
        warm = getattr(self.backend, "warm_prefixes", None)
        if warm is None:
            return 0
        msgs = [build_messages(s, {}, []) for s in specs]
        return warm([ChatRequest(messages=m, task="simulate") for m in msgs], progress=progress)

    def generate(self, reqs: list, attempt: int) -> list[str]:
        if getattr(self.backend, "concurrent", False):  # continuous batching merges threads
            texts = self.backend.generate(reqs, attempt=attempt)
        else:
            with self._model_lock:
                texts = self.backend.generate(reqs, attempt=attempt)
        self._count(model_calls=len(reqs), model_batches=1)
        return texts

    def run(self, calls: Sequence[ModelCall], max_retries: int) -> None:
        """Decode ``calls`` until each has a valid output or ``max_retries`` retries are spent
        (``ModelCall.output`` / ``reason`` / ``attempts`` / ``head_prob`` are set)."""
        strict = bool(getattr(self.backend, "constrains", False))
        left = list(calls)
        for attempt in range(max_retries + 1):
            if not left:
                break
            texts = self._decode(left, attempt)
            still = []
            for m, text in zip(left, texts, strict=True):
                m.attempts = attempt + 1
                spec = m.pending.spec
                ok, value, reason = check_output(
                    text, spec, allow_errors=m.allow_errors, strict_json=strict, schema=m.schema
                )
                if ok:
                    m.output, m.head_prob = value, getattr(text, "head_prob", None)
                    m.done = True
                else:
                    m.reason = reason
                    still.append(m)
            self._count(retries=len(still))
            left = still

    def _decode(self, calls: list[ModelCall], attempt: int) -> list[str]:
        """One attempt's texts; declined errors and misshapen results decoded again as results."""
        texts = self.generate([m.request for m in calls], attempt)
        restarted = sum(bool(getattr(t, "restarted", False)) for t in texts)
        declined, reshaped, unwrapped = [], [], 0
        for n, (m, text) in enumerate(zip(calls, texts, strict=True)):
            if not m.allow_errors:
                continue
            value = parsed(text)
            if is_error_payload(value):
                if declines(m.floor, getattr(text, "head_prob", None)):
                    declined.append(n)
            elif m.first is not m.schema and value is not None:
                fixed = _unwrapped(value, m.schema)
                if fixed is None:
                    reshaped.append(n)
                elif fixed is not value:
                    p = getattr(text, "head_prob", None)
                    texts[n] = ScoredText(json.dumps(fixed, ensure_ascii=False), p)
                    unwrapped += 1
        redo = declined + reshaped
        for n in redo:
            calls[n].result_only()
        self._count(
            errors_declined=len(declined) + restarted, results_reshaped=len(reshaped) + unwrapped
        )
        if redo:
            again = self.generate([calls[n].request for n in redo], attempt)
            for n, text in zip(redo, again, strict=True):
                texts[n] = text
        return texts

    def conclude(self, m: ModelCall, without: frozenset[str]) -> tuple[Any, str]:
        """The call's answer and its source: the model's output, the rules' answer where the
        model's result says nothing or no attempt gave a valid output, else a
        ``simulator_error``."""
        fallback = RULES_FALLBACK.on(without) and self.backend.name != "offline"
        if not m.done:
            answer = self._rules_answer(m) if fallback else None
            if answer is not None:
                return answer, "rules"
            msg = f"The simulator produced no valid output after {m.attempts} attempts: {m.reason}"
            return error_payload("simulator_error", msg, None), "error"
        call, spec = m.pending.call, m.pending.spec
        if (
            fallback
            and not is_error_payload(m.output)
            and says_nothing(m.output, spec.name, call.arguments, declared_fields(m.schema))
        ):
            answer = self._rules_answer(m)
            if answer is not None:
                return answer, "rules"
        return m.output, "model"

    def _rules_answer(self, m: ModelCall) -> Any:
        """The offline teacher's result for ``m`` under its result schema (None when it does not
        fit): what the rules answer where the model said nothing."""
        if self._rules is None:
            self._rules = OfflineSimBackend(seed=self._seed)
        req = replace(m.request, response_schema=result_schema(m.schema))
        text = self._rules.generate([req])[0]
        ok, value, _ = check_output(
            text, m.pending.spec, allow_errors=False, strict_json=False, schema=m.schema
        )
        return value if ok else None


def _unwrapped(value: Any, schema: dict) -> Any:
    """A result in the declared shape where the tool's records show another: ``value`` itself
    when it fits ``schema``, its one field when that fits (``{"result": 33.0}`` -> ``33.0``), else
    None (decode it again)."""
    check = validator_for(schema)
    if check.is_valid(value):
        return value
    inner = next(iter(value.values())) if isinstance(value, dict) and len(value) == 1 else None
    return inner if inner is not None and check.is_valid(inner) else None
