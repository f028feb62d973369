"""The rules a simulated call meets, as one ordered list (``RULES``).

A call passes the rules in list order. An ``answer`` rule may answer the call itself, without a
model; a ``request`` rule shapes the model request of a call no answer rule took; an ``output`` rule
judges the model's answer. Each rule can be switched off by name (``SimulatorConfig.without``,
``gtm audit --without RULE``), which is how each one's gain is measured; docs/simulator.md has the
table, in this order, with what real tools do that justifies each rule.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from gtm_core.simulator.call import SimCall, SimResult
from gtm_core.simulator.faults import inject
from gtm_core.simulator.session import ResultCache, Session, name_writes
from gtm_core.spec import ToolSpec, canonical_json
from gtm_core.tool_errors import is_error_payload, structural_claim

if TYPE_CHECKING:
    from gtm_core.simulator.engine import Simulator

Stage = Literal["answer", "request", "output"]


@dataclass
class Pending:
    """A call of a known tool on its way through the rules (its session and seed resolved)."""

    index: int  # the call's position in its batch
    call: SimCall
    spec: ToolSpec
    session: Session | None
    seed: int


@dataclass(frozen=True)
class Rule:
    """One rule: its name, stage and what it does. ``answer`` rules override ``answer``."""

    name: str
    stage: Stage
    doc: str

    def on(self, without: frozenset[str]) -> bool:
        return self.name not in without

    def answer(self, p: Pending, sim: Simulator) -> SimResult | None:
        """The call's answer when this rule gives one, else None (``answer`` rules only)."""
        return None


class Replay(Rule):
    def answer(self, p: Pending, sim: Simulator) -> SimResult | None:
        player = sim.replayers.get(p.session.id) if p.session is not None else None
        if player is None:
            return None
        return SimResult(player.next(p.call.tool, p.call.arguments), "replay", p.call.tool)


class GateRule(Rule):
    def answer(self, p: Pending, sim: Simulator) -> SimResult | None:
        err = sim.gates[p.spec.name](p.call.arguments)
        return None if err is None else SimResult(err, "gate", p.call.tool)


class RecordedFailure(Rule):
    def answer(self, p: Pending, sim: Simulator) -> SimResult | None:
        if sim.examples is None or not p.call.options.allow_errors:
            return None
        err = sim.examples.recorded_failure(
            p.spec, p.call.arguments, exclude_episode=p.call.episode
        )
        return None if err is None else SimResult(err, "record", p.call.tool)


class Faults(Rule):
    def answer(self, p: Pending, sim: Simulator) -> SimResult | None:
        if p.call.options.faults is None:
            return None
        s = p.session
        where = f"{s.id}:{len(s.log)}" if s is not None else ":0"
        key = f"{p.call.tool}:{canonical_json(p.call.arguments)}:{where}"
        fault, stall = inject(p.call.options.faults, p.seed, key)
        if fault is None:
            return None
        return SimResult(fault, "fault", p.call.tool, stall_s=stall)


class Cache(Rule):
    def applies(self, p: Pending, sim: Simulator) -> bool:
        """Whether ``p``'s answer may come from and go to the cache (a read-only tool)."""
        on = self.on(sim.config.without)
        return on and p.call.options.use_cache and not sim.writes[p.spec.name]

    @staticmethod
    def key(p: Pending) -> tuple:
        """The cache key of ``p``: tool, arguments, session and its state, and every other input
        of the prompt (explicit history, hint, examples, replayed episode)."""
        call, sess = p.call, p.session
        extra = ""
        if call.history or call.options.hint or call.examples or call.episode:
            inputs = [call.history, call.options.hint, call.examples, call.episode]
            extra = hashlib.sha1(canonical_json(inputs).encode()).hexdigest()
        where = (sess.id if sess else "") + extra
        return ResultCache.key(call.tool, call.arguments, where, sess.state_version if sess else 0)

    def answer(self, p: Pending, sim: Simulator) -> SimResult | None:
        if not self.applies(p, sim):
            return None
        hit, out = sim.cache.get(self.key(p))
        return SimResult(out, "cache", p.call.tool) if hit else None


