"""The Simulator: gate -> faults -> cache -> batched model -> session record.

One engine behind every front (HTTP, MCP, RL client, CLI). A call names a tool of the repository,
its arguments, optionally a session (whose history feeds the prompt) and options (seed,
temperature, max tokens, ground-truth hint, fault injection). The result is the tool's output or an
error payload ``{"error": {"type", "message", "field"}}``. Structural errors (``tool_errors``) come
from the gate only: a model output claiming one is rejected and retried like any invalid output. A
model output that still fails to parse or validate after the retries is reported as a
``simulator_error`` (``source="error"``), never as a tool result.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from gtm_core.chat_format import build_messages, error_payload
from gtm_core.gate import Gate
from gtm_core.llm.base import ChatRequest, OutputParseError, ScoredText, extract_json
from gtm_core.schema_refs import DEPTH_DETAIL, MAX_VALUE_DEPTH, is_recursive, value_depth
from gtm_core.simulator.backends import ERROR_SCHEMA, SimBackend, decoding_schema, result_schema
from gtm_core.simulator.examples import ExampleIndex
from gtm_core.simulator.faults import FaultConfig, inject
from gtm_core.simulator.response_format import (
    decision_schema,
    response_schema_for,
    validator_for,
)
from gtm_core.simulator.session import (
    Replayer,
    ResultCache,
    Session,
    SessionStore,
    is_state_changing,
    name_writes,
)
from gtm_core.simulator.silence import says_nothing
from gtm_core.spec import Reject, ToolSpec, canonical_json, parse_specs
from gtm_core.tool_errors import is_error_payload, structural_claim

log = logging.getLogger(__name__)
SOURCES = ("gate", "record", "fault", "cache", "model", "rules", "replay", "error")
# a model-written semantic error stands only when the model gave the error branch at least this
# probability. For a calibrated model the decision on the error/result event would be p > 1/2; the
# CPU-trained SmolLM2 is overconfident: on the train part of the real traces (``gtm audit --split
# train --error-confidence 0``, column head_prob) its errors at p 0.84 were all wrong, so 0.9
ERROR_CONFIDENCE = 0.9

# the rules a call meets, in order, each switched off by name (``Simulator(without=...)``,
# ``gtm audit --without RULE``): what each one's gain is, is measured by switching it off
RULES: dict[str, str] = {
    "gate": "a structural error (wrong type, missing or unknown parameter, invalid value) is answered "
    "by the compiled gate, without a model",
    "relaxed_spec": "a required parameter that recorded answered calls did without is optional; an "
    "undeclared one they passed is accepted",
    "recorded_failure": "a tool that failed every recorded call (at least 3) fails with one of them",
    "faults": "injected faults (options.faults)",
    "cache": "a repeated read-only call (same arguments, same session state) answers from the cache",
    "examples": "recorded calls of the same or the nearest tools are shown to the model",
    "recorded_shape": "the tool's own recorded results decide the result's shape",
    "declared_form": "a tool declaring the one-field schema other recorded tools declare answers in "
    "the form most of them used (bare or declared)",
    "error_grounds": "a model-written error needs grounds in the prompt (the tool seen failing, an "
    "earlier state-changing call)",
    "error_confidence": "a model-written error needs its opening tokens' probability >= error_confidence",
    "rules_fallback": "a model result that says nothing (empty, a bracket, the tool's name, the arguments or "
    "the spec echoed) is replaced by the rules' answer (the offline teacher under the same "
    "format; source 'rules')",
}


def check_rules(names: Iterable[str]) -> frozenset[str]:
    """``names`` as a set of known rule names; ValueError naming an unknown one."""
    out = frozenset(names)
    unknown = sorted(out - set(RULES))
    if unknown:
        raise ValueError(f"without: unknown rule {unknown[0]!r} (rules: {', '.join(RULES)})")
    return out


def shows_failure(tool: str, items: Iterable[Any]) -> bool:
    """Whether history or example items (``{"tool", "arguments", "output"}``) show ``tool`` failing:
    a call of it answered with an error payload other than a structural one (the gate's: it says
    nothing of the tool's environment or state)."""
    return any(
        isinstance(it, dict)
        and it.get("tool") == tool
        and is_error_payload(it.get("output"))
        and structural_claim(it.get("output")) is None
        for it in items
    )


@dataclass
class SimOptions:
    """Per-call knobs. ``allow_errors``: the model may answer with a semantic error payload (not
    found, conflict, ...) besides the response schema; structural errors are the gate's alone."""

    seed: int | None = None
    temperature: float | None = None
    max_tokens: int | None = None
    hint: str | None = None
    faults: FaultConfig | None = None
    use_cache: bool = True
    allow_errors: bool = True

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> SimOptions:
        """Options from JSON; unknown keys and bad values raise ValueError naming the field."""
        if not d:
            return cls()
        if not isinstance(d, dict):
            raise ValueError("options: must be an object")
        unknown = sorted(set(d) - set(cls.__dataclass_fields__))
        if unknown:
            raise ValueError(
                f"options.{unknown[0]}: unknown option (known: {sorted(cls.__dataclass_fields__)})"
            )
        kw = dict(d)
        if kw.get("faults") is not None:
            if not isinstance(kw["faults"], dict):
                raise ValueError("options.faults: must be an object")
            try:
                kw["faults"] = FaultConfig.from_dict(kw["faults"])
            except (TypeError, ValueError) as e:
                raise ValueError(
                    f"options.{e}" if str(e).startswith("faults.") else f"options.faults: {e}"
                ) from None
        for k in ("seed", "max_tokens"):
            if kw.get(k) is not None and (not isinstance(kw[k], int) or isinstance(kw[k], bool)):
                raise ValueError(f"options.{k}: must be an integer")
        if kw.get("temperature") is not None and (
            not isinstance(kw["temperature"], int | float) or kw["temperature"] < 0
        ):
            raise ValueError("options.temperature: must be a number >= 0")
        if kw.get("hint") is not None and not isinstance(kw["hint"], str):
            raise ValueError("options.hint: must be a string")
        return cls(**kw)


@dataclass
class SimCall:
    tool: str
    arguments: Any
    session_id: str | None = None
    history: list[dict[str, Any]] | None = None  # explicit history for session-less calls
    options: SimOptions = field(default_factory=SimOptions)
    examples: list[dict[str, Any]] | None = (
        None  # explicit real examples (else the engine's ExampleIndex)
    )
    # the recorded episode this call replays (an audit): the engine's ExampleIndex never shows or counts its records
    episode: str | None = None


@dataclass
class SimResult:
    output: Any
    source: str
    tool: str
    session_id: str | None = None
    call_index: int | None = None
    attempts: int = 0
    latency_ms: float = 0.0
    stall_s: float = 0.0  # a simulated timeout asks the front to wait this long before answering
    head_prob: float | None = (
        None  # model outputs: probability of the opening tokens (backends that report it)
    )

    @property
    def is_error(self) -> bool:
        return is_error_payload(self.output)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("stall_s")
        d["is_error"] = self.is_error
        return d


class UnknownTool(KeyError):
    pass


_RECURSIVE: dict[int, tuple[dict, bool]] = {}


def _recursive(schema: dict) -> bool:
    """Whether a response schema is recursive (cached by object: specs hold their schema)."""
    hit = _RECURSIVE.get(id(schema))
    if hit is None or hit[0] is not schema:
        if len(_RECURSIVE) > 100_000:
            _RECURSIVE.clear()
        hit = _RECURSIVE[id(schema)] = (schema, is_recursive(schema))
    return hit[1]


def close_truncated_json(text: str) -> Any:
    """The value of a grammar-constrained output cut off by its token budget: a JSON prefix whose
    open string, dangling key or comma and open containers are closed. Raises ValueError when the
    text is not such a prefix."""
    stack: list[str] = []
    in_str = esc = False
    for ch in text:
        if in_str:
            esc, in_str = (False, True) if esc else (ch == "\\", ch != '"')
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            stack.append("]" if ch == "[" else "}")
        elif ch in "]}":
            if not stack:
                raise ValueError("unbalanced output")
            stack.pop()
    if not stack and not in_str:
        raise ValueError("not a truncated JSON prefix")
    head = text
    if in_str:
        head = head[:-1] if esc else head
        head = re.sub(r"\\u[0-9a-fA-F]{0,3}$", "", head) + '"'
    closers = "".join(reversed(stack))
    for tail in ("", " null", ": null"):
        for cut in (head, head.rstrip().rstrip(",:").rstrip()):
            try:
                return json.loads(cut + tail + closers, strict=False)
            except json.JSONDecodeError:
                continue
    raise ValueError("the truncated output cannot be closed")


def _parsed(text: str) -> Any:
    """The JSON value of a model output, or None when it has none (judged later by ``check_output``)."""
    try:
        return json.loads(text, strict=False)
    except ValueError:
        try:
            return close_truncated_json(text)
        except ValueError:
            return None


def check_output(
    text: str, spec: ToolSpec, *, allow_errors: bool, strict_json: bool, schema: dict | None = None
) -> tuple[bool, Any, str]:
    """Parse and validate one model output of a call that passed the gate: (ok, value, reason). An
    error payload is accepted only when ``allow_errors`` and never with a structural type. A result
    must follow ``schema`` (default: ``response_format.response_schema_for(spec, None)``)."""
    try:
        # strict=False: raw control characters inside strings are accepted (xgrammar's length-bounded
        # string rule lets them through); they are escaped again whenever the value is serialised
        value = json.loads(text, strict=False) if strict_json else extract_json(text)
    except (json.JSONDecodeError, ValueError, OutputParseError) as e:
        if not strict_json:
            return False, None, f"unparseable output: {str(e)[:160]}"
        try:
            value = extract_json(text)
        except OutputParseError:
            try:  # cut off by the token budget: a truncated tool output beats no output
                value = close_truncated_json(text)
            except ValueError:
                return False, None, f"unparseable output: {text[:120]!r}"
    schema = response_schema_for(spec, None) if schema is None else schema
    claim = structural_claim(value)
    if claim is not None:
        return (
            False,
            value,
            (
                f"model-written structural error {claim!r}: the call passed the gate, so only "
                "a result or a semantic error may answer it"
            ),
        )
    is_err = is_error_payload(value)
    if is_err and not allow_errors:
        return (
            False,
            value,
            "error payload while errors are not allowed (options.allow_errors is false)",
        )
    if allow_errors and is_err:
        err = next(iter(validator_for(ERROR_SCHEMA).iter_errors(value)), None)
        return (
            (err is None),
            value,
            ("" if err is None else f"malformed error payload: {err.message[:160]}"),
        )
    if _recursive(schema) and value_depth(value) > MAX_VALUE_DEPTH + 1:
        return False, value, f"output {DEPTH_DETAIL}"
    err = next(iter(validator_for(schema).iter_errors(value)), None)
    if err is not None:
        where = "/".join(str(p) for p in err.absolute_path)
        return (
            False,
            value,
            f"output does not match the response schema at '{where}': {err.message[:160]}",
        )
    return True, value, ""


class Simulator:
    """Simulated tools of a repository, answered through a gate, a cache and a batched model."""

    def __init__(
        self,
        tools: Iterable[ToolSpec] | dict[str, ToolSpec],
        backend: SimBackend | None = None,
        *,
        state_changing: dict[str, bool] | None = None,
        max_retries: int = 2,
        max_tokens: int = 512,
        max_history: int = 20,
        cache_size: int = 100_000,
        max_sessions: int = 10_000,
        seed: int = 0,
        lenient_types: bool = True,
        examples: ExampleIndex | None = None,
        session_ttl_s: float | None = 3600.0,
        error_confidence: float = ERROR_CONFIDENCE,
        error_evidence: bool = True,
        without: Iterable[str] = (),
    ):
        if not 0 <= error_confidence <= 1:
            raise ValueError(f"error_confidence: must be within [0, 1] (got {error_confidence})")
        # a model-written semantic error stands only when the model gave the error branch at least
        # this probability (backends that report it: the decode loop's ``head_prob``); 0 = no threshold
        self.error_confidence = error_confidence
        # ... and, with ``error_evidence``, only where the prompt gives it grounds (``_error_plausible``:
        # the tool seen failing in its history or recorded calls, or an earlier state-changing call).
        # On the held-out real traces the SmolLM2 champion's greedy errors without such grounds were
        # right on 1 of 29 calls; a tool that failed in a session fails again on 70% of the visible
        # real calls of it that follow, after an answer on 5%
        self.error_evidence = error_evidence
        self.without = check_rules(without)  # rules switched off (``RULES``)
        self.lenient_types = lenient_types
        self.examples = examples  # recorded real calls shown to the model (same or nearest tools)
        self.tools: dict[str, ToolSpec] = {}
        self._gates: dict[str, Gate] = {}
        self._writes: dict[str, bool] = {}
        self.state_changing = dict(state_changing or {})
        for s in tools.values() if isinstance(tools, dict) else tools:
            self.add_tool(s)
        self._backend = backend
        self._rules_backend = None  # the offline teacher, for ``rules_fallback``
        self.max_retries, self.max_tokens, self.max_history, self.seed = (
            max_retries,
            max_tokens,
            max_history,
            seed,
        )
        self.sessions = SessionStore(max_sessions, session_ttl_s)
        self.cache = ResultCache(cache_size)
        self._replay: dict[str, Replayer] = {}
        self.counters: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._model_lock = threading.Lock()

    # ---- repository --------------------------------------------------------------------------
    def add_tool(self, spec: ToolSpec) -> None:
        if self.examples is not None and "relaxed_spec" not in self.without:
            spec = self.examples.relaxed(
                spec
            )  # the gate reads the spec as the tool's recorded calls did
        self.tools[spec.name] = spec
        self._gates[spec.name] = Gate(spec, self.lenient_types)
        self._writes[spec.name] = is_state_changing(spec, self.state_changing)

    def spec(self, name: str) -> ToolSpec:
        s = self.tools.get(name)
        if s is None:
            raise UnknownTool(name)
        return s

    @property
    def backend(self) -> SimBackend:
        if self._backend is None:
            from gtm_core.simulator.backends import OfflineSimBackend

            self._backend = OfflineSimBackend(seed=self.seed)
        return self._backend

    # ---- sessions ----------------------------------------------------------------------------
    def create_session(self, seed: int = 0, session_id: str | None = None) -> Session:
        return self.sessions.create(seed, session_id)

    def reset(self, session_id: str, seed: int | None = None) -> Session:
        """Start a session over (history, log, state) with an optional new seed."""
        s = self.sessions.get_or_create(session_id, seed or 0)
        s.reset(seed)
        self._replay.pop(session_id, None)
        return s

    def replay(
        self, session_id: str, log_records: list[dict[str, Any]], seed: int | None = None
    ) -> Session:
        """Reset ``session_id`` and serve ``log_records`` back call for call (``source='replay'``);
        a call that differs from the recording raises ``ReplayMismatch``."""
        s = self.reset(session_id, seed)
        self._replay[session_id] = Replayer(log_records)
        return s

    # ---- calls -------------------------------------------------------------------------------
    def simulate(
        self,
        tool: str,
        arguments: Any,
        *,
        session_id: str | None = None,
        history: list[dict[str, Any]] | None = None,
        options: SimOptions | dict | None = None,
    ) -> SimResult:
        opts = options if isinstance(options, SimOptions) else SimOptions.from_dict(options)
        return self.simulate_batch([SimCall(tool, arguments, session_id, history, opts)])[0]

    def fast_path(self, call: SimCall) -> SimResult | None:
        """Answer ``call`` now when no model is needed (gate error, fault, cache hit, replay);
        None when it must go to the model. Raises UnknownTool."""
        t0 = time.perf_counter()
        spec = self.spec(call.tool)
        sess = self.sessions.get_or_create(call.session_id) if call.session_id else None
        res = self._pre(call, spec, sess)
        if res is not None:
            res.latency_ms = (time.perf_counter() - t0) * 1000
        return res

    def _pre(self, call: SimCall, spec: ToolSpec, sess: Session | None) -> SimResult | None:
        """Gate, recorded failure, replay, faults, cache: the result when one of them answers, else None."""
        if sess is not None and sess.id in self._replay:
            out = self._replay[sess.id].next(call.tool, call.arguments)
            return self._finish(call, spec, sess, out, "replay", None)
        off = self.without
        err = self._gates[spec.name](call.arguments) if "gate" not in off else None
        if err is not None:
            return self._finish(call, spec, sess, err, "gate", None)
        if (
            self.examples is not None
            and call.options.allow_errors
            and "recorded_failure" not in off
        ):
            err = self.examples.recorded_failure(spec, call.arguments, exclude_episode=call.episode)
            if err is not None:
                return self._finish(call, spec, sess, err, "record", None)
        seed = self._seed(call, sess)
        if call.options.faults is not None and "faults" not in off:
            fault, stall = inject(
                call.options.faults,
                seed,
                f"{call.tool}:{canonical_json(call.arguments)}:{sess.id if sess else ''}:{len(sess.log) if sess else 0}",
            )
            if fault is not None:
                r = self._finish(call, spec, sess, fault, "fault", seed)
                r.stall_s = stall
                return r
        if call.options.use_cache and not self._writes[spec.name] and "cache" not in off:
            hit, out = self.cache.get(self._cache_key(call, sess))
            if hit:
                return self._finish(call, spec, sess, out, "cache", seed)
        return None

    def _seed(self, call: SimCall, sess: Session | None) -> int:
        if call.options.seed is not None:
            return call.options.seed
        return sess.call_seed() if sess is not None else self.seed

    def _cache_key(self, call: SimCall, sess: Session | None) -> tuple:
        extra = ""
        if call.history or call.options.hint or call.examples or call.episode:
            extra = hashlib.sha1(
                canonical_json(
                    [call.history, call.options.hint, call.examples, call.episode]
                ).encode()
            ).hexdigest()
        return ResultCache.key(
            call.tool,
            call.arguments,
            (sess.id if sess else "") + extra,
            sess.state_version if sess else 0,
        )

    def _finish(
        self,
        call: SimCall,
        spec: ToolSpec,
        sess: Session | None,
        output: Any,
        source: str,
        seed: int | None,
        attempts: int = 0,
    ) -> SimResult:
        with self._lock:
            self.counters[source] += 1
        index = None
        if sess is not None:
            if source == "error":  # never recorded as a tool result
                with sess.lock:
                    sess.log.append(
                        {
                            "index": len(sess.log),
                            "tool": call.tool,
                            "arguments": call.arguments,
                            "seed": seed,
                            "output": output,
                            "source": source,
                            "state_version": sess.state_version,
                        }
                    )
                    index = len(sess.log) - 1
            else:
                index = sess.record(
                    call.tool,
                    call.arguments,
                    output,
                    source=source,
                    seed=seed,
                    state_changing=self._writes[spec.name],
                    max_history=self.max_history,
                )
        return SimResult(
            output=output,
            source=source,
            tool=call.tool,
            session_id=sess.id if sess else None,
            call_index=index,
            attempts=attempts,
        )

    def simulate_batch(self, calls: Sequence[SimCall]) -> list[SimResult]:
        """Answer many calls; model calls are batched. Calls of one session run in order (each
        sees the history of the ones before it): the batch is processed in waves."""
        t0 = time.perf_counter()
        results: list[SimResult | None] = [None] * len(calls)
        pending = list(range(len(calls)))
        while pending:
            wave, later, seen = [], [], set()
            for i in pending:
                sid = calls[i].session_id
                if sid is not None and sid in seen:
                    later.append(i)
                else:
                    wave.append(i)
                    if sid is not None:
                        seen.add(sid)
            self._run_wave(calls, wave, results)
            pending = later
        dt = (time.perf_counter() - t0) * 1000
        for r in results:
            if r is not None and not r.latency_ms:
                r.latency_ms = dt
        return results  # type: ignore[return-value]

    def _run_wave(
        self, calls: Sequence[SimCall], idx: list[int], results: list[SimResult | None]
    ) -> None:
        todo: list[tuple[int, SimCall, ToolSpec, Session | None, int]] = []
        for i in idx:
            call = calls[i]
            spec = self.tools.get(call.tool)
            if spec is None:
                results[i] = SimResult(
                    error_payload("unknown_tool", f"Unknown tool '{call.tool}'.", None),
                    "error",
                    call.tool,
                    call.session_id,
                )
                continue
            sess = self.sessions.get_or_create(call.session_id) if call.session_id else None
            r = self._pre(call, spec, sess)
            if r is not None:
                results[i] = r
            else:
                todo.append((i, call, spec, sess, self._seed(call, sess)))
        if not todo:
            return
        reqs, schemas, firsts = (
            [],
            [],
            [],
        )  # firsts: the result branch of the first, error-deciding decode
        floors: list[
            float | None
        ] = []  # the probability a model-written error needs (inf: declined)
        off = self.without
        confidence = 0.0 if "error_confidence" in off else self.error_confidence
        for _, call, spec, sess, seed in todo:
            hist = list(sess.history) if sess is not None else list(call.history or [])
            o = call.options
            found = (
                call.examples
                if call.examples is not None
                else (
                    self.examples.for_tool(spec, exclude_episode=call.episode)
                    if self.examples is not None
                    else None
                )
            )
            shots = None if "examples" in off else found
            form = (
                self.examples.declared_form(spec)
                if self.examples is not None and "declared_form" not in off
                else None
            )
            # as real tools answer: the tool's recorded results decide the shape
            schemas.append(
                response_schema_for(spec, None if "recorded_shape" in off else found, form)
            )
            firsts.append(decision_schema(spec, schemas[-1]) if o.allow_errors else schemas[-1])
            grounded = (
                not self.error_evidence
                or "error_grounds" in off
                or self._error_plausible(spec, hist, shots)
            )
            floors.append(
                None
                if not o.allow_errors or (grounded and confidence == 0)
                else (confidence if grounded else math.inf)
            )
            reqs.append(
                ChatRequest(
                    messages=build_messages(spec, call.arguments, hist, o.hint, shots or None),
                    task="simulate",
                    payload={
                        "spec": spec.to_public(),
                        "arguments": call.arguments,
                        "history": hist,
                        "hint": o.hint,
                        # the result format where the tool's records reshaped the declared one (a
                        # model-free backend answers it: rules-only)
                        **(
                            {"format": schemas[-1]}
                            if schemas[-1] != response_schema_for(spec, None)
                            else {}
                        ),
                    },
                    response_schema=decoding_schema(firsts[-1], o.allow_errors),
                    temperature=o.temperature if o.temperature is not None else 0.0,
                    max_tokens=o.max_tokens or self.max_tokens,
                    seed=seed,
                    # the decode loop declines a low-confidence error itself (no second request)
                    decline_error_below=floors[-1],
                    result_schema=result_schema(schemas[-1]),
                )
            )
        outputs: list[Any] = [None] * len(todo)
        reasons = [""] * len(todo)
        attempts = [0] * len(todo)
        left = list(range(len(todo)))
        allow = [call.options.allow_errors for _, call, _, _, _ in todo]
        probs: list[float | None] = [None] * len(todo)
        backend = self.backend
        strict = bool(getattr(backend, "constrains", False))
        for attempt in range(self.max_retries + 1):
            if not left:
                break
            texts = list(self._generate(backend, [reqs[j] for j in left], attempt))
            declined, reshaped, unwrapped = [], [], 0
            in_place = sum(
                bool(getattr(t, "declined", False)) for t in texts
            )  # declined by the backend
            for n, (j, text) in enumerate(zip(left, texts, strict=True)):
                if not allow[j]:
                    continue
                p = getattr(text, "head_prob", None)
                value = _parsed(text)
                if is_error_payload(value):
                    floor = floors[j]
                    if floor is not None and (p < floor if p is not None else floor == math.inf):
                        # greedy decoding took the error branch although the model gave it less than
                        # ``error_confidence``, or the prompt shows no failure of the tool: decode a
                        # result instead (same attempt, same bounds)
                        declined.append(j)
                elif (
                    firsts[j] is not schemas[j]
                    and value is not None
                    and not validator_for(schemas[j]).is_valid(value)
                ):
                    # a result in the declared shape where the tool's records show another: its one
                    # field when that fits (``{"result": 33.0}`` -> ``33.0``), else decoded again
                    inner = (
                        next(iter(value.values()))
                        if isinstance(value, dict) and len(value) == 1
                        else None
                    )
                    if inner is not None and validator_for(schemas[j]).is_valid(inner):
                        texts[n] = ScoredText(json.dumps(inner, ensure_ascii=False), p)
                        unwrapped += 1
                    else:
                        reshaped.append(j)
            redo = declined + reshaped
            for j in redo:
                allow[j] = False
                reqs[j] = replace(reqs[j], response_schema=result_schema(schemas[j]))
            if redo or unwrapped or in_place:
                with self._lock:
                    self.counters["errors_declined"] += len(declined) + in_place
                    self.counters["results_reshaped"] += len(reshaped) + unwrapped
            if redo:
                again = dict(
                    zip(
                        redo, self._generate(backend, [reqs[j] for j in redo], attempt), strict=True
                    )
                )
                texts = [again.get(j, t) for j, t in zip(left, texts, strict=True)]
            still = []
            for j, text in zip(left, texts, strict=True):
                attempts[j] = attempt + 1
                ok, value, reason = check_output(
                    text, todo[j][2], allow_errors=allow[j], strict_json=strict, schema=schemas[j]
                )
                if ok:
                    outputs[j] = value
                    probs[j] = getattr(text, "head_prob", None)
                else:
                    reasons[j] = reason
                    still.append(j)
            if still:
                with self._lock:
                    self.counters["retries"] += len(still)
            left = still
        bad = set(left)
        for j, (i, call, spec, sess, seed) in enumerate(todo):
            if j in bad:
                out = error_payload(
                    "simulator_error",
                    f"The simulator produced no valid output after "
                    f"{attempts[j]} attempts: {reasons[j]}",
                    None,
                )
                results[i] = self._finish(call, spec, sess, out, "error", seed, attempts[j])
                continue
            source = "model"
            if (
                "rules_fallback" not in off
                and backend.name != "offline"
                and not is_error_payload(outputs[j])
                and says_nothing(outputs[j], spec.name, call.arguments)
            ):
                answer = self._rules_answer(reqs[j], spec, schemas[j])
                if answer is not None:
                    outputs[j], source = answer, "rules"
            if call.options.use_cache and not self._writes[spec.name] and "cache" not in off:
                self.cache.put(self._cache_key(call, sess), outputs[j])
            results[i] = self._finish(call, spec, sess, outputs[j], source, seed, attempts[j])
            results[i].head_prob = probs[j] if source == "model" else None

    def _rules_answer(self, req: ChatRequest, spec: ToolSpec, schema: dict) -> Any:
        """The offline teacher's result for ``req`` under ``schema`` (None when it does not fit):
        what the rules answer where the model said nothing."""
        if self._rules_backend is None:
            from gtm_core.simulator.backends import OfflineSimBackend

            self._rules_backend = OfflineSimBackend(seed=self.seed)
        text = self._rules_backend.generate([replace(req, response_schema=result_schema(schema))])[
            0
        ]
        ok, value, _ = check_output(
            text, spec, allow_errors=False, strict_json=False, schema=schema
        )
        return value if ok else None

    def _error_plausible(
        self, spec: ToolSpec, history: list[dict[str, Any]], shots: list[dict[str, Any]] | None
    ) -> bool:
        """Whether the prompt gives a semantic error of ``spec`` grounds: it shows the tool failing
        (``shows_failure``: in the history or its recorded calls), or the history holds a state-changing
        call (a later call may depend on it: not found after a delete, a conflict after a create)."""
        if shows_failure(spec.name, [*history, *(shots or ())]):
            return True
        tools = {
            h.get("tool") for h in history if isinstance(h, dict) and isinstance(h.get("tool"), str)
        }
        return any(self._writes[t] if t in self._writes else name_writes(t) for t in tools)

    def _generate(self, backend: SimBackend, reqs: list[ChatRequest], attempt: int) -> list[str]:
        # a concurrent backend (continuous batching) merges calls from many threads itself
        with (
            contextlib.nullcontext() if getattr(backend, "concurrent", False) else self._model_lock
        ):
            texts = backend.generate(reqs, attempt=attempt)
        with self._lock:
            self.counters["model_calls"] += len(reqs)
            self.counters["model_batches"] += 1
        return texts

    def warmup(self, allow_errors: bool = True, progress: bool = False) -> int:
        """Prepare the backend for every tool (constrained-decoding grammars compiled once, ahead
        of traffic); returns how many schemas were prepared (0 when the backend needs none)."""
        pre = getattr(self.backend, "precompile", None)
        if pre is None:
            return 0
        decoded = [
            decoding_schema(response_schema_for(s, None), allow_errors) for s in self.tools.values()
        ]
        schemas = {canonical_json(d): d for d in decoded}
        return pre(list(schemas.values()), progress=progress)

    def warm_prefixes(self, progress: bool = False) -> int:
        """Let the backend precompute the prompt prefix (system turn + tool line) of every tool,
        as far as its prefix cache holds them; returns how many (0 when the backend keeps none)."""
        warm = getattr(self.backend, "warm_prefixes", None)
        if warm is None:
            return 0
        return warm(
            [
                ChatRequest(messages=build_messages(s, {}, []), task="simulate")
                for s in self.tools.values()
            ],
            progress=progress,
        )

    def stats(self) -> dict[str, Any]:
        with self._lock:
            c = dict(self.counters)
        return {
            "counters": c,
            "cache_entries": len(self.cache),
            "cache_hits": self.cache.hits,
            "cache_misses": self.cache.misses,
            "sessions": len(self.sessions),
            "sessions_expired": self.sessions.expired,
            "tools": len(self.tools),
            "backend": self.backend.name,
        }


# ---- tool repositories ------------------------------------------------------------------------
def load_tools(
    tools_file: str | Path | None = None,
    *,
    duckdb_path: str | Path | None = None,
    names: Iterable[str] | None = None,
) -> tuple[list[ToolSpec], list[Reject]]:
    """Tools from a JSONL of raw specs (validated; rejects returned with reasons) or from the
    DuckDB ``tools`` table; ``names`` picks a subset. Later duplicates of a name are rejected."""
    rejects: list[Reject] = []
    if tools_file is not None:
        raws: list[Any] = []
        for n, line in enumerate(Path(tools_file).read_text().splitlines(), 1):
            if not line.strip():
                continue
            try:
                raws.append(json.loads(line))
            except json.JSONDecodeError as e:
                rejects.append(
                    Reject(
                        str(tools_file),
                        f"<line {n}>",
                        "<json>",
                        f"invalid JSON: {e.msg}",
                        line[:200],
                        "load",
                    )
                )
        specs, bad = parse_specs(raws, source=str(tools_file))
        rejects += bad
    else:
        from gtm_core.storage import Store

        if duckdb_path is None:
            from gtm_core.settings import get_settings

            duckdb_path = get_settings().duckdb_path
        store = Store(duckdb_path)
        if not store.exists("tools"):
            raise FileNotFoundError(
                f"{duckdb_path}: no 'tools' table (materialize tool_repository or pass --tools FILE)"
            )
        specs = [ToolSpec.from_row(r) for r in store.read("tools").to_dict("records")]
    want = set(names) if names else None
    out: dict[str, ToolSpec] = {}
    for s in specs:
        if want is not None and s.name not in want:
            continue
        if s.name in out:
            rejects.append(
                Reject(s.source, s.name, "name", "duplicate tool name (first kept)", None, "load")
            )
            continue
        out[s.name] = s
    if want is not None:
        for n in sorted(want - set(out)):
            rejects.append(
                Reject("", n, "name", "requested tool not found in the repository", None, "load")
            )
    return list(out.values()), rejects
