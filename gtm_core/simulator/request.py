"""The model request of a call no answer rule took: prompt, response format and error policy.

``model_call`` applies the ``request`` rules (examples, recorded and conversation shape, declared
form, error grounds and confidence) once and keeps everything the decode and the checks need on one
object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from gtm_core.chat_format import build_messages
from gtm_core.llm.base import ChatRequest, Restart
from gtm_core.simulator.backends import ERROR_OPENING, decoding_schema, result_schema
from gtm_core.simulator.response_format import decision_schema, response_schema_for
from gtm_core.simulator.rules import (
    CONVERSATION_SHAPE,
    DECLARED_FORM,
    ERROR_CONFIDENCE,
    ERROR_GROUNDS,
    EXAMPLES,
    RECORDED_SHAPE,
    Pending,
    error_grounded,
)

if TYPE_CHECKING:
    from gtm_core.simulator.engine import Simulator


@dataclass
class ModelCall:
    """One call on its way through the model: its request and, once decoded, its answer."""

    pending: Pending
    request: ChatRequest
    schema: dict  # the result's schema (the tool's records may reshape the declared one)
    first: dict  # the schema of the first decode: ``schema`` plus the error branch when allowed
    floor: float | None  # the probability a model-written error needs (inf: none stands)
    allow_errors: bool
    output: Any = None
    done: bool = False  # ``output`` is a valid answer
    reason: str = ""  # why the last attempt's output was refused
    attempts: int = 0
    head_prob: float | None = None

    def result_only(self) -> None:
        """Decode a result from now on: the error branch is closed."""
        self.allow_errors = False
        self.request = replace(self.request, response_schema=result_schema(self.schema))


def declines(floor: float | None, head_prob: float | None) -> bool:
    """The one decline rule: an error whose opening had probability ``head_prob`` is declined
    under ``floor`` (no probability reported: declined only when no error stands)."""
    if floor is None:
        return False
    return head_prob < floor if head_prob is not None else floor == math.inf


def error_restart(floor: float, schema: dict) -> Restart:
    """The decode loop's hook for ``declines``: once the output's opening shows whether it is an
    error payload, a declined error restarts from the prompt as a result under ``schema``."""

    def when(text: str, head_prob: float) -> bool | None:
        if text.startswith(ERROR_OPENING):
            return declines(floor, head_prob)
        return None if ERROR_OPENING.startswith(text) else False

    return Restart(when, result_schema(schema))


def model_call(p: Pending, sim: Simulator) -> ModelCall:
    """The model request of ``p`` under the simulator's rules and options."""
    call, spec, sess, off = p.call, p.spec, p.session, sim.config.without
    opts = call.options
    hist = list(sess.history) if sess is not None else list(call.history or [])
    found = call.examples
    if found is None and sim.examples is not None:
        found = sim.examples.for_tool(spec, exclude_episode=call.episode)
    shots = found if EXAMPLES.on(off) else None
    form = None
    if sim.examples is not None and DECLARED_FORM.on(off):
        form = sim.examples.declared_form(spec)
    # as real tools answer: the tool's recorded results, and its earlier results in this
    # conversation, decide the shape
    shown = found if RECORDED_SHAPE.on(off) else None
    earlier = alike(call.arguments, hist) if CONVERSATION_SHAPE.on(off) else None
    schema = response_schema_for(spec, shown, form, earlier)
    first = decision_schema(spec, schema) if opts.allow_errors else schema
    floor = _error_floor(p, sim, hist, shots)
    declared = response_schema_for(spec, None)
    payload = {"spec": spec.to_public(), "arguments": call.arguments, "history": hist}
    payload["hint"] = opts.hint
    if schema != declared:  # the result format the records reshaped (a model-free backend reads it)
        payload["format"] = schema
    req = ChatRequest(
        messages=build_messages(spec, call.arguments, hist, opts.hint, shots or None),
        task="simulate",
        payload=payload,
        response_schema=decoding_schema(first, opts.allow_errors),
        temperature=opts.temperature if opts.temperature is not None else 0.0,
        max_tokens=opts.max_tokens or sim.config.max_tokens,
        seed=p.seed,
        # the decode loop declines a low-confidence error itself (no second request)
        restart=None if floor is None else error_restart(floor, schema),
    )
    return ModelCall(p, req, schema, first, floor, opts.allow_errors)


def alike(arguments: Any, history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The calls of ``history`` that passed the same parameters as ``arguments`` (the same kind of
    request: a tool may answer another kind in another form)."""
    keys = set(arguments) if isinstance(arguments, dict) else set()
    return [
        h for h in history if isinstance(h.get("arguments"), dict) and set(h["arguments"]) == keys
    ]


def _error_floor(
    p: Pending, sim: Simulator, hist: list[dict[str, Any]], shots: list[dict[str, Any]] | None
) -> float | None:
    """Rules ``error_grounds`` and ``error_confidence``: the head probability a model-written
    error needs (None: any error stands; inf: none does)."""
    if not p.call.options.allow_errors:
        return None
    cfg = sim.config
    confidence = cfg.error_confidence if ERROR_CONFIDENCE.on(cfg.without) else 0.0
    grounded = (
        not cfg.error_evidence
        or not ERROR_GROUNDS.on(cfg.without)
        or error_grounded(p.spec, hist, shots, sim.writes)
    )
    if grounded:
        return None if confidence == 0 else confidence
    return math.inf
