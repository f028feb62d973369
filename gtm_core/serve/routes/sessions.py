"""``/v1/sessions``: create, read, reset, replay and delete simulator sessions."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from gtm_core.serve.routes.bodies import ReplayBody, ResetBody, SessionBody
from gtm_core.serve.routes.deps import SimulatorDep
from gtm_core.serve.routes.guard import GuardedRoute, SafeJSONResponse
from gtm_core.serve.wire import (
    Deleted,
    HTTPError,
    ReplayAccepted,
    SessionCreated,
    SessionState,
    responses_for,
)

router = APIRouter(prefix="/v1/sessions", route_class=GuardedRoute, tags=["sessions"])


@router.post(
    "",
    name="sessions",
    status_code=201,
    response_model=SessionCreated,
    responses=responses_for(400, 401, 413, 422),
)
async def create_session(sim: SimulatorDep, body: SessionBody | None = None) -> Response:
    """Create a session (optionally with a chosen id and seed)."""
    body = body or SessionBody()
    s = sim.create_session(body.seed, body.session_id)
    return SafeJSONResponse(
        {"session_id": s.id, "seed": s.seed, "state_version": s.state_version}, 201
    )


@router.get(
    "/{session_id}",
    name="session",
    response_model=SessionState,
    responses=responses_for(401, 404, 422),
)
async def get_session(session_id: str, sim: SimulatorDep) -> Response:
    """A session's state, history and replay log."""
    s = sim.sessions.get(session_id)
    if s is None:
        raise HTTPError(404, f"no session {session_id!r}", "session_id")
    return SafeJSONResponse({**s.to_dict(), "log": s.log})


@router.post(
    "/{session_id}/reset",
    name="session_reset",
    response_model=SessionCreated,
    responses=responses_for(400, 401, 413, 422),
)
async def reset_session(
    session_id: str, sim: SimulatorDep, body: ResetBody | None = None
) -> Response:
    """Start the session over, optionally with a new seed: ``{"seed": 7}``."""
    s = sim.reset(session_id, body.seed if body else None)
    return SafeJSONResponse({"session_id": s.id, "seed": s.seed, "state_version": s.state_version})


@router.post(
    "/{session_id}/replay",
    name="session_replay",
    response_model=ReplayAccepted,
    responses=responses_for(400, 401, 413, 422),
)
async def replay_session(session_id: str, body: ReplayBody, sim: SimulatorDep) -> Response:
    """Reset the session and serve a recorded log back call for call: ``{"log": [...]}``."""
    s = sim.replay(session_id, [r.model_dump() for r in body.log], body.seed)
    return SafeJSONResponse({"session_id": s.id, "calls": len(body.log)})


@router.delete(
    "/{session_id}",
    name="session_delete",
    response_model=Deleted,
    responses=responses_for(401, 404, 422),
)
async def delete_session(session_id: str, sim: SimulatorDep) -> Response:
    """Drop a session."""
    if not sim.sessions.delete(session_id):
        raise HTTPError(404, f"no session {session_id!r}", "session_id")
    return SafeJSONResponse({"deleted": session_id})
