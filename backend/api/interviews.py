"""Interview intelligence (seed 004, RecruitScreen): submit a recording, follow its job, read
the result; and the public model status.

Routes (under ``/api/v1``), errors in seed 004's ``{"detail": {"error", "message", ...}}`` shape:

- ``POST /recruitscreen/jobs`` (multipart: ``file``, ``role_title``, optional ``duration_s``):
  202 ``{job_id, status, credits_charged, credits_remaining, status_url, events_url}``.
  The same route takes an interview as text: a JSON body ``{role_title, transcript: [{speaker
  and/or role, text, start?, end?}]}`` (``transcripts``), assessed by the same code once the
  audio path has its transcript, charged nothing; 422 with the reasons for an empty transcript,
  no candidate or interviewer, a speaker without a role or with two.
  ``credits_remaining`` is null while billing is off (unlimited). 402 ``insufficient_credits``
  (``credits_needed``, ``upgrade_url``), 413 ``file_too_large``, 422 for a missing field or a
  file that is not usable audio (``empty_file``, ``unsupported_media_type``, ``corrupt_media``
  for a damaged or cut-short file, ``no_audio_stream``, ``no_speech`` for silence or steady
  noise, ``recording_too_long``): the whole file is decoded before anything is charged.
  ``POST /{vertical}/jobs`` for any other product: 404 ``unknown_vertical``.
- ``GET /jobs/{job_id}``: the job (``result`` once completed, ``error`` once failed, saying
  whether its credits were refunded and why).
- ``GET /jobs/{job_id}/events``: Server-Sent Events named ``status`` with data ``{status, detail,
  terminal, at}``; the whole history first (or what follows ``Last-Event-ID``), then each new
  state, and the stream ends after the terminal one.
- ``PUT /jobs/{job_id}/speakers``: ``{"speakers": {"SPEAKER_00": "interviewer", "SPEAKER_01":
  "candidate", "SPEAKER_02": "SPEAKER_01"}}``: each speaker label's role, or the label it is the
  same person as (merged). 202 with the confirmation (``speaker_roles``); a worker re-scores the
  interview from its transcript with these roles, nothing charged, and the job keeps its result
  until the new one replaces it. The job's ``speaker_roles`` says how the re-scoring goes. 404
  for another organisation's job, 409 ``job_not_completed`` / ``rescore_in_progress``, 422
  ``invalid_speakers`` with ``reasons``.
- ``GET /models/status``: public, no key.

Seed 003 has ``GET /jobs/{uuid}`` (job postings) on the same path: these routes only match
interview job ids (``job_`` and 20 hex digits, the ``interview_job`` path convertor), so the
router must be included before the pipeline's, and anything else falls through to it.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, Depends, Header, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from sqlmodel import Session
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import UploadFile

from backend.api import upload_throttle, uploads
from backend.api.audited import by_key
from backend.api.deps import Principal, SessionDep, in_thread, require_scope
from backend.api.errors import DetailErrorRoute
from backend.api.openapi_responses import DetailError, Error
from backend.db import session_scope
from backend.models import ApiKey, ApiScope
from backend.models.base import iso
from backend.models.interviews import InterviewJob
from backend.services import audit
from backend.services.errors import NotFound
from backend.services.interviews import credits, jobs, speaker_roles, submission, transcripts
from backend.services.interviews.model_status import model_status

JOB_ID_PATTERN = "job_[0-9a-f]{20}"
TRANSCRIPT_MAX_BYTES = 2 * 1024 * 1024


class InterviewJobConvertor(Convertor[str]):
    """Path convertor matching only interview job ids, so seed 003's ``/jobs/{uuid}`` routes
    keep every other id."""

    regex = JOB_ID_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


# Registered at import, before the routes below compile their paths.
register_url_convertor("interview_job", InterviewJobConvertor())

InterviewsPrincipal = Annotated[Principal, Depends(require_scope(ApiScope.interviews))]
# Named apart from seed 003's ``{job_id}`` so the OpenAPI document keeps both GET operations.
InterviewJobId = Annotated[
    str,
    Path(
        pattern=f"^{JOB_ID_PATTERN}$",
        # The length too: a pattern's ``$`` also matches before a final newline.
        min_length=len("job_") + 20,
        max_length=len("job_") + 20,
        description="An interview job id (job_…).",
    ),
]
VerticalPath = Annotated[str, Path(max_length=64, description="The product, e.g. recruitscreen.")]

# The stream polls the table (workers are other processes) and gives up after a long bound;
# an EventSource reconnects by itself with Last-Event-ID and resumes where it stopped.
POLL_INTERVAL_S = 0.5
STREAM_MAX_S = 2 * 3600
PING_S = 15

router = APIRouter(tags=["Interviews (RecruitScreen)"], route_class=DetailErrorRoute)

# An id that is not an interview job id is seed 003's job posting (``/jobs/{job_id}``), whose
# 404 is flat: the document says both.
UNKNOWN_JOB: dict[str, Any] = {
    "description": "Unknown job, or another organisation's",
    "model": DetailError | Error,
}


class JobAccepted(BaseModel):
    job_id: str
    status: str
    credits_charged: int
    credits_remaining: int | None
    status_url: str
    events_url: str


class JobError(BaseModel):
    code: str
    message: str
    customer_fault: bool  # the recording sent was at fault (backend.services.interviews.failures)
    refunded: bool  # the charge went back to the balance, in the ledger
    credits_refunded: int
    refund_reason: str


class JobReview(BaseModel):
    recommendation: str | None
    note: str | None
    reviewer_id: str | None
    reviewed_at: str | None


class SpeakerRolesView(BaseModel):
    """The job's current confirmation of its speakers' roles and its re-scoring."""

    status: str  # queued | processing | completed | failed
    speakers: dict[str, str]
    confirmed_by: str
    confirmed_at: str | None
    finished_at: str | None
    error: str | None


class InterviewJobView(BaseModel):
    job_id: str
    status: str
    detail: str | None
    role_title: str
    credits_charged: int
    created_at: str | None
    started_at: str | None
    finished_at: str | None
    duration_s: float | None
    status_url: str
    events_url: str
    result: dict[str, Any] | None
    error: JobError | None
    review: JobReview | None
    input_retained: bool
    # When the recording (or a browser interview's answers) was deleted (retention).
    input_deleted_at: str | None = None
    # Set once a recruiter confirmed the speakers' roles (``PUT .../speakers``).
    speaker_roles: SpeakerRolesView | None = None


class ModelRow(BaseModel):
    worker_id: str
    role: str
    name: str
    device: str | None
    state: str
    footprint_mib: int | None
    detail: str | None = None
    updated_at: str | None


class ModelStatus(BaseModel):
    models: list[ModelRow]
    queue_depths: dict[str, int]
    degraded: bool


_SUBMIT_SCHEMA = uploads.multipart_body(
    required=["file", "role_title"],
    role_title={"type": "string", "minLength": 1, "maxLength": 255},
    duration_s={
        "type": "number",
        "exclusiveMinimum": 0,
        "exclusiveMaximum": 10 * 24 * 3600,
        "description": "Optional; used only when the file carries no timing.",
    },
)
_SUBMIT_SCHEMA["requestBody"]["content"]["application/json"] = {
    "schema": transcripts.TranscriptSubmission.model_json_schema(ref_template="#/$defs/{model}")
}


def _invalid(field: str, message: str, kind: str = "value_error") -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": kind}])


def _missing(field: str, what: str) -> RequestValidationError:
    return _invalid(field, f"Field required: {what}", "missing")


def _duration(raw: Any) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if not isinstance(raw, str):
        raise _invalid("duration_s", "duration_s must be a number of seconds")
    try:
        value = float(raw)
    except ValueError:
        raise _invalid("duration_s", "duration_s must be a number of seconds") from None
    if not 0 < value < 10 * 24 * 3600:  # also refuses nan and inf
        raise _invalid("duration_s", "duration_s must be a positive number of seconds")
    return value


@router.post(
    "/recruitscreen/jobs",
    status_code=202,
    summary="Submit an interview recording",
    openapi_extra=_SUBMIT_SCHEMA,
    responses={
        402: {"description": "Credit balance exhausted (see upgrade_url)"},
        413: {"description": "File too large"},
        422: {"description": "Missing field, or the file is not usable audio"},
    },
)
async def submit_job(
    request: Request, db: SessionDep, who: InterviewsPrincipal, response: Response
) -> JobAccepted:
    """Accept the recording at once (202); transcription and assessment run in the workers.
    Credits (1 per started audio minute of the measured duration) are charged now, once. A JSON
    body is an interview as text (``transcripts``): assessed on a worker, charged nothing.
    Too many uploads: 429 ``rate_limited``; past the storage quota: 413
    ``storage_quota_exceeded``, nothing charged."""
    await upload_throttle.admit(request)
    if _media_type(request) == "application/json":
        return await _submit_transcript(request, db, who, response)
    async with uploads.multipart_form(
        request,
        max_file_bytes=submission.max_recording_bytes(),
        too_large=submission.recording_too_large,
        not_multipart=lambda: _missing("file", "an audio recording (multipart/form-data)"),
    ) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise _missing("file", "an audio recording")
        role_title = form.get("role_title")
        if not isinstance(role_title, str) or not role_title.strip():
            raise _missing("role_title", "the role the interview was for")
        if len(role_title.strip()) > submission.ROLE_TITLE_MAX:
            raise _invalid("role_title", "role_title is longer than 255 characters")
        if "\x00" in role_title:  # PostgreSQL cannot store it
            raise _invalid("role_title", "role_title must not contain NUL characters")
        duration = _duration(form.get("duration_s"))

        def accept() -> JobAccepted:
            # One thread hop, its connection guaranteed by the request's session slot: the
            # charge commits with the job, and nothing after the commit waits for the pool.
            job = submission.submit_recording(
                db,
                org_id=who.org_id,
                stream=upload.file,
                filename=upload.filename,
                role_title=role_title,
                declared_duration_s=duration,
            )
            return _accepted(db, who, job)

        accepted = await in_thread(db, accept)
    response.headers["Location"] = accepted.status_url
    return accepted


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def _submit_transcript(
    request: Request, db: SessionDep, who: Principal, response: Response
) -> JobAccepted:
    body = await request.body()
    if len(body) > TRANSCRIPT_MAX_BYTES:
        raise _invalid("transcript", f"the body is larger than {TRANSCRIPT_MAX_BYTES} bytes")
    try:
        sent = transcripts.TranscriptSubmission.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in error.errors(include_url=False)]
        ) from None

    def accept() -> JobAccepted:
        job = transcripts.submit_transcript(db, org_id=who.org_id, submission=sent)
        return _accepted(db, who, job)

    accepted = await in_thread(db, accept)
    response.headers["Location"] = accepted.status_url
    return accepted


def _accepted(db: Session, who: Principal, job: InterviewJob) -> JobAccepted:
    """The 202 body of a job just committed, and its queue message (in the caller's thread)."""
    accepted = JobAccepted(
        job_id=job.id,
        status=job.status,
        credits_charged=job.credits_charged,
        credits_remaining=credits.balance(db, org_id=who.org_id),
        status_url=jobs.status_url(job.id),
        events_url=jobs.events_url(job.id),
    )
    submission.dispatch_job(job.id, job.priority, job.source)  # never raises
    return accepted


@router.post(
    "/{vertical}/jobs",
    status_code=202,
    summary="Submit a job to another product",
    include_in_schema=False,  # only RecruitScreen exists; documented as a 404
)
def unknown_vertical(vertical: VerticalPath, who: InterviewsPrincipal) -> None:
    raise NotFound(
        f"Unknown vertical {vertical[:64]!r}. Available: recruitscreen.", code="unknown_vertical"
    )


@router.get(
    "/jobs/{interview_job_id:interview_job}",
    summary="Retrieve an interview job",
    responses={404: UNKNOWN_JOB},
)
def get_job(
    interview_job_id: InterviewJobId, db: SessionDep, who: InterviewsPrincipal
) -> InterviewJobView:
    """The job's state; ``result`` once completed, ``error`` ``{code, message}`` once failed."""
    job = jobs.get_job(db, org_id=who.org_id, job_id=interview_job_id)
    confirmation = speaker_roles.latest(db, job_id=job.id)
    view = InterviewJobView.model_validate(
        {**jobs.job_view(job), "speaker_roles": speaker_roles.confirmation_view(confirmation)}
    )
    actor = audit.Actor.api_key(who.api_key_id)
    if audit.read_is_due(
        org_id=who.org_id, actor=actor, subject=audit.Subject.interview, subject_id=job.id
    ):
        by_key(db, who, audit.Action.viewed, audit.Subject.interview, job.id, "read by API")
    return view


@router.put(
    "/jobs/{interview_job_id:interview_job}/speakers",
    status_code=202,
    summary="Confirm the speakers' roles and re-score the interview",
    responses={
        404: UNKNOWN_JOB,
        409: {"description": "The job is still processing, or is being re-scored"},
        422: {
            "description": "A speaker without a role, an unknown speaker, no interviewer or "
            "no candidate (reasons)"
        },
    },
)
def confirm_speakers(
    interview_job_id: InterviewJobId,
    body: speaker_roles.SpeakerRolesUpdate,
    db: SessionDep,
    who: InterviewsPrincipal,
    response: Response,
) -> SpeakerRolesView:
    """Each speaker label's role (``interviewer``, ``candidate``) or the label it is the same
    person as; the interview is re-scored from its transcript on a worker, nothing charged."""
    key = db.get(ApiKey, who.api_key_id) if who.api_key_id else None
    confirmation = speaker_roles.confirm_roles(
        db,
        org_id=who.org_id,
        job_id=interview_job_id,
        speakers=body.speakers,
        confirmed_by=f"API key {key.name}".strip() if key is not None else "API key",
    )
    response.headers["Location"] = jobs.status_url(interview_job_id)
    return SpeakerRolesView.model_validate(speaker_roles.confirmation_view(confirmation))


def _after(last_event_id: str | None) -> int:
    value = (last_event_id or "").strip()
    return int(value) if value.isdigit() and len(value) < 19 else 0


Event = tuple[int, dict[str, Any]]


def _poll(job_id: str, after_id: int) -> tuple[list[Event], dict[str, Any] | None]:
    """New events after ``after_id``; when there are none, the job's own state if it is
    finished (or gone), so the stream can end even when the client has already seen the
    terminal event (it reconnected with that Last-Event-ID)."""
    # A short session per poll: the request's session must not stay open for hours.
    with session_scope() as session:
        events = [
            (e.id or 0, jobs.event_view(e))
            for e in jobs.job_events(session, job_id=job_id, after_id=after_id)
        ]
        if events:
            return events, None
        job = session.get(InterviewJob, job_id)
        if job is None:
            return [], {"status": "failed", "detail": "job_deleted", "terminal": True, "at": None}
        if jobs.is_terminal(job.status):
            at = iso(job.finished_at or job.created_at)
            return [], {"status": job.status, "detail": job.detail, "terminal": True, "at": at}
        return [], None


async def _event_stream(request: Request, job_id: str, after_id: int) -> AsyncIterator[Any]:
    deadline = time.monotonic() + STREAM_MAX_S
    last = after_id
    while time.monotonic() < deadline:
        events, finished = await anyio.to_thread.run_sync(_poll, job_id, last)
        for event_id, data in events:
            last = event_id
            yield ServerSentEvent(data=json.dumps(data), event="status", id=str(event_id))
            if data["terminal"]:
                return
        if finished is not None:
            yield ServerSentEvent(data=json.dumps(finished), event="status", id=str(last))
            return
        if await request.is_disconnected():
            return
        await anyio.sleep(POLL_INTERVAL_S)


@router.get(
    "/jobs/{interview_job_id:interview_job}/events",
    summary="Stream an interview job's states (SSE)",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "status events"},
        404: UNKNOWN_JOB,
    },
)
def job_events(
    interview_job_id: InterviewJobId,
    request: Request,
    db: SessionDep,
    who: InterviewsPrincipal,
    last_event_id: Annotated[str | None, Header(max_length=32)] = None,
) -> EventSourceResponse:
    """Every state the job entered, then each new one as it happens; the stream ends after
    ``completed`` or ``failed``. A reconnecting client sends ``Last-Event-ID`` and gets only
    what it missed."""
    job = jobs.get_job(db, org_id=who.org_id, job_id=interview_job_id)
    return EventSourceResponse(
        _event_stream(request, job.id, _after(last_event_id)),
        ping=PING_S,
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


@router.get("/models/status", summary="What the GPU pool is doing (public)")
def get_model_status(db: SessionDep) -> ModelStatus:
    """Models each live worker has (warm, cold, loading, failed), jobs per running state, and
    whether the service is degraded (no speech model available, or jobs waiting > 5 min)."""
    return ModelStatus.model_validate(model_status(db))
