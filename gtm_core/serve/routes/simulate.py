"""``POST /v1/simulate`` (one call) and ``POST /v1/simulate/batch`` (many, answered in order)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from gtm_core.serve.routes.bodies import BatchBody, CallBody
from gtm_core.serve.routes.deps import DispatcherDep, LimitsDep
from gtm_core.serve.routes.guard import GuardedRoute, SafeJSONResponse
from gtm_core.serve.wire import BatchResponse, HTTPError, SimResultModel, responses_for

router = APIRouter(route_class=GuardedRoute, tags=["simulate"])


@router.post(
    "/v1/simulate",
    name="simulate",
    response_model=SimResultModel,
    responses=responses_for(400, 401, 404, 409, 413, 422, 503),
)
async def simulate(body: CallBody, dispatcher: DispatcherDep) -> Response:
    """Simulate one tool call."""
    (r,) = await dispatcher.run([body.to_call()])
    return SafeJSONResponse(r.to_dict())


@router.post(
    "/v1/simulate/batch",
    name="simulate_batch",
    response_model=BatchResponse,
    responses=responses_for(400, 401, 404, 409, 413, 422, 503),
)
async def simulate_batch(body: BatchBody, dispatcher: DispatcherDep, limits: LimitsDep) -> Response:
    """Simulate many calls at once (results in order)."""
    if len(body.calls) > limits.max_batch_calls:
        raise HTTPError(413, f"at most {limits.max_batch_calls} calls per batch request", "calls")
    res = await dispatcher.run([c.to_call(f"calls[{i}].") for i, c in enumerate(body.calls)])
    return SafeJSONResponse({"results": [r.to_dict() for r in res]})
