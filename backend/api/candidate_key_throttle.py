"""Candidate-key guessing over the API: a request whose bearer token is not an organisation API
key is a candidate-key check (so is ``POST /sessions/redeem`` with the key in its body), and
one answered 401 or 410 is a failure. While the caller's address, or the key, has failed too
often (``backend.services.candidate_key_checks``), such requests answer 429 with
``Retry-After`` before reaching any route."""

from __future__ import annotations

from anyio import to_thread
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api import API_PREFIX
from backend.api.errors import domain_error_response
from backend.db import session_scope
from backend.services import candidate_key_checks
from backend.services.api_keys import KEY_PREFIX
from backend.services.throttle import Throttled

_FAILED = (401, 410)
_REDEEM = f"{API_PREFIX}/sessions/redeem"


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
    return None


def _refusal(raw: str | None, address: str) -> Throttled | None:
    with session_scope() as session:
        try:
            candidate_key_checks.refuse_if_closed(session, raw, address)
        except Throttled as exc:
            return exc
    return None


def _record(raw: str | None, address: str) -> None:
    with session_scope() as session:
        candidate_key_checks.record_failure(session, raw, address)


class CandidateKeyThrottle:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return
        raw = _bearer(scope)
        if raw is not None and raw.startswith(KEY_PREFIX):
            raw = None  # an organisation key: not a candidate-key check
        if raw is None and scope["path"].rstrip("/") != _REDEEM:
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        address = client[0] if client else "unknown"
        # Database work: off the event loop.
        if refused := await to_thread.run_sync(_refusal, raw, address):
            await domain_error_response(None, refused)(scope, receive, send)
            return
        status = 0

        async def watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        if status in _FAILED:
            await to_thread.run_sync(_record, raw, address)
