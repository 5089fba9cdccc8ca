"""The candidate's browser interview (the link an instant call sends): public routes where the
token in the path is the only credential.

``GET`` shows the questions and which are answered; ``PUT .../answers/{index}`` takes one
answer as the raw request body (what ``MediaRecorder`` produced, with its ``Content-Type``), a
new take replacing the old; ``POST .../finish`` hands the answers to the interview workers;
``POST .../alternative`` records that the candidate prefers another process. Errors use the flat
shape ``{"error": code, "message": text}`` of seed 003, whose calls these are.
"""

from __future__ import annotations

import tempfile
from typing import Annotated

from fastapi import APIRouter, Body, Path, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from backend.api import upload_throttle, uploads
from backend.api.deps import SessionDep
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.services.interviews import calls

router = APIRouter(
    prefix="/interview-sessions", tags=["Interview sessions"], route_class=FlatErrorRoute
)

# Not validated here: a malformed token is answered 404 like an unknown one, never 422, so the
# answer says nothing about what a token looks like.
TokenPath = Annotated[str, Path(description="The token of the interview link.")]
IndexPath = Annotated[int, Path(ge=0, le=10_000, description="The question's index, from 0.")]

_MB = 1024 * 1024
# Bodies up to this size stay in memory while they arrive; larger ones spill to a temp file.
_SPOOL_BYTES = 2 * _MB


class CandidateView(BaseModel):
    org_name: str
    role_title: str
    questions: list[str]
    answered: list[bool]
    # pending | in_progress | processing | completed | failed | alternative_requested
    status: str
    alternative_requested: bool


class AnswerSaved(BaseModel):
    index: int
    size: int
    # Measured from the recording; None when the probe could not tell.
    duration_s: float | None


class InterviewFinished(BaseModel):
    status: str
    interview_job_id: str


class AlternativeRequest(BaseModel):
    # NUL is refused here (422) rather than by the service: PostgreSQL cannot store it.
    note: str | None = Field(default=None, max_length=calls.MAX_NOTE_CHARS, pattern=r"^[^\x00]*$")


class AlternativeRecorded(BaseModel):
    status: str
    alternative_requested: bool


_AUDIO_BODY = {
    "requestBody": {
        "required": True,
        "description": "The recording itself (at most 25 MB), e.g. what MediaRecorder produced.",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in (
                "audio/webm",
                "audio/ogg",
                "audio/mp4",
                "audio/wav",
                "audio/mpeg",
                "application/octet-stream",
            )
        },
    }
}


@router.get("/{token}", summary="The interview a link opens")
def view_interview(session: SessionDep, token: TokenPath) -> CandidateView:
    """Who invites the candidate, for which role, the questions and which are answered."""
    return CandidateView(**calls.candidate_view(session, token=token))


@router.put(
    "/{token}/answers/{index}",
    summary="Record the answer to one question",
    openapi_extra=_AUDIO_BODY,
    responses=raises(400, 409, 413, 415),
)
async def put_answer(
    request: Request, session: SessionDep, token: TokenPath, index: IndexPath
) -> AnswerSaved:
    """Store the recording sent as the body; a new take replaces the earlier one. 404 for an
    unknown link or question, 409 once the interview is sent, 400 for an empty body, 413 over
    25 MB or past the storage quota, 415 for a multipart form, 422 for bytes that are not a
    readable recording, 429 for too many uploads."""
    await upload_throttle.admit(request, credential=token)
    # Link and question are checked before a byte of the body is read.
    await run_in_threadpool(calls.answer_target, session, token=token, index=index)
    limit = calls.MAX_ANSWER_BYTES
    uploads.refuse_declared_oversize(request, max_bytes=limit, too_large=calls.answer_too_large)
    with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as body:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise calls.answer_too_large()
            body.write(chunk)
        body.seek(0)
        answer = await run_in_threadpool(
            calls.save_answer,
            session,
            token=token,
            index=index,
            stream=body,
            content_type=request.headers.get("content-type"),
        )
    return AnswerSaved(index=answer.question_index, size=answer.size, duration_s=answer.duration_s)


@router.post(
    "/{token}/finish", summary="Send the answers for evaluation", responses=raises(402, 409)
)
def finish_interview(session: SessionDep, token: TokenPath) -> InterviewFinished:
    """Every question needs an answer (409 ``answers_missing`` lists the indexes still
    missing). Finishing again answers the same job."""
    call = calls.finish_interview(session, token=token)
    view = calls.candidate_view(session, token=token)
    # finish_interview either sets the job or raises.
    return InterviewFinished(status=view["status"], interview_job_id=call.interview_job_id or "")


@router.post(
    "/{token}/alternative", summary="Ask for another process instead", responses=raises(409)
)
def request_alternative(
    session: SessionDep,
    token: TokenPath,
    body: Annotated[AlternativeRequest | None, Body()] = None,
) -> AlternativeRecorded:
    """No recording is needed: the organisation sees the request (and the note) on the call.
    Answers already recorded are deleted. 409 once the interview has been sent."""
    call = calls.request_alternative(session, token=token, note=body.note if body else None)
    return AlternativeRecorded(status=call.status, alternative_requested=True)
