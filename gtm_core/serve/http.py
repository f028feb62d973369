"""HTTP front of the simulator (FastAPI + uvicorn): ``create_app`` assembles the routers of
``gtm_core.serve.routes`` around one simulator, and this module runs the app.

``POST /v1/simulate`` (one call), ``POST /v1/simulate/batch``, ``/v1/sessions...``, ``/v1/tools``,
``POST /retrieve`` (Search-R1), ``GET /healthz``, Prometheus text ``GET /metrics``, OpenAPI at
``/openapi.json`` (docs at ``/docs``). Calls the gate, a fault, the cache or a replay can answer
are answered on the event loop at once; the rest wait in a bounded queue from which a worker takes
dynamic batches (up to ``max_batch`` calls, waiting at most ``max_wait_ms`` for a batch to fill)
into the engine (``dispatch.Dispatcher``). A full queue answers 503 with Retry-After. Bodies above
``max_body_bytes`` get 413; bad JSON 400; bad fields 422; every error is
``{"detail": {"reason", "field"}}``.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.types import ASGIApp

from gtm_core.serve.batcher import Batcher
from gtm_core.serve.dispatch import Dispatcher
from gtm_core.serve.metrics import Metrics
from gtm_core.serve.routes import ROUTERS
from gtm_core.serve.routes.deps import Limits
from gtm_core.serve.routes.guard import validation_handler
from gtm_core.serve.routes.mcp import mount_mcp
from gtm_core.simulator import Simulator

if TYPE_CHECKING:
    import uvicorn

DESCRIPTION = (
    "Simulated tool calls: deterministic gate, schema-constrained model, sessions and cache."
)


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Run the batcher's worker (and the MCP session manager, when mounted) while the app serves."""
    await app.state.batcher.start()
    try:
        async with contextlib.AsyncExitStack() as stack:
            if app.state.mcp is not None:
                await stack.enter_async_context(app.state.mcp.session_manager.run())
            yield
    finally:
        await app.state.batcher.stop()


def create_app(
    sim: Simulator,
    *,
    token: str | None = None,
    max_queue: int = 1024,
    max_batch: int = 32,
    max_wait_ms: float = 5.0,
    max_body_bytes: int = 1 << 20,
    max_batch_calls: int = 256,
    retry_after_s: int = 1,
    search_tool: str = "search",
    mcp_path: str | None = None,
) -> FastAPI:
    """The FastAPI application serving ``sim``: every route but ``/healthz``, ``/metrics`` and the
    docs needs ``Authorization: Bearer <token>`` when a token is given; ``mcp_path`` (e.g.
    "/mcp") also mounts the MCP server there (streamable HTTP transport, same bearer token)."""
    app = FastAPI(
        title="GTM tool simulator", version="1", description=DESCRIPTION, lifespan=lifespan
    )
    batcher = Batcher(
        sim,
        max_queue=max_queue,
        max_batch=max_batch,
        max_wait_ms=max_wait_ms,
        max_inflight=max(16, 2 * max_batch),
    )
    metrics = Metrics()
    app.state.simulator, app.state.batcher, app.state.metrics = sim, batcher, metrics
    app.state.dispatcher = Dispatcher(sim, batcher, metrics, retry_after_s)
    app.state.limits = Limits(token, max_body_bytes, max_batch_calls, search_tool)
    for router in ROUTERS:
        app.include_router(router)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.state.mcp = mount_mcp(app, sim, mcp_path, token) if mcp_path else None
    return app


# ---- running ------------------------------------------------------------------------------------
def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free one), inheritable by workers."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_server(app: ASGIApp, *, log_level: str = "warning", **kw: Any) -> uvicorn.Server:
    """A uvicorn server for ``app`` (httptools, uvloop, no access log, 2 s graceful shutdown)."""
    import uvicorn

    cfg = uvicorn.Config(
        app,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        http="httptools",
        loop="uvloop",
        timeout_graceful_shutdown=2,
        **kw,
    )
    return uvicorn.Server(cfg)


def serve(app: ASGIApp, host: str = "127.0.0.1", port: int = 8080, log_level: str = "info") -> None:
    """Run ``app`` with uvicorn in this thread (blocking)."""
    server = uvicorn_server(app, log_level=log_level)
    server.run(sockets=[bind_socket(host, port)])


@contextlib.contextmanager
def running(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0, timeout_s: float = 30.0
) -> Iterator[str]:
    """Run ``app`` on a real uvicorn server in a background thread; yields its base URL."""
    sock = bind_socket(host, port)
    server = uvicorn_server(app)
    t = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    t.start()
    deadline = time.monotonic() + timeout_s
    while not server.started:
        if not t.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    h, p = sock.getsockname()[:2]
    try:
        yield f"http://{h}:{p}"
    finally:
        server.should_exit = True
        t.join(timeout=10)
        sock.close()