REPLAY = Replay("replay", "answer", "a session being replayed answers from its recording")
RELAXED_SPEC = Rule(
    "relaxed_spec",
    "request",
    "a required parameter that recorded answered calls did without is optional; an undeclared "
    "one they passed is accepted (read by the gate: the spec is relaxed when the tool is added)",
)
GATE = GateRule(
    "gate",
    "answer",
    "a structural error (wrong type, missing or unknown parameter, invalid value) is answered by "
    "the compiled gate, without a model",
)
RECORDED_FAILURE = RecordedFailure(
    "recorded_failure",
    "answer",
    "a tool that failed every recorded call (at least 3) fails with one of them",
)
FAULTS = Faults("faults", "answer", "injected faults (options.faults)")
CACHE = Cache(
    "cache",
    "answer",
    "a repeated read-only call (same arguments, same session state) answers from the cache",
)
EXAMPLES = Rule(
    "examples", "request", "recorded calls of the same or the nearest tools are shown to the model"
)
RECORDED_SHAPE = Rule(
    "recorded_shape", "request", "the tool's own recorded results decide the result's shape"
)
CONVERSATION_SHAPE = Rule(
    "conversation_shape",
    "request",
    "without records of the tool, its earlier results for the same parameters in this "
    "conversation decide the result's shape",
)
DECLARED_FORM = Rule(
    "declared_form",
    "request",
    "a tool declaring the one-field schema other recorded tools declare answers in the form most "
    "of them used (bare or declared)",
)
ERROR_GROUNDS = Rule(
    "error_grounds",
    "request",
    "a model-written error needs grounds in the prompt (the tool seen failing, an earlier "
    "state-changing call)",
)
ERROR_CONFIDENCE = Rule(
    "error_confidence",
    "output",
    "a model-written error needs its opening tokens' probability >= error_confidence",
)
RULES_FALLBACK = Rule(
    "rules_fallback",
    "output",
    "a model result that says nothing (empty, a bracket, the tool's name, the arguments or the "
    "spec echoed, a loop), or no valid output after the retries, is replaced by the rules' answer "
    "(the offline teacher under the same format; source 'rules')",
)

RULES: tuple[Rule, ...] = (
    REPLAY,
    RELAXED_SPEC,
    GATE,
    RECORDED_FAILURE,
    FAULTS,
    CACHE,
    EXAMPLES,
    RECORDED_SHAPE,
    CONVERSATION_SHAPE,
    DECLARED_FORM,
    ERROR_GROUNDS,
    ERROR_CONFIDENCE,
    RULES_FALLBACK,
)
RULE_NAMES: tuple[str, ...] = tuple(r.name for r in RULES)


def check_rules(names: Iterable[str]) -> frozenset[str]:
    """``names`` as a set of known rule names; ValueError naming an unknown one."""
    out = frozenset(names)
    unknown = sorted(out - set(RULE_NAMES))
    if unknown:
        raise ValueError(f"without: unknown rule {unknown[0]!r} (rules: {', '.join(RULE_NAMES)})")
    return out


def answer_rules(without: frozenset[str]) -> tuple[Rule, ...]:
    """The ``answer`` rules switched on, in order."""
    return tuple(r for r in RULES if r.stage == "answer" and r.on(without))


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


def error_grounded(
    spec: ToolSpec,
    history: list[dict[str, Any]],
    shots: list[dict[str, Any]] | None,
    writes: dict[str, bool],
) -> bool:
    """Rule ``error_grounds``: whether the prompt gives a semantic error of ``spec`` grounds. It
    shows the tool failing (in the history or its recorded calls), or the history holds a
    state-changing call (a later call may depend on it: not found after a delete, a conflict after
    a create)."""
    if shows_failure(spec.name, [*history, *(shots or ())]):
        return True
    tools = {h.get("tool") for h in history if isinstance(h, dict)}
    return any(writes[t] if t in writes else name_writes(t) for t in tools if isinstance(t, str))
