"""What one simulated call is and what answers it: options, call, result."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from gtm_core.chat_format import error_payload
from gtm_core.simulator.faults import FaultConfig
from gtm_core.tool_errors import is_error_payload

# where an answer came from (``SimResult.source``; a counter each in ``Simulator.stats``)
SOURCES = ("gate", "record", "fault", "cache", "model", "rules", "replay", "error")


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
    # the recorded episode this call replays (an audit): the engine's ExampleIndex never shows or
    # counts its records
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

    @classmethod
    def unknown_tool(cls, call: SimCall) -> SimResult:
        out = error_payload("unknown_tool", f"Unknown tool '{call.tool}'.", None)
        return cls(out, "error", call.tool, call.session_id)

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


def session_waves(calls: Sequence[SimCall]) -> list[list[int]]:
    """Positions of ``calls`` in waves: wave k holds each session's k-th call (calls of one
    session run in order, each seeing the ones before it); session-less calls join the first."""
    waves: list[list[int]] = []
    seen: Counter[str] = Counter()
    for i, c in enumerate(calls):
        k = 0
        if c.session_id is not None:
            k, seen[c.session_id] = seen[c.session_id], seen[c.session_id] + 1
        if k == len(waves):
            waves.append([])
        waves[k].append(i)
    return waves
