"""The simulator's settings, typed once: ``Simulator(config=...)``, ``gtm serve`` and ``gtm
simulate``
options and the audit's engine all read this model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

# a model-written semantic error stands only when the model gave the error branch at least this
# probability. For a calibrated model the decision on the error/result event would be p > 1/2; the
# CPU-trained SmolLM2 is overconfident: on the train part of the real traces (``gtm audit --split
# train --error-confidence 0``, column head_prob) its errors at p 0.84 were all wrong, so 0.9
ERROR_CONFIDENCE = 0.9


class SimulatorConfig(BaseModel):
    """How the engine answers calls (not which tools or which model: those are its arguments)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_retries: int = Field(2, ge=0, description="model attempts after the first per call")
    max_tokens: int = Field(512, ge=1, description="token budget of one model answer")
    max_history: int = Field(20, ge=0, description="earlier calls of a session shown to the model")
    cache_size: int = Field(100_000, ge=0, description="read-only results kept in the cache")
    max_sessions: int = Field(10_000, ge=1, description="live sessions kept (oldest evicted)")
    seed: int = Field(0, description="seed of session-less calls and of the offline backend")
    lenient_types: bool = Field(
        True, description="the gate accepts '3' for an integer and 3 for a string, as many APIs do"
    )
    session_ttl_s: float | None = Field(
        3600.0, description="an idle session expires after this many seconds (None: never)"
    )
    error_confidence: float = Field(
        ERROR_CONFIDENCE,
        ge=0,
        le=1,
        description="probability a model-written error needs on its opening tokens (0: none)",
    )
    error_evidence: bool = Field(
        True, description="a model-written error needs grounds in the prompt (rule error_grounds)"
    )
    without: frozenset[str] = Field(
        frozenset(), description="rules switched off by name (gtm_core.simulator.rules.RULES)"
    )

    @field_validator("without", mode="before")
    @classmethod
    def _known_rules(cls, v: object) -> frozenset[str]:
        from gtm_core.simulator.rules import check_rules

        return check_rules([v] if isinstance(v, str) else (v or ()))
