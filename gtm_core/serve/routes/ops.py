"""Open operations routes (no token, not counted): ``GET /healthz`` and Prometheus ``/metrics``."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from gtm_core.serve.routes.deps import BatcherDep, MetricsDep, SimulatorDep
from gtm_core.serve.routes.guard import SafeJSONResponse
from gtm_core.serve.wire import Health

router = APIRouter(tags=["ops"])


@router.get("/healthz", response_model=Health)
async def healthz(sim: SimulatorDep, batcher: BatcherDep) -> Response:
    """Liveness: the backend, tool count and queue depth."""
    return SafeJSONResponse(
        {
            "status": "ok",
            "tools": len(sim.tools),
            "backend": getattr(sim._backend, "name", "offline (lazy)"),
            "queue_depth": batcher.depth,
        }
    )


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "content": {"text/plain": {"schema": {"type": "string"}}},
            "description": "Prometheus text",
        }
    },
)
async def prom_metrics(sim: SimulatorDep, batcher: BatcherDep, metrics: MetricsDep) -> Response:
    """Prometheus text exposition."""
    return Response(metrics.render(sim, batcher), media_type="text/plain; version=0.0.4")
