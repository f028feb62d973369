"""HTTP front of the simulator (FastAPI + uvicorn).

``POST /v1/simulate`` (one call), ``POST /v1/simulate/batch``, ``/v1/sessions...``, ``/v1/tools``,
``GET /healthz``, Prometheus text ``GET /metrics``, OpenAPI at ``/openapi.json`` (docs at ``/docs``).
Calls the gate, a fault, the cache or a replay can answer are answered on the event loop at once;
the rest wait in a bounded queue from which a worker takes dynamic batches (up to ``max_batch``
calls, waiting at most ``max_wait_ms`` for a batch to fill) into the engine. A full queue answers
503 with Retry-After. Bodies above ``max_body_bytes`` get 413; bad JSON 400; bad fields 422.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from gtm_core.serve.batcher import Batcher, Overloaded
from gtm_core.serve.metrics import Metrics
from gtm_core.serve.wire import (
    BatchRequest,
    BatchResponse,
    Deleted,
    Health,
    HTTPError,
    ReplayAccepted,
    RetrieveResponse,
    SessionCreated,
    SessionRequest,
    SessionState,
    SimResultModel,
    SimulateRequest,
    ToolList,
    ToolPublic,
    call_from,
    no_constant,
    responses_for,
)
from gtm_core.simulator.engine import SimCall, SimOptions, SimResult, Simulator, UnknownTool
from gtm_core.simulator.session import ReplayMismatch


# ---- the app ------------------------------------------------------------------------------------
def _body_schema(model: type[BaseModel]) -> dict:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": model.model_json_schema(ref_template="#/components/schemas/{model}")
                }
            },
        }
    }


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
):
    """The FastAPI application serving ``sim``; ``mcp_path`` (e.g. "/mcp") also mounts the MCP
    server there (streamable HTTP transport, same bearer token)."""
    from fastapi import FastAPI, Request
    from fastapi.responses import Response

    batcher = Batcher(
        sim,
        max_queue=max_queue,
        max_batch=max_batch,
        max_wait_ms=max_wait_ms,
        max_inflight=max(16, 2 * max_batch),
    )
    metrics = Metrics()
    mcp_server = None
    if mcp_path:
        from gtm_core.serve.mcp import build_server

        mcp_server = build_server(sim)
        mcp_star = mcp_server.streamable_http_app(streamable_http_path=mcp_path)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await batcher.start()
        try:
            if mcp_server is not None:
                async with mcp_server.session_manager.run():
                    yield
            else:
                yield
        finally:
            await batcher.stop()

    app = FastAPI(
        title="GTM tool simulator",
        version="1",
        lifespan=lifespan,
        description="Simulated tool calls: deterministic gate, schema-constrained model, sessions and cache.",
    )
    app.state.simulator, app.state.batcher, app.state.metrics = sim, batcher, metrics
    # SimulateRequest is referenced by BatchRequest's body schema
    app.openapi_schema = None

    def jresp(obj: Any, status: int = 200, headers: dict | None = None) -> Response:
        try:
            body = json.dumps(obj, ensure_ascii=False, default=str).encode()
        except (
            UnicodeEncodeError
        ):  # lone surrogates (valid as JSON escapes, not as UTF-8): escape them
            body = json.dumps(obj, ensure_ascii=True, default=str).encode()
        return Response(body, status, headers=headers, media_type="application/json")

    def error_resp(e: HTTPError) -> Response:
        return jresp({"detail": {"reason": e.reason, "field": e.field}}, e.status, e.headers)

    def check_auth(request: Request) -> None:
        if token is None:
            return
        got = request.headers.get("authorization", "")
        if not (
            got.startswith("Bearer ") and hmac.compare_digest(got[7:].encode(), token.encode())
        ):
            raise HTTPError(
                401,
                "missing or wrong bearer token",
                "Authorization",
                {"WWW-Authenticate": "Bearer"},
            )

    async def read_json(request: Request) -> Any:
        cl = request.headers.get("content-length")
        if cl is not None and cl.isdigit() and int(cl) > max_body_bytes:
            raise HTTPError(
                413, f"body of {cl} bytes exceeds the limit of {max_body_bytes} bytes", "<body>"
            )
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_body_bytes:
                raise HTTPError(413, f"body exceeds the limit of {max_body_bytes} bytes", "<body>")
        if not body:
            raise HTTPError(400, "empty body: a JSON object is required", "<body>")
        try:
            return json.loads(body, parse_constant=no_constant)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise HTTPError(400, f"invalid JSON: {e}", "<body>") from None

    async def run_calls(calls: list[SimCall]) -> list[SimResult]:
        t0 = time.perf_counter()
        out: list[SimResult | None] = [None] * len(calls)
        queued = []
        waiting: set[str] = set()  # sessions with a queued call: their later calls queue behind it
        for i, c in enumerate(calls):
            if c.session_id is not None and c.session_id in waiting:
                if c.tool not in sim.tools:
                    raise HTTPError(404, f"unknown tool {c.tool!r}", "tool")
                queued.append(i)
                continue
            try:
                r = sim.fast_path(c)
            except UnknownTool:
                raise HTTPError(404, f"unknown tool {c.tool!r}", "tool") from None
            except ReplayMismatch as e:
                raise HTTPError(409, str(e), "arguments") from None
            if r is None:
                queued.append(i)
                if c.session_id is not None:
                    waiting.add(c.session_id)
            else:
                out[i] = r
        if queued:
            try:
                res = await batcher.submit([calls[i] for i in queued])
            except Overloaded:
                raise HTTPError(
                    503,
                    f"the simulator queue is full ({batcher.max_queue} calls); retry later",
                    None,
                    {"Retry-After": str(retry_after_s)},
                ) from None
            except ReplayMismatch as e:
                raise HTTPError(409, str(e), "arguments") from None
            for i, r in zip(queued, res, strict=True):
                out[i] = r
        stall = max((r.stall_s for r in out if r is not None), default=0.0)
        if stall:
            await asyncio.sleep(stall)
        ms = (time.perf_counter() - t0) * 1000
        for r in out:
            metrics.observe(r.source, ms)  # type: ignore[union-attr]
        return out  # type: ignore[return-value]

    def route(name: str):
        """Wrap a handler: auth, HTTPError -> JSON 4xx/5xx, request counting."""

        def deco(fn):
            async def wrapper(request: Request, **kw):
                try:
                    check_auth(request)
                    resp = await fn(request, **kw)
                except HTTPError as e:
                    resp = error_resp(e)
                metrics.requests[(name, resp.status_code)] += 1
                return resp

            wrapper.__name__ = fn.__name__
            wrapper.__doc__ = fn.__doc__
            import inspect

            params = [
                inspect.Parameter(
                    "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
                )
            ]
            params += [p for n, p in inspect.signature(fn).parameters.items() if n != "request"]
            wrapper.__signature__ = inspect.Signature(params)
            return wrapper

        return deco

    @app.post(
        "/v1/simulate",
        openapi_extra=_body_schema(SimulateRequest),
        tags=["simulate"],
        response_model=SimResultModel,
        responses=responses_for(400, 401, 404, 409, 413, 422, 503),
    )
    @route("simulate")
    async def simulate(request: Request):
        """Simulate one tool call."""
        call = call_from(await read_json(request), "")
        (r,) = await run_calls([call])
        return jresp(r.to_dict())

    @app.post(
        "/v1/simulate/batch",
        openapi_extra=_body_schema(BatchRequest),
        tags=["simulate"],
        response_model=BatchResponse,
        responses=responses_for(400, 401, 404, 409, 413, 422, 503),
    )
    @route("simulate_batch")
    async def simulate_batch(request: Request):
        """Simulate many calls at once (results in order)."""
        body = await read_json(request)
        if not isinstance(body, dict) or not isinstance(body.get("calls"), list):
            raise HTTPError(422, 'required: {"calls": [ ... ]}', "calls")
        if len(body["calls"]) > max_batch_calls:
            raise HTTPError(413, f"at most {max_batch_calls} calls per batch request", "calls")
        calls = [call_from(c, f"calls[{i}].") for i, c in enumerate(body["calls"])]
        res = await run_calls(calls)
        return jresp({"results": [r.to_dict() for r in res]})

    @app.post(
        "/v1/sessions",
        openapi_extra=_body_schema(SessionRequest),
        tags=["sessions"],
        status_code=201,
        response_model=SessionCreated,
        responses=responses_for(400, 401, 413, 422),
    )
    @route("sessions")
    async def create_session(request: Request):
        """Create a session (optionally with a chosen id and seed)."""
        body = await read_json(request) if request.headers.get("content-length", "0") != "0" else {}
        if not isinstance(body, dict):
            raise HTTPError(422, "must be a JSON object", "<body>")
        seed = body.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise HTTPError(422, "must be an integer", "seed")
        s = sim.create_session(seed, body.get("session_id"))
        return jresp({"session_id": s.id, "seed": s.seed, "state_version": s.state_version}, 201)

    @app.get(
        "/v1/sessions/{session_id}",
        tags=["sessions"],
        response_model=SessionState,
        responses=responses_for(401, 404, 422),
    )
    @route("session")
    async def get_session(request: Request, session_id: str):
        """A session's state, history and replay log."""
        s = sim.sessions.get(session_id)
        if s is None:
            raise HTTPError(404, f"no session {session_id!r}", "session_id")
        return jresp({**s.to_dict(), "log": s.log})

    @app.post(
        "/v1/sessions/{session_id}/reset",
        tags=["sessions"],
        response_model=SessionCreated,
        responses=responses_for(400, 401, 413, 422),
    )
    @route("session_reset")
    async def reset_session(request: Request, session_id: str):
        """Start the session over, optionally with a new seed: ``{"seed": 7}``."""
        body = await read_json(request) if request.headers.get("content-length", "0") != "0" else {}
        seed = body.get("seed") if isinstance(body, dict) else None
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            raise HTTPError(422, "must be an integer", "seed")
        s = sim.reset(session_id, seed)
        return jresp({"session_id": s.id, "seed": s.seed, "state_version": s.state_version})

    @app.post(
        "/v1/sessions/{session_id}/replay",
        tags=["sessions"],
        response_model=ReplayAccepted,
        responses=responses_for(400, 401, 413, 422),
    )
    @route("session_replay")
    async def replay_session(request: Request, session_id: str):
        """Reset the session and serve a recorded log back call for call: ``{"log": [...]}``."""
        body = await read_json(request)
        if not isinstance(body, dict) or not isinstance(body.get("log"), list):
            raise HTTPError(422, "required: the recorded log (a list)", "log")
        for i, rec in enumerate(body["log"]):
            if not isinstance(rec, dict) or not {"tool", "arguments", "output"} <= set(rec):
                raise HTTPError(422, "each record needs tool, arguments and output", f"log[{i}]")
        s = sim.replay(session_id, body["log"], body.get("seed"))
        return jresp({"session_id": s.id, "calls": len(body["log"])})

    @app.delete(
        "/v1/sessions/{session_id}",
        tags=["sessions"],
        response_model=Deleted,
        responses=responses_for(401, 404, 422),
    )
    @route("session_delete")
    async def delete_session(request: Request, session_id: str):
        """Drop a session."""
        if not sim.sessions.delete(session_id):
            raise HTTPError(404, f"no session {session_id!r}", "session_id")
        return jresp({"deleted": session_id})

    @app.get("/v1/tools", tags=["tools"], response_model=ToolList, responses=responses_for(401))
    @route("tools")
    async def list_tools(request: Request):
        """Names and descriptions of the simulated tools."""
        return jresp(
            {"tools": [{"name": s.name, "description": s.description} for s in sim.tools.values()]}
        )

    @app.get(
        "/v1/tools/{name}",
        tags=["tools"],
        response_model=ToolPublic,
        responses=responses_for(401, 404, 422),
    )
    @route("tool")
    async def get_tool(request: Request, name: str):
        """One tool's specification (unified format)."""
        s = sim.tools.get(name)
        if s is None:
            raise HTTPError(404, f"unknown tool {name!r}", "name")
        return jresp(s.to_public())

    @app.post(
        "/retrieve",
        tags=["search"],
        response_model=RetrieveResponse,
        responses=responses_for(400, 401, 404, 409, 413, 422, 503),
    )
    @route("retrieve")
    async def retrieve(request: Request):
        """Search-R1 retriever protocol over the simulated ``search`` tool:
        ``{"queries": [...], "topk": 3, "return_scores": true, "ground_truths": [...]?}`` ->
        ``{"result": [[{"document": {"id", "contents"}, "score"}, ...], ...]}``."""
        from gtm_core.serve.rl import search_r1_retrieve_result

        body = await read_json(request)
        if search_tool not in sim.tools:
            raise HTTPError(
                404, f"no {search_tool!r} tool is served (add the search preset)", "tool"
            )
        if (
            not isinstance(body, dict)
            or not isinstance(body.get("queries"), list)
            or not all(isinstance(q, str) for q in body["queries"])
        ):
            raise HTTPError(422, "required: a list of query strings", "queries")
        topk = body.get("topk", 3)
        if not isinstance(topk, int) or isinstance(topk, bool) or not 1 <= topk <= 10:
            raise HTTPError(422, "must be an integer in [1, 10]", "topk")
        gts = body.get("ground_truths") or [None] * len(body["queries"])
        if not isinstance(gts, list) or len(gts) != len(body["queries"]):
            raise HTTPError(422, "must have one entry per query", "ground_truths")
        calls = [
            SimCall(
                search_tool,
                {"query": q, "top_k": topk},
                None,
                None,
                SimOptions(
                    hint=None if g is None else (g if isinstance(g, str) else json.dumps(g))
                ),
            )
            for q, g in zip(body["queries"], gts, strict=True)
        ]
        res = await run_calls(calls)
        out = [search_r1_retrieve_result(r.output, topk) if not r.is_error else [] for r in res]
        if not body.get("return_scores", True):
            out = [[d["document"] for d in docs] for docs in out]
        return jresp({"result": out})

    @app.get("/healthz", tags=["ops"], response_model=Health)
    async def healthz():
        """Liveness: the backend, tool count and queue depth."""
        return jresp(
            {
                "status": "ok",
                "tools": len(sim.tools),
                "backend": getattr(sim._backend, "name", "offline (lazy)"),
                "queue_depth": batcher.depth,
            }
        )

    @app.get(
        "/metrics",
        tags=["ops"],
        response_class=Response,
        responses={
            200: {
                "content": {"text/plain": {"schema": {"type": "string"}}},
                "description": "Prometheus text",
            }
        },
    )
    async def prom_metrics():
        """Prometheus text exposition."""
        return Response(metrics.render(sim, batcher), media_type="text/plain; version=0.0.4")

    if mcp_server is not None:
        from starlette.routing import Route

        inner = next(r.endpoint for r in mcp_star.routes if getattr(r, "path", None) == mcp_path)

        class _TokenGate:
            """ASGI wrapper: the MCP endpoint requires the same bearer token as the HTTP API."""

            async def __call__(self, scope, receive, send):
                if token is not None:
                    got = dict(scope.get("headers") or []).get(b"authorization", b"").decode()
                    if not (
                        got.startswith("Bearer ")
                        and hmac.compare_digest(got[7:].encode(), token.encode())
                    ):
                        await error_resp(
                            HTTPError(
                                401,
                                "missing or wrong bearer token",
                                "Authorization",
                                {"WWW-Authenticate": "Bearer"},
                            )
                        )(scope, receive, send)
                        return
                await inner(scope, receive, send)

        app.router.routes.append(
            Route(mcp_path, endpoint=_TokenGate(), methods=["GET", "POST", "DELETE"])
        )

    from fastapi.exceptions import RequestValidationError

    @app.exception_handler(RequestValidationError)
    async def _validation(request, exc):  # path parameter problems
        err = exc.errors()[0] if exc.errors() else {}
        return jresp(
            {
                "detail": {
                    "reason": err.get("msg", "invalid request"),
                    "field": ".".join(str(x) for x in err.get("loc", [])),
                }
            },
            422,
        )

    return app


# ---- running ------------------------------------------------------------------------------------
def bind_socket(host: str = "127.0.0.1", port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def uvicorn_server(app, *, log_level: str = "warning", **kw):
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


def serve(app, host: str = "127.0.0.1", port: int = 8080, log_level: str = "info") -> None:
    """Run ``app`` with uvicorn in this thread (blocking)."""
    server = uvicorn_server(app, log_level=log_level)
    server.run(sockets=[bind_socket(host, port)])


@contextlib.contextmanager
def running(app, host: str = "127.0.0.1", port: int = 0, timeout_s: float = 30.0) -> Iterator[str]:
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
