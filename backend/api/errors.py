"""Error bodies, produced here and nowhere else.

Each documented contract has one error shape, chosen by the route class of its router:
- ``FlatErrorRoute`` (seeds 000, 001, 002, 003): ``{"error": code, "message": text, ...extra}``,
  with invalid bodies answered as ``validation_status`` (400 for seed 001/002, 422 otherwise).
- ``DetailErrorRoute`` (seed 004): ``{"detail": {"error": code, "message": text, ...extra}}``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api.openapi_responses import DocumentedRoute
from backend.services.errors import DomainError

log = logging.getLogger("truelevel.api")

# What FastAPI raises (HTTPException 400) for a body that is not JSON at all.
BODY_PARSE_ERROR = "There was an error parsing the body"

INTERNAL_ERROR_MESSAGE = (
    "Something went wrong on our side and it has been logged. Try again in a moment; if it "
    "keeps happening, tell the administrator of this truelevel installation."
)


class FlatErrorRoute(DocumentedRoute):
    error_shape = "flat"
    validation_status = 422


class BadRequestOnInvalidBodyRoute(FlatErrorRoute):
    """Seeds 001 and 002 document 400 for an invalid request body."""

    validation_status = 400


class DetailErrorRoute(DocumentedRoute):
    error_shape = "detail"
    validation_status = 422


_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    402: "payment_required",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
}


def error_response(
    request: Request | None, status: int, code: str, message: str, **extra: Any
) -> JSONResponse:
    """The error in its route's shape (flat when there is no route, e.g. from a middleware);
    401 names the Bearer scheme, 429 says when to retry (``retry_after`` seconds)."""
    route = request.scope.get("route") if request is not None else None
    body: dict[str, Any] = {"error": code, "message": message, **extra}
    if getattr(route, "error_shape", "flat") == "detail":
        body = {"detail": body}
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 429 and "retry_after" in extra:
        headers["Retry-After"] = str(extra["retry_after"])
    return JSONResponse(body, status_code=status, headers=headers or None)


def domain_error_response(request: Request | None, exc: DomainError) -> JSONResponse:
    return error_response(request, exc.status_code, exc.code, exc.message, **exc.extra)


def _field_errors(exc: RequestValidationError) -> list[dict[str, str]]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
        out.append({"field": ".".join(loc) or "body", "message": str(err.get("msg", "invalid"))})
    return out[:50]


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        return domain_error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        route = request.scope.get("route")
        status = getattr(route, "validation_status", 422)
        errors = _field_errors(exc)
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3])
        code = "invalid_request" if status == 400 else "validation_error"
        return error_response(request, status, code, f"Invalid request: {summary}", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
            # FastAPI's answer to a body it cannot decode: an invalid request like any other.
            return await _validation(
                request,
                RequestValidationError(
                    [{"loc": ("body",), "msg": "The body is not valid JSON.", "type": "json"}]
                ),
            )
        message = exc.detail if isinstance(exc.detail, str) else "Request failed."
        return error_response(
            request, exc.status_code, _CODES.get(exc.status_code, "error"), message
        )


class UnhandledErrors:
    """Any exception no handler took: 500 ``internal_error`` in the route's error shape (flat,
    or ``{"detail": …}`` for seed 004's routes) instead of a plain-text "Internal Server
    Error", with the traceback in the log and none of it in the answer. An answer already
    under way cannot be replaced: that exception goes on to the server."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("Unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise
            # The router left the matched route in the scope: it decides the shape.
            request = Request(scope)
            answer = error_response(request, 500, "internal_error", INTERNAL_ERROR_MESSAGE)
            await answer(scope, receive, send)
