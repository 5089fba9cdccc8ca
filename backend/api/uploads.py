"""Upload bodies at the HTTP edge, before the services copy them to disk
(``backend.services.stored_files``): a declared ``Content-Length`` over the cap is refused before
a byte is read, and a one-file multipart form is parsed, closed and documented the same way
everywhere.

The caps and their 413s belong to the services (``submission.zip_too_large``,
``submission.recording_too_large``, ``calls.answer_too_large``); the routes pass them in, so a
declared size and a counted one are refused with the same answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import FormData
from starlette.types import Message

from backend.services.errors import DomainError

# Multipart overhead allowed on top of the file itself before Content-Length alone refuses it.
MULTIPART_SLACK = 64 * 1024


def multipart_body(required: list[str], **fields: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` for a route that reads its form itself (``multipart_form``), so the
    document still shows the body: a binary ``file`` and ``fields``, ``required`` among them."""
    properties = {"file": {"type": "string", "format": "binary"}, **fields}
    schema = {"type": "object", "required": required, "properties": properties}
    return {
        "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": schema}}}
    }


def refuse_declared_oversize(
    request: Request, *, max_bytes: int, too_large: Callable[[], Exception]
) -> None:
    """Raise ``too_large()`` when the request declares a body of more than ``max_bytes``. A
    missing or malformed header is left to the cap the copy enforces while it counts."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_large()


def _counting(request: Request, *, max_bytes: int, too_large: Callable[[], Exception]) -> Request:
    """The request, reading its body through a counter that raises ``too_large()`` as soon as
    more than ``max_bytes`` arrived, whatever the headers said."""
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > max_bytes:
                raise too_large()
        return message

    return Request(request.scope, receive)


@asynccontextmanager
async def multipart_form(
    request: Request,
    *,
    max_file_bytes: int,
    too_large: Callable[[], Exception],
    not_multipart: Callable[[], Exception],
) -> AsyncIterator[FormData]:
    """The request's form (one file, at most ten fields), closed when the block ends.

    Before reading: ``too_large()`` for a declared length over ``max_file_bytes`` plus the
    multipart overhead, ``not_multipart()`` for a body that is not ``multipart/form-data``. A
    malformed body is a validation error (422), the client's fault, never a 500."""
    refuse_declared_oversize(
        request, max_bytes=max_file_bytes + MULTIPART_SLACK, too_large=too_large
    )
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise not_multipart()
    limit = max_file_bytes + MULTIPART_SLACK
    try:
        # Counted as it arrives: a chunked body declares no length, and parsing spools the file.
        form = await _counting(request, max_bytes=limit, too_large=too_large).form(
            max_files=1, max_fields=10
        )
    except DomainError:
        raise
    except Exception as exc:  # malformed multipart: the client's fault
        raise RequestValidationError(
            [{"loc": ("body",), "msg": f"Malformed multipart body: {exc}"[:200], "type": "value"}]
        ) from None
    try:
        yield form
    finally:
        await form.close()
