"""The HTTP simulator's wire format: response models (OpenAPI) and the error type every route
answers with (request bodies: ``routes/bodies.py``)."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, Field


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
