"""Requests to the API this process is answering now, counted by an ASGI middleware: a request
that finds itself alone can take the shortest path (``alone``), one among many the path that
serves many best."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

_now = 0


def alone() -> bool:
    """Whether the request calling it is the only one this process is answering."""
    return _now <= 1


class InFlight:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        global _now
        _now += 1
        try:
            await self.app(scope, receive, send)
        finally:
            _now -= 1
