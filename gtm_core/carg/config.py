"""CARG's settings, typed once (paper §4.2): ``CargConfig`` (the knobs of a run, part of its
generation id) and ``CargRun`` (how a run starts). The CARG assets' Dagster Config inherits both;
``gtm carg generate``'s options are generated from them (``gtm_core.cli.options``). A light module
(pydantic only), so the command line imports it without the generator's pandas.
"""

from __future__ import annotations

import hashlib
import json

from pydantic import BaseModel, ConfigDict, Field, field_validator

from gtm_core.tool_errors import ERROR_TYPES


class CargConfig(BaseModel):
    """Knobs of one CARG run (also part of the generation id)."""

    model_config = ConfigDict(extra="forbid")

    samples_per_tool: int = Field(3, description="samples generated per tool")
    pass_bound: float = Field(
        0.6, description="tools whose round pass rate is below are retried with a refined prompt"
    )
    max_rounds: int = Field(3, description="generation rounds per batch of tools")
    batch_tools: int = Field(16, description="tools per committed batch")
    multi_per_tool: int = Field(1, description="multi-turn dialogues per tool")
    group_threshold: float = Field(
        0.45, description="embedding similarity that joins tools into a multi-turn group"
    )
    group_min: int = Field(2, description="fewest tools in a multi-turn group")
    group_max: int = Field(4, description="most tools in a multi-turn group")
    error_kinds: list[str] = Field(
        default_factory=lambda: list(ERROR_TYPES),
        description="error scenario: the structural error kinds generated",
    )
    teacher_messages: bool = Field(
        True, description="ask the teacher to phrase error messages (else the canonical wording)"
    )
    seed: int = Field(0, description="random seed")

    @field_validator("error_kinds")
    @classmethod
    def _known_kinds(cls, v: list[str]) -> list[str]:
        bad = [k for k in v if k not in ERROR_TYPES]
        if bad:
            raise ValueError(f"unknown error kind(s) {bad}; known: {list(ERROR_TYPES)}")
        return v

    def digest(self) -> str:
        """Content hash of the knobs (part of the generation id)."""
        text = json.dumps(self.model_dump(), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:10]


class CargRun(BaseModel):
    """How a CARG run starts (not part of the generation id): ``gtm carg generate`` and the
    CARG assets."""

    resume: bool = Field(
        True, description="Continue committed work of the same generation (else start over)."
    )


__all__ = ["CargConfig", "CargRun"]
