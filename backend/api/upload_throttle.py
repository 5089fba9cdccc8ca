"""The upload routes' throttle (``backend.services.upload_throttle``), checked before the body
is read, off the event loop."""

from __future__ import annotations

from anyio import to_thread
from fastapi import Request

from backend.db import session_scope
from backend.services.upload_throttle import admit_upload


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def admit(request: Request, *, credential: str | None = None) -> None:
    """Count this upload for the client's address and its credential (the bearer token unless
    ``credential`` names another, e.g. an interview link's token); 429 when either is spent."""
    address = request.client.host if request.client else "unknown"
    who = credential or _bearer(request)

    def check() -> None:
        with session_scope() as session:
            admit_upload(session, address=address, credential=who)

    await to_thread.run_sync(check)
