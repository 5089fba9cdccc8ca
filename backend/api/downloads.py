"""Answers that the browser saves as a file: the report downloads, list exports and a person's
export zip, from the API and the web session alike. All of them are personal data, so no shared
cache keeps them."""

from __future__ import annotations

import tempfile
from collections.abc import Callable

from fastapi.responses import Response, StreamingResponse
from sqlmodel import Session
from starlette.background import BackgroundTask

from backend.services.person_export import write_person_zip

EXPORT_CHUNK = 1024 * 1024
PERSON_EXPORT_FILENAME = "person-export.zip"


def download_headers(filename: str) -> dict[str, str]:
    """Headers of a file the browser saves as ``filename``."""
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        # Personal data: never kept by a shared cache.
        "Cache-Control": "private, no-store",
    }


def download(content: bytes | str, *, media_type: str, filename: str) -> Response:
    """``content`` as a file named ``filename``."""
    return Response(content=content, media_type=media_type, headers=download_headers(filename))


def person_export_response(
    session: Session, *, org_id: str, email: str, audit: Callable[[str], None]
) -> StreamingResponse:
    """Everything held about the person with ``email`` as a zip, spooled to a temporary file
    first (404 when nothing is held). ``audit`` is called with the person's subject id once the
    zip is written, before the answer starts; the file is closed once it is sent, or at once
    when writing or auditing fails."""
    spool = tempfile.TemporaryFile()
    try:
        summary = write_person_zip(session, org_id=org_id, email=email, out=spool)
        audit(summary.subject_id)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return StreamingResponse(
        iter(lambda: spool.read(EXPORT_CHUNK), b""),
        media_type="application/zip",
        headers=download_headers(PERSON_EXPORT_FILENAME),
        background=BackgroundTask(spool.close),
    )
