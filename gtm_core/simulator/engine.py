"""The Simulator, one engine behind every front (HTTP, MCP, RL, CLI): rules -> model request ->
backend -> checks -> session record. The ``answer`` rules (``rules.RULES``) answer a call without a
model where they can; otherwise ``request.model_call`` builds its request and ``ModelStage``
decodes and checks it. The result is the tool's output or an error payload; a call whose outputs
fail their checks after the retries gets the rules' answer (``rules_fallback``), else is a
``simulator_error`` (``source="error"``), never a tool result."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from gtm_core.gate import Gate
from gtm_core.simulator.backends import OfflineSimBackend, SimBackend
from gtm_core.simulator.call import SOURCES as SOURCES  # re-exported
from gtm_core.simulator.call import SimCall, SimOptions, SimResult, UnknownTool, session_waves
from gtm_core.simulator.config import SimulatorConfig
from gtm_core.simulator.examples import ExampleIndex
from gtm_core.simulator.model_stage import ModelStage
from gtm_core.simulator.repository import load_tools as load_tools  # re-exported
from gtm_core.simulator.request import model_call
from gtm_core.simulator.rules import CACHE, RELAXED_SPEC, Pending, answer_rules
from gtm_core.simulator.session import Replayer, ResultCache, Session, SessionStore
from gtm_core.simulator.session import is_state_changing as writes_state
from gtm_core.spec import ToolSpec


class Simulator:
    """Simulated tools of a repository, answered by the rules and a batched model. ``config`` (or
    its fields as keywords) says how; ``examples`` holds the recorded real calls the rules read."""

    def __init__(self, tools: Iterable[ToolSpec] | dict[str, ToolSpec],
                 backend: SimBackend | None = None, config: SimulatorConfig | None = None, *,
                 examples: ExampleIndex | None = None,
                 state_changing: dict[str, bool] | None = None, **settings: Any):  # fmt: skip
        cfg = config or SimulatorConfig()
        self.config = SimulatorConfig(**{**cfg.model_dump(), **settings}) if settings else cfg
        self.examples = examples
        self.state_changing = dict(state_changing or {})
        self.tools: dict[str, ToolSpec] = {}
        self.gates: dict[str, Gate] = {}
        self.writes: dict[str, bool] = {}  # tool -> state-changing
        for s in tools.values() if isinstance(tools, dict) else tools:
            self.add_tool(s)
        self._backend = backend
        self._stage: ModelStage | None = None
        self.sessions = SessionStore(self.config.max_sessions, self.config.session_ttl_s)
        self.cache = ResultCache(self.config.cache_size)
        self.replayers: dict[str, Replayer] = {}
        self.counters: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._answer_rules = answer_rules(self.config.without)

    def add_tool(self, spec: ToolSpec) -> None:
        if self.examples is not None and RELAXED_SPEC.on(self.config.without):
            spec = self.examples.relaxed(spec)  # the gate reads the spec as recorded calls did
        self.tools[spec.name] = spec
        self.gates[spec.name] = Gate(spec, self.config.lenient_types)
        self.writes[spec.name] = writes_state(spec, self.state_changing)

    def spec(self, name: str) -> ToolSpec:
        if name not in self.tools:
            raise UnknownTool(name)
        return self.tools[name]

    @property
    def backend(self) -> SimBackend:
        if self._backend is None:
            self._backend = OfflineSimBackend(seed=self.config.seed)
        return self._backend

    @property
    def model_stage(self) -> ModelStage:
        if self._stage is None:
            self._stage = ModelStage(self.backend, self.counters, self._lock, self.config.seed)
        return self._stage

    def create_session(self, seed: int = 0, session_id: str | None = None) -> Session:
        return self.sessions.create(seed, session_id)

    def reset(self, session_id: str, seed: int | None = None) -> Session:
        """Start a session over (history, log, state) with an optional new seed."""
        s = self.sessions.get_or_create(session_id, seed or 0)
        s.reset(seed)
        self.replayers.pop(session_id, None)
        return s

    def replay(self, session_id: str, log_records: list[dict[str, Any]], seed: int | None = None):
        """Reset ``session_id`` and serve ``log_records`` back call for call (``source='replay'``);
        a call that differs from the recording raises ``ReplayMismatch``."""
        s = self.reset(session_id, seed)
        self.replayers[session_id] = Replayer(log_records)
        return s

    def simulate(self, tool: str, arguments: Any, *, session_id: str | None = None,
                 history: list[dict[str, Any]] | None = None,
                 options: SimOptions | dict | None = None) -> SimResult:  # fmt: skip
        opts = options if isinstance(options, SimOptions) else SimOptions.from_dict(options)
        return self.simulate_batch([SimCall(tool, arguments, session_id, history, opts)])[0]

    def fast_path(self, call: SimCall) -> SimResult | None:
        """Answer ``call`` now when an answer rule can (gate error, fault, cache hit, replay);
        None when it must go to the model. Raises UnknownTool."""
        t0 = time.perf_counter()
        res = self._answer(self._pending(0, call, self.spec(call.tool)))
        if res is not None:
            res.latency_ms = (time.perf_counter() - t0) * 1000
        return res

    def simulate_batch(self, calls: Sequence[SimCall]) -> list[SimResult]:
        """Answer many calls; model calls are batched. Calls of one session run in order (each
        sees the history of the ones before it): the batch is processed in waves."""
        t0 = time.perf_counter()
        results: list[SimResult | None] = [None] * len(calls)
        for wave in session_waves(calls):
            self._run_wave(calls, wave, results)
        dt = (time.perf_counter() - t0) * 1000
        for r in results:
            if r is not None and not r.latency_ms:
                r.latency_ms = dt
        return results  # type: ignore[return-value]

    def _run_wave(self, calls: Sequence[SimCall], idx: list[int], results: list) -> None:
        """Answer rules first; the calls left go to the model stage in one batch."""
        todo = []
        for i in idx:
            call = calls[i]
            spec = self.tools.get(call.tool)
            if spec is None:
                results[i] = SimResult.unknown_tool(call)
                continue
            p = self._pending(i, call, spec)
            results[i] = self._answer(p)
            if results[i] is None:
                todo.append(model_call(p, self))
        if not todo:
            return
        stage = self.model_stage
        stage.run(todo, self.config.max_retries)
        for m in todo:  # the model stage's answer, cached and recorded
            p = m.pending
            output, source = stage.conclude(m, self.config.without)
            if source != "error" and CACHE.applies(p, self):
                self.cache.put(CACHE.key(p), output)
            res = self._record(p, SimResult(output, source, p.call.tool), m.attempts)
            res.head_prob = m.head_prob if source == "model" else None
            results[p.index] = res

    def _pending(self, index: int, call: SimCall, spec: ToolSpec) -> Pending:
        sess = self.sessions.get_or_create(call.session_id) if call.session_id else None
        seed = call.options.seed
        if seed is None:
            seed = sess.call_seed() if sess is not None else self.config.seed
        return Pending(index, call, spec, sess, seed)

    def _answer(self, p: Pending) -> SimResult | None:
        """The first answer rule's answer, recorded; None when none answers."""
        for rule in self._answer_rules:
            res = rule.answer(p, self)
            if res is not None:
                return self._record(p, res)
        return None

    def _record(self, p: Pending, res: SimResult, attempts: int = 0) -> SimResult:
        """Count ``res`` and log it in the call's session; fills in its session, index, attempts."""
        with self._lock:
            self.counters[res.source] += 1
        res.attempts = attempts
        if p.session is not None:
            seed = None if res.source in ("replay", "gate", "record") else p.seed
            res.session_id = p.session.id
            res.call_index = p.session.record(
                p.call.tool, p.call.arguments, res.output, source=res.source, seed=seed,
                state_changing=self.writes[p.spec.name], max_history=self.config.max_history,
            )  # fmt: skip
        return res

    def warmup(self, allow_errors: bool = True, progress: bool = False) -> int:
        """Compile every tool's output grammar ahead of traffic (``ModelStage.warmup``)."""
        return self.model_stage.warmup(list(self.tools.values()), allow_errors, progress)

    def warm_prefixes(self, progress: bool = False) -> int:
        """Precompute every tool's prompt prefix (``ModelStage.warm_prefixes``)."""
        return self.model_stage.warm_prefixes(list(self.tools.values()), progress)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            c = dict(self.counters)
        cache, sessions = self.cache, self.sessions
        return dict(
            counters=c, cache_entries=len(cache), cache_hits=cache.hits,
            cache_misses=cache.misses, sessions=len(sessions), sessions_expired=sessions.expired,
            tools=len(self.tools), backend=self.backend.name,
        )  # fmt: skip
