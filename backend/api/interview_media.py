"""The recording behind an interview report, for the signed-in recruiter's audio player:
``GET /api/v1/web/interviews/{job_id}/audio``.

Like the report downloads (backend/api/report_downloads.py), it takes the browser's web session
(the ``tl_session`` cookie), not an API key, so the report page's ``<audio>`` element can point at
it directly. Any active member of the job's organisation may listen: a viewer can already read
the transcript. Starlette's FileResponse answers HTTP Range requests, which is what lets the
player seek to a transcript line without downloading the whole file first.

404 when the job is another organisation's, when it has no single recording (a browser
interview's answers are separate files), and when the input was deleted after processing (the
organisation's retention setting): the page then says so and the transcript still works.

A browser interview's answers are served one by one the same way, with the same session and
the same checks: ``GET /api/v1/web/interviews/{job_id}/answers/{index}/audio`` (index from 0;
``backend.services.interviews.answer_playback``).
"""

from __future__ import annotations

import mimetypes
from contextlib import ExitStack
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from backend.api.deps import SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.web_session import WebSessionToken, signed_in_member
from backend.models import InterviewJob
from backend.models.interviews import InterviewSource
from backend.services.errors import NotFound
from backend.services.interviews.answer_playback import answer_file
from backend.services.interviews.jobs import get_job, input_deleted_note, input_key
from backend.services.storage import ObjectMissing, get_storage

router = APIRouter(
    prefix="/web/interviews",
    tags=["Web session"],
    route_class=FlatErrorRoute,
    include_in_schema=False,
)

JobId = Annotated[str, Path(min_length=1, max_length=64)]
# Containers the pipeline accepts, for browsers that need the right type to play them.
_AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".wav": "audio/wav",
    ".flac": "audio/flac",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".webm": "audio/webm",
}


def recording_key(job: InterviewJob) -> str | None:
    """The storage key of ``job``'s recording as one playable file, or None: deleted after
    processing, or never a single file (a browser interview keeps a folder of answers)."""
    key = input_key(job)
    if key is None or job.source == InterviewSource.call.value:
        return None
    return key


def media_type_for(job: InterviewJob, path: FilePath) -> str:
    """The audio type from the original file name (the stored name may lack an extension)."""
    return _media_type(job.input_filename or "", path.name)


def _media_type(*names: str) -> str:
    for name in names:
        suffix = FilePath(name).suffix.lower()
        if suffix in _AUDIO_TYPES:
            return _AUDIO_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(next((n for n in names if n), ""))
    return guessed or "application/octet-stream"


def _stream(files: ExitStack, path: FilePath, media_type: str) -> FileResponse:
    return FileResponse(
        path,
        media_type=media_type,
        # Personal data: never kept by a shared cache.
        headers={"Cache-Control": "private, no-store"},
        content_disposition_type="inline",
        background=BackgroundTask(files.close),  # a shared store's copy goes once it is sent
    )


@router.get("/{job_id}/audio")
def interview_audio(job_id: JobId, session: SessionDep, token: WebSessionToken):
    """The recording, streamed with Range support; 404 once deleted after processing."""
    member = signed_in_member(session, token, to="listen to interviews")
    job = get_job(session, org_id=member.org_id, job_id=job_id)
    key = recording_key(job)
    files = ExitStack()
    try:
        path = files.enter_context(get_storage().local_copy(key)) if key else None
    except ObjectMissing:
        path = None
    if path is None:
        raise NotFound(
            input_deleted_note(job) or "The recording is no longer stored (retention).",
            code="recording_deleted",
        )
    return _stream(files, path, media_type_for(job, path))


@router.get("/{job_id}/answers/{index}/audio")
def interview_answer_audio(
    job_id: JobId,
    index: Annotated[int, Path(ge=0, le=1000)],
    session: SessionDep,
    token: WebSessionToken,
):
    """One answer of a browser interview, streamed with Range support; 404 once retention
    deleted the answers (the message says when)."""
    member = signed_in_member(session, token, to="listen to interviews")
    key, name = answer_file(session, org_id=member.org_id, job_id=job_id, index=index)
    files = ExitStack()
    try:
        path = files.enter_context(get_storage().local_copy(key))
    except ObjectMissing:
        raise NotFound(
            "The answer is no longer stored (retention).", code="recording_deleted"
        ) from None
    return _stream(files, path, _media_type(name, path.name))
