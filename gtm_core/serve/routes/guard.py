"""What every API route shares: the bearer token check, the JSON body read within the size limit,
errors answered as ``{"detail": {"reason", "field"}}`` and requests counted by route and status.

``GuardedRoute`` does the first three before FastAPI reads the body (a FastAPI dependency runs
only after it), so a request without the token is a 401 whatever its body, an oversized body a
413 and bad JSON a 400, as documented; pydantic's errors on the parsed body are 422s naming the
field (``calls[1].tool``)."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute

from gtm_core.serve.wire import HTTPError, no_constant


class SafeJSONResponse(JSONResponse):
    """JSON that survives lone surrogates (valid as JSON escapes, not as UTF-8): escaped then."""

    def render(self, content: Any) -> bytes:
        try:
            return json.dumps(content, ensure_ascii=False, default=str).encode()
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, default=str).encode()


def error_response(e: HTTPError) -> Response:
    """``{"detail": {"reason", "field"}}`` with the error's status and headers."""
    return SafeJSONResponse({"detail": {"reason": e.reason, "field": e.field}}, e.status, e.headers)


def field_name(loc: Sequence[int | str]) -> str:
    """A validation error's location as the API names fields: ``("body", "calls", 1, "tool")``
    is ``calls[1].tool``, the body itself ``<body>``; other locations are dotted (``path.x``)."""
    if not loc or loc[0] != "body":
        return ".".join(str(x) for x in loc)
    name = ""
    for part in loc[1:]:
        name += f"[{part}]" if isinstance(part, int) else f".{part}" if name else str(part)
    return name or "<body>"


def validation_response(exc: RequestValidationError) -> Response:
    """FastAPI's validation error as a 422 naming the first bad field."""
    errors = exc.errors()
    err = errors[0] if errors else {}
    return error_response(
        HTTPError(422, err.get("msg", "invalid request"), field_name(err.get("loc", ())))
    )


async def validation_handler(request: Request, exc: Exception) -> Response:
    """App-wide handler of ``RequestValidationError`` (routes outside ``GuardedRoute``)."""
    assert isinstance(exc, RequestValidationError)
    return validation_response(exc)


def check_token(authorization: str | None, token: str | None) -> None:
    """HTTPError 401 unless ``authorization`` is ``Bearer <token>`` (nothing to check without a
    token); compared in constant time."""
    if token is None:
        return
    got = authorization or ""
    if not (got.startswith("Bearer ") and hmac.compare_digest(got[7:].encode(), token.encode())):
        raise HTTPError(
            401, "missing or wrong bearer token", "Authorization", {"WWW-Authenticate": "Bearer"}
        )


class LimitedJSONRequest(Request):
    """A request whose body is read up to ``max_body_bytes`` (413 beyond, from the Content-Length
    or while streaming) and parsed as strict JSON (400 when empty or invalid; NaN is invalid)."""

    max_body_bytes: int = 1 << 20

    async def body(self) -> bytes:
        if not hasattr(self, "_body"):
            limit = self.max_body_bytes
            cl = self.headers.get("content-length")
            if cl is not None and cl.isdigit() and int(cl) > limit:
                raise HTTPError(
                    413, f"body of {cl} bytes exceeds the limit of {limit} bytes", "<body>"
                )
            body = b""
            async for chunk in self.stream():
                body += chunk
                if len(body) > limit:
                    raise HTTPError(413, f"body exceeds the limit of {limit} bytes", "<body>")
            self._body = body
        return self._body

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            if not body:
                raise HTTPError(400, "empty body: a JSON object is required", "<body>")
            try:
                self._json = json.loads(body, parse_constant=no_constant)
            except (json.JSONDecodeError, UnicodeDecodeError) as e:
                raise HTTPError(400, f"invalid JSON: {e}", "<body>") from None
        return self._json


class GuardedRoute(APIRoute):
    """An API route behind the bearer token that reads its JSON body within the size limit (an
    optional body may be empty), answers HTTPError and validation errors as JSON and counts the
    request in ``app.state.metrics`` under the route's name."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        field = self.body_field
        required = field is not None and field.field_info.is_required()

        async def guarded(request: Request) -> Response:
            state = request.app.state
            limited = LimitedJSONRequest(request.scope, request.receive)
            limited.max_body_bytes = state.limits.max_body_bytes
            try:
                check_token(request.headers.get("authorization"), state.limits.token)
                # read here, so the errors are ours (400, 413), not FastAPI's generic 400
                if field is not None and (await limited.body() or required):
                    await limited.json()
                response = await handler(limited)
            except HTTPError as e:
                response = error_response(e)
            except RequestValidationError as e:
                response = validation_response(e)
            state.metrics.requests[(self.name, response.status_code)] += 1
            return response

        return guarded
