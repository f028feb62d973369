"""The HTTP simulator's wire format: request and response models (OpenAPI), the error type every
route answers with, and parsing a call object into a ``SimCall`` (fields named in 422 errors)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field

from gtm_core.simulator.engine import SimCall, SimOptions


# ---- request models (documentation + validation of shapes) ----------------------------------
class SimulateRequest(BaseModel):
    tool: str = Field(description="Tool name in the served repository")
    arguments: Any = Field(default_factory=dict, description="Call arguments (a JSON object)")
    session_id: str | None = Field(default=None, description="Session whose history feeds the call")
    history: list[dict[str, Any]] | None = Field(
        default=None, description="Explicit history for session-less calls"
    )
    options: dict[str, Any] | None = Field(
        default=None,
        description="seed, temperature, max_tokens, hint, faults "
        "{error_rate, timeout_rate, rate_limit_rate, timeout_s}, use_cache, allow_errors",
    )


class BatchRequest(BaseModel):
    calls: list[SimulateRequest]


class SessionRequest(BaseModel):
    seed: int = 0
    session_id: str | None = None


# ---- response models (the documented answers; schemathesis checks every response against them) --
class ErrorDetail(BaseModel):
    reason: str
    field: str | None = None


class ErrorResponse(BaseModel):
    detail: ErrorDetail


class SimResultModel(BaseModel):
    output: Any = Field(
        description='The tool output, or an error payload {"error": {type, message, field}}'
    )
    source: str = Field(description="gate | record | fault | cache | model | replay | error")
    tool: str
    session_id: str | None = None
    call_index: int | None = None
    attempts: int
    latency_ms: float
    head_prob: float | None = Field(
        None,
        description="model outputs: probability the model gave the output's "
        "opening tokens (error or result branch), when the backend reports it",
    )
    is_error: bool


class BatchResponse(BaseModel):
    results: list[SimResultModel]


class SessionCreated(BaseModel):
    session_id: str
    seed: int
    state_version: int


class SessionState(BaseModel):
    session_id: str
    seed: int
    state_version: int
    calls: int
    history: list[Any]
    log: list[Any]


class ReplayAccepted(BaseModel):
    session_id: str
    calls: int


class Deleted(BaseModel):
    deleted: str


class ToolSummary(BaseModel):
    name: str
    description: str


class ToolList(BaseModel):
    tools: list[ToolSummary]


class ToolPublic(BaseModel):
    name: str
    description: str
    parameters: dict[str, Any]
    required: list[str]
    response: dict[str, Any] | str | None


class RetrieveResponse(BaseModel):
    result: list[list[Any]]


class Health(BaseModel):
    status: str
    tools: int
    backend: str
    queue_depth: int


_ERROR_TEXT = {
    400: "Body is not valid JSON or is empty",
    401: "Missing or wrong bearer token",
    404: "Unknown tool or session",
    409: "Call differs from the replayed recording",
    413: "Body or batch too large",
    422: "A field is missing or has a bad value",
    503: "Queue full: retry after Retry-After seconds",
}


def responses_for(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the error statuses a route can answer (all with ErrorResponse)."""
    return {c: {"model": ErrorResponse, "description": _ERROR_TEXT[c]} for c in codes}


class HTTPError(Exception):
    def __init__(
        self, status: int, reason: str, field: str | None = None, headers: dict | None = None
    ):
        self.status, self.reason, self.field, self.headers = status, reason, field, headers or {}


def no_constant(name: str) -> Any:
    """NaN / Infinity are not JSON: refuse them (they could never be answered as valid JSON)."""
    raise json.JSONDecodeError(f"{name} is not valid JSON", name, 0)


def call_from(obj: Any, where: str) -> SimCall:
    if not isinstance(obj, dict):
        raise HTTPError(422, "a call must be a JSON object", where or "<body>")
    unknown = sorted(set(obj) - set(SimulateRequest.model_fields))
    if unknown:
        raise HTTPError(
            422,
            f"unknown field (known: {sorted(SimulateRequest.model_fields)})",
            f"{where}{unknown[0]}",
        )
    tool = obj.get("tool")
    if not isinstance(tool, str) or not tool:
        raise HTTPError(422, "required: the tool name (a non-empty string)", f"{where}tool")
    sid = obj.get("session_id")
    if sid is not None and (not isinstance(sid, str) or not sid or len(sid) > 200):
        raise HTTPError(
            422, "must be a non-empty string of at most 200 characters", f"{where}session_id"
        )
    hist = obj.get("history")
    if hist is not None and (
        not isinstance(hist, list) or not all(isinstance(h, dict) for h in hist)
    ):
        raise HTTPError(
            422, "must be a list of {tool, arguments, output} objects", f"{where}history"
        )
    try:
        opts = SimOptions.from_dict(obj.get("options"))
    except ValueError as e:
        field, _, reason = str(e).partition(": ")
        raise HTTPError(422, reason or str(e), f"{where}{field}") from None
    return SimCall(tool, obj.get("arguments", {}), sid, hist, opts)
