"""Requests with an organisation API key are counted (``backend.services.api_rate_limit``) before
they reach any route; past the limit they are answered 429 ``rate_limited`` with
``Retry-After``. Requests without one (candidate keys, interview links, the web app's cookie)
are left to their own throttles."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from backend.api import API_PREFIX
from backend.api.errors import domain_error_response
from backend.services import api_rate_limit
from backend.services.api_keys import KEY_PREFIX
from backend.services.throttle import Throttled, minutes_text

_KEY_PREFIX = f"bearer {KEY_PREFIX}".encode("latin-1")


def _api_key(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            if value[: len(_KEY_PREFIX)].lower() == _KEY_PREFIX.lower():
                return value[7:].decode("latin-1").strip()
            return None
    return None


class ApiRateLimit:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(API_PREFIX):
            key = _api_key(scope)
            if key is not None and (wait := await api_rate_limit.over_limit(key)) is not None:
                refused = Throttled(
                    "Too many requests with this API key; try again in "
                    f"{minutes_text(wait) if wait >= 60 else f'{wait} seconds'}.",
                    retry_after=wait,
                )
                await domain_error_response(None, refused)(scope, receive, send)
                return
        await self.app(scope, receive, send)
