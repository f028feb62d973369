"""What the routes read from ``app.state``: the simulator, the batching dispatcher, the metrics
and the limits, each as a FastAPI dependency (``SimulatorDep``, ``DispatcherDep`` ...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from gtm_core.serve.batcher import Batcher
from gtm_core.serve.dispatch import Dispatcher
from gtm_core.serve.metrics import Metrics
from gtm_core.simulator import Simulator


@dataclass(frozen=True)
class Limits:
    """Per-app settings the routes enforce: the bearer token (None: open), the body size limit,
    the calls per batch request and the tool behind ``/retrieve``."""

    token: str | None = None
    max_body_bytes: int = 1 << 20
    max_batch_calls: int = 256
    search_tool: str = "search"


# async: FastAPI runs plain ``def`` dependencies in a thread pool
async def get_simulator(request: Request) -> Simulator:
    """``app.state.simulator``."""
    return request.app.state.simulator


async def get_batcher(request: Request) -> Batcher:
    """``app.state.batcher``."""
    return request.app.state.batcher


async def get_dispatcher(request: Request) -> Dispatcher:
    """``app.state.dispatcher``."""
    return request.app.state.dispatcher


async def get_metrics(request: Request) -> Metrics:
    """``app.state.metrics``."""
    return request.app.state.metrics


async def get_limits(request: Request) -> Limits:
    """``app.state.limits``."""
    return request.app.state.limits


SimulatorDep = Annotated[Simulator, Depends(get_simulator)]
BatcherDep = Annotated[Batcher, Depends(get_batcher)]
DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]
MetricsDep = Annotated[Metrics, Depends(get_metrics)]
LimitsDep = Annotated[Limits, Depends(get_limits)]
