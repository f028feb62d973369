"""Request bodies of the HTTP front as pydantic models: FastAPI validates them and answers a 422
naming the first bad field. Strict (no coercion: ``"7"`` or ``true`` is not an integer) and closed
(an unknown field is a 422). Strings carry no pydantic length constraint (it would refuse the lone
surrogates JSON allows); length checks are validators, documented in the schema."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, WithJsonSchema

from gtm_core.serve.wire import HTTPError
from gtm_core.simulator import SimCall, SimOptions


def _non_empty(v: str) -> str:
    if not v:
        raise ValueError("must be a non-empty string")
    return v


def _session_id(v: str) -> str:
    if not v or len(v) > 200:
        raise ValueError("must be a non-empty string of at most 200 characters")
    return v


ToolName = Annotated[
    str, AfterValidator(_non_empty), WithJsonSchema({"type": "string", "minLength": 1})
]
SessionId = Annotated[
    str,
    AfterValidator(_session_id),
    WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 200}),
]


class _Body(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class CallBody(_Body):
    """One simulated call."""

    tool: ToolName = Field(description="Tool name in the served repository")
    arguments: Any = Field(default_factory=dict, description="Call arguments (a JSON object)")
    session_id: SessionId | None = Field(
        default=None, description="Session whose history feeds the call"
    )
    history: list[dict[str, Any]] | None = Field(
        default=None, description="Explicit history for session-less calls"
    )
    options: dict[str, Any] | None = Field(
        default=None,
        description="seed, temperature, max_tokens, hint, faults "
        "{error_rate, timeout_rate, rate_limit_rate, timeout_s}, use_cache, allow_errors",
    )

    def to_call(self, where: str = "") -> SimCall:
        """The engine's call; bad options are HTTPError 422 naming ``{where}options.<name>``."""
        try:
            opts = SimOptions.from_dict(self.options)
        except ValueError as e:
            field, _, reason = str(e).partition(": ")
            raise HTTPError(422, reason or str(e), f"{where}{field}") from None
        return SimCall(self.tool, self.arguments, self.session_id, self.history, opts)


class BatchBody(_Body):
    """Many calls, answered in order."""

    calls: list[CallBody]


class SessionBody(_Body):
    """A new session: its seed and, optionally, its id."""

    seed: int = 0
    session_id: str | None = None


class ResetBody(_Body):
    """A session started over, with a new seed if given."""

    seed: int | None = None


class ReplayRecord(BaseModel):
    """One call of a recorded session log (its other fields are kept)."""

    model_config = ConfigDict(strict=True, extra="allow")
    tool: str
    arguments: Any
    output: Any


class ReplayBody(_Body):
    """A recorded session log to serve back call for call."""

    log: list[ReplayRecord]
    seed: int | None = None


class RetrieveBody(_Body):
    """The Search-R1 retriever request."""

    queries: list[str]
    topk: int = Field(3, ge=1, le=10)
    return_scores: bool = True
    ground_truths: list[Any] | None = Field(
        None, description="One per query (or none): the answer the documents should contain"
    )
