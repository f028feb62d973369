"""``GET /v1/tools`` (names and descriptions) and ``GET /v1/tools/{name}`` (one specification)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from gtm_core.serve.routes.deps import SimulatorDep
from gtm_core.serve.routes.guard import GuardedRoute, SafeJSONResponse
from gtm_core.serve.wire import HTTPError, ToolList, ToolPublic, responses_for

router = APIRouter(prefix="/v1/tools", route_class=GuardedRoute, tags=["tools"])


@router.get("", name="tools", response_model=ToolList, responses=responses_for(401))
async def list_tools(sim: SimulatorDep) -> Response:
    """Names and descriptions of the simulated tools."""
    tools = [{"name": s.name, "description": s.description} for s in sim.tools.values()]
    return SafeJSONResponse({"tools": tools})


@router.get(
    "/{name}", name="tool", response_model=ToolPublic, responses=responses_for(401, 404, 422)
)
async def get_tool(name: str, sim: SimulatorDep) -> Response:
    """One tool's specification (unified format)."""
    s = sim.tools.get(name)
    if s is None:
        raise HTTPError(404, f"unknown tool {name!r}", "name")
    return SafeJSONResponse(s.to_public())
