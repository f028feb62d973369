"""The MCP server of the simulator mounted in the HTTP app (streamable HTTP transport), behind the
same bearer token as the API."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from gtm_core.serve.routes.guard import check_token, error_response
from gtm_core.serve.wire import HTTPError
from gtm_core.simulator import Simulator


class TokenGate:
    """ASGI wrapper of an endpoint: a 401 JSON error unless the request carries the token."""

    def __init__(self, inner: ASGIApp, token: str | None):
        self.inner, self.token = inner, token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        auth = dict(scope.get("headers") or []).get(b"authorization", b"").decode("latin-1")
        try:
            check_token(auth, self.token)
        except HTTPError as e:
            await error_response(e)(scope, receive, send)
            return
        await self.inner(scope, receive, send)


def mount_mcp(app: FastAPI, sim: Simulator, path: str, token: str | None) -> Any:
    """Add the MCP endpoint of ``sim`` at ``path`` to ``app``; returns the MCP server (its session
    manager must run for the app's lifetime)."""
    from gtm_core.serve.mcp import build_server

    server = build_server(sim)
    star = server.streamable_http_app(streamable_http_path=path)
    inner = next(r.endpoint for r in star.routes if getattr(r, "path", None) == path)
    app.router.add_route(path, TokenGate(inner, token), methods=["GET", "POST", "DELETE"])
    return server
