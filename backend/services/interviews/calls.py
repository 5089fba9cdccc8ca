"""Seed 003 "instant calls" as browser interviews, and the candidate's side of them.

With no telephone network here, an instant call for an application is an ``InterviewCall``: the
application's and its job's questions, fixed when the call is created, and a link
(``{public_url}/interview/{token}``) whose token is the candidate's only credential. The candidate
records one answer per question (``save_answer``; a new take replaces the old one), then
finishes (``finish_interview``), which hands the answers to the interview workers as one
``InterviewJob`` (``call_jobs.job_for_call``). Or the candidate asks for another process
(``request_alternative``) and nothing needs recording.

A call's status after it is finished follows its job: reading a call whose job completed or
failed reports ``completed`` / ``failed``. It is derived on every read rather than copied into the
call, so the worker never has to update two rows and they can never disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models.base import iso, plausible_id, utcnow
from backend.models.interviews import (
    CallStatus,
    InterviewAnswer,
    InterviewCall,
    InterviewJob,
    InterviewJobStatus,
)
from backend.models.organisations import Organization
from backend.models.pipeline import Application, Job, Question
from backend.services import storage_quota
from backend.services.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    commit_or_conflict,
)
from backend.services.interviews import media
from backend.services.mail import INTERVIEW_INVITE, queue_email
from backend.services.ownership import get_owned
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.pipeline.applications import get_application
from backend.services.storage import discard, get_storage, stored_key
from backend.services.storage.spool import spool_file
from backend.services.stored_files import store_stream
from backend.settings import get_settings

log = logging.getLogger(__name__)

# One spoken answer of a few minutes in Opus is well under 5 MB; 25 MB leaves room for WAV
# from clients that do not compress, and keeps a runaway upload from filling the disk.
MAX_ANSWER_BYTES = 25 * 1024 * 1024
MAX_NOTE_CHARS = 2000
# The longest the token column allows; anything else cannot be a token (404, no query).
_MAX_TOKEN_CHARS = 64

# Calls a candidate can still record into.
_RECORDING = frozenset({CallStatus.pending.value, CallStatus.in_progress.value})
# Calls an instant-call request reuses instead of sending a second link for the same application.
_OPEN = frozenset({*_RECORDING, CallStatus.processing.value})

# Container (as the media probe names it) → file extension of the stored answer.
_EXTENSIONS = {
    "webm": "webm",
    "ogg": "ogg",
    "mp4": "m4a",
    "wav": "wav",
    "flac": "flac",
    "mp3": "mp3",
    "aac": "aac",
}


class UnsupportedMediaType(DomainError):
    status_code = 415
    code = "unsupported_media_type"


# --------------------------------------------------------------------------------------------
# Public shapes (the API's response models; the web app uses the same dicts)
# --------------------------------------------------------------------------------------------


class CallQuestion(BaseModel):
    id: str | None
    text: str


class CallPublic(BaseModel):
    """A call as lists show it: everything but the transcript and the assessment."""

    id: str
    application_id: str
    job_id: str
    candidate_id: str
    # pending | in_progress | processing | completed | failed | alternative_requested
    status: str
    interview_url: str
    questions: list[CallQuestion]
    answered: list[bool]
    created_at: str
    started_at: str | None
    completed_at: str | None
    alternative_requested: bool
    alternative_requested_at: str | None
    alternative_note: str | None
    interview_job_id: str | None
    summary: str | None
    recommendation: str | None
    # Why processing failed (the job's error), when it did.
    error: str | None


class CallDetail(CallPublic):
    """One call; once processed, the transcript and assessment of its interview job."""

    transcript: list[dict[str, Any]] | None
    assessment: dict[str, Any] | None


# --------------------------------------------------------------------------------------------
# Recruiter / integrator side
# --------------------------------------------------------------------------------------------


def interview_url(token: str) -> str:
    """The candidate's link (the web app's ``/interview/[token]`` page)."""
    return f"{get_settings().public_url.rstrip('/')}/interview/{token}"


def instant_call(
    session: Session, *, org_id: str, application_id: str
) -> tuple[InterviewCall, bool]:
    """The browser interview for an application, and whether it was created now.

    An application whose call is still open (pending, in progress or processing) gets that call
    back, so repeating the request never sends the candidate two links. Otherwise a new call is
    made with the job's questions followed by the application's own; a job without any gets a
    generated set first (saved as the job's questions, as ``POST .../questions/generate``
    would)."""
    application = get_application(session, org_id=org_id, application_id=application_id)
    open_call = _open_call(session, application=application)
    if open_call is not None:
        return open_call, False
    questions = _questions_for(session, application=application)
    if not questions:
        from backend.services.pipeline.question_generation import generate_questions

        generate_questions(session, org_id=org_id, job_id=application.job_id)
        questions = _questions_for(session, application=application)
    if not questions:  # the generator always writes 5-10; guard against an empty template bank
        raise Conflict(
            "This job has no questions to ask; add some with POST /jobs/{job_id}/questions.",
            code="no_questions",
        )
    call = InterviewCall(
        org_id=org_id,
        application_id=application.id,
        job_id=application.job_id,
        candidate_id=application.candidate_id,
        status=CallStatus.pending.value,
        questions=[{"id": q.id, "text": q.question_text} for q in questions],
    )
    session.add(call)
    _queue_invite(session, call=call, application=application)
    session.commit()
    session.refresh(call)
    return call, True


def _queue_invite(session: Session, *, call: InterviewCall, application: Application) -> None:
    """The candidate's link, through the outbox with the call (sent when mail is configured,
    retried by the worker; the recruiter can also copy ``interview_url``)."""
    from backend.models.pipeline import Candidate

    candidate = session.get(Candidate, application.candidate_id)
    job = session.get(Job, application.job_id)
    org = session.get(Organization, call.org_id)
    if candidate is None or not candidate.email:
        return
    role = job.title if job is not None else "the role"
    company = org.name if org is not None else "the hiring team"
    body = (
        f"Hello {candidate.first_name},\n\n"
        f"{company} invites you to a short recorded interview for {role}: "
        f"{len(call.questions)} questions, each read aloud, answered with your microphone in the "
        "browser. Automated tools help the team evaluate the answers, and a person makes every "
        "decision. The page also lets you ask for an alternative process.\n\n"
        f"Start when you are ready: {interview_url(call.token)}\n"
    )
    queue_email(
        session,
        org_id=call.org_id,
        to=candidate.email,
        subject=f"Your interview for {role} at {company}",
        body=body,
        purpose=INTERVIEW_INVITE,
        related_id=call.id,
        commit=False,
    )


def get_call(session: Session, *, org_id: str, call_id: str) -> InterviewCall:
    """The call, or NotFound (also for another organisation's call)."""
    return get_owned(
        session,
        InterviewCall,
        call_id,
        org_id=org_id,
        message=f"Call {call_id} not found.",
        code="call_not_found",
    )


def list_calls(
    session: Session,
    *,
    org_id: str,
    page: int = DEFAULT_PAGE,
    size: int = DEFAULT_PAGE_SIZE,
    job_id: str | None = None,
    candidate_id: str | None = None,
    application_id: str | None = None,
    application_source_id: str | None = None,
    job_source_id: str | None = None,
    candidate_source_id: str | None = None,
) -> Page[InterviewCall]:
    """The organisation's calls, newest first; every filter given must match.

    The source-id filters read the application's copies of the job's and candidate's source
    ids (kept in sync by the pipeline services), so one join answers all three."""
    statement = select(InterviewCall).where(InterviewCall.org_id == org_id)
    own = {
        InterviewCall.job_id: job_id,
        InterviewCall.candidate_id: candidate_id,
        InterviewCall.application_id: application_id,
    }
    for column, value in own.items():
        if value is not None:
            statement = statement.where(col(column) == value)
    by_source = {
        Application.source_id: application_source_id,
        Application.job_source_id: job_source_id,
        Application.candidate_source_id: candidate_source_id,
    }
    if any(value is not None for value in by_source.values()):
        statement = statement.join(
            Application, col(Application.id) == col(InterviewCall.application_id)
        )
        for column, value in by_source.items():
            if value is not None:
                statement = statement.where(col(column) == value)
    statement = statement.order_by(
        col(InterviewCall.created_at).desc(), col(InterviewCall.id).desc()
    )
    return paginate(session, statement, page=page, size=size)


def latest_calls(
    session: Session, *, org_id: str, application_ids: Iterable[str]
) -> dict[str, InterviewCall]:
    """The newest call of each of the applications that has one, by application id."""
    ids = list(application_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(InterviewCall)
        .where(InterviewCall.org_id == org_id, col(InterviewCall.application_id).in_(ids))
        .order_by(col(InterviewCall.created_at), col(InterviewCall.id))
    )
    return {call.application_id: call for call in rows}  # the newest one wins


def call_status(call: InterviewCall, job: InterviewJob | None) -> str:
    """The call's status as reported: a finished call follows its interview job."""
    if job is not None and call.status == CallStatus.processing.value:
        if job.status == InterviewJobStatus.completed.value:
            return CallStatus.completed.value
        if job.status == InterviewJobStatus.failed.value:
            return CallStatus.failed.value
    return call.status


def call_view(
    session: Session,
    *,
    call: InterviewCall,
    job: InterviewJob | None = None,
    answered: list[bool] | None = None,
    detail: bool = True,
) -> dict[str, Any]:
    """The call as the API and the web app show it (``CallDetail``, or ``CallPublic`` without
    ``detail``). ``job`` and ``answered`` may be passed when already loaded (lists)."""
    if job is None and call.interview_job_id:
        job = session.get(InterviewJob, call.interview_job_id)
    if answered is None:
        answered = _answered(session, call)
    status = call_status(call, job)
    completed_at = call.completed_at
    if completed_at is None and job is not None and status in ("completed", "failed"):
        completed_at = job.finished_at
    result = job.result if job is not None and status == CallStatus.completed.value else None
    assessment = (result or {}).get("assessment")
    view: dict[str, Any] = {
        "id": call.id,
        "application_id": call.application_id,
        "job_id": call.job_id,
        "candidate_id": call.candidate_id,
        "status": status,
        "interview_url": interview_url(call.token),
        "questions": [{"id": q.get("id"), "text": q.get("text", "")} for q in call.questions],
        "answered": answered,
        "created_at": iso(call.created_at),
        "started_at": iso(call.started_at),
        "completed_at": iso(completed_at),
        "alternative_requested": call.status == CallStatus.alternative_requested.value,
        "alternative_requested_at": iso(call.alternative_requested_at),
        "alternative_note": call.alternative_note,
        "interview_job_id": call.interview_job_id,
        "summary": (assessment or {}).get("summary"),
        "recommendation": (assessment or {}).get("recommendation"),
        "error": job.error if job is not None and status == CallStatus.failed.value else None,
    }
    if detail:
        view["transcript"] = (result or {}).get("transcript")
        view["assessment"] = assessment
    return view


def call_views(session: Session, calls: Iterable[InterviewCall]) -> list[dict[str, Any]]:
    """``call_view`` (without transcript and assessment) for many calls, loading their jobs and
    answers in one query each."""
    calls = list(calls)
    job_ids = [c.interview_job_id for c in calls if c.interview_job_id]
    jobs = (
        {
            j.id: j
            for j in session.exec(select(InterviewJob).where(col(InterviewJob.id).in_(job_ids)))
        }
        if job_ids
        else {}
    )
    answered_by_call = _answered_many(session, calls)
    return [
        call_view(
            session,
            call=c,
            job=jobs.get(c.interview_job_id or ""),
            answered=answered_by_call[c.id],
            detail=False,
        )
        for c in calls
    ]


# --------------------------------------------------------------------------------------------
# Candidate side (the token is the credential)
# --------------------------------------------------------------------------------------------


def call_for_token(session: Session, *, token: str) -> InterviewCall:
    """The call this link opens, or NotFound (the same answer for a malformed token)."""
    call = None
    if token and len(token) <= _MAX_TOKEN_CHARS and plausible_id(token):
        call = session.exec(select(InterviewCall).where(InterviewCall.token == token)).first()
    if call is None:
        raise NotFound("This interview link is not valid.", code="interview_not_found")
    return call


def candidate_view(session: Session, *, token: str) -> dict[str, Any]:
    """What the candidate's page needs: who invites them, for which role, the questions and
    which are answered. Nothing about the assessment is shown to the candidate."""
    call = call_for_token(session, token=token)
    org = session.get(Organization, call.org_id)
    job = session.get(Job, call.job_id)
    interview_job = (
        session.get(InterviewJob, call.interview_job_id) if call.interview_job_id else None
    )
    return {
        "org_name": org.name if org is not None else "",
        "role_title": job.title if job is not None else "",
        "questions": [q.get("text", "") for q in call.questions],
        "answered": _answered(session, call),
        "status": call_status(call, interview_job),
        "alternative_requested": call.status == CallStatus.alternative_requested.value,
    }


def answers_relative_dir(call_id: str) -> str:
    """The storage prefix of the call's answers, as ``InterviewJob.input_path`` stores it."""
    return f"interviews/calls/{call_id}"


def save_answer(
    session: Session,
    *,
    token: str,
    index: int,
    stream: BinaryIO,
    content_type: str | None,
) -> InterviewAnswer:
    """Store the recording of question ``index`` (from 0); a new take replaces the old one.

    Refused: an unknown link (404), a question the call does not have (404), a call already
    finished or switched to another process (409), a multipart body (415), an empty body (400),
    more than 25 MB (413), an answer over the organisation's storage quota (413
    ``storage_quota_exceeded``), and bytes the media probe cannot use (422: not audio, damaged
    or cut short), so the candidate learns it while they can still record again."""
    call = answer_target(session, token=token, index=index)
    if (content_type or "").lower().startswith("multipart/"):
        raise UnsupportedMediaType(
            "Send the recording itself as the request body (Content-Type audio/webm, audio/ogg, "
            "audio/mp4, audio/wav, audio/flac or audio/mpeg), not as a multipart form."
        )
    with spool_file() as partial:
        size, sha256 = store_stream(
            stream,
            partial,
            max_bytes=MAX_ANSWER_BYTES,
            too_large=answer_too_large,
            empty=lambda: InvalidInput(
                "The recording is empty. Record the answer again.", code="empty_answer"
            ),
        )
        # Refuse what the workers could not process now, while the candidate can record again.
        probe = media.probe_file(partial)
        final = f"answer-{index}.{_EXTENSIONS.get(probe.container, probe.container)}"
        duration = probe.duration_s
        relative = f"{answers_relative_dir(call.id)}/{final}"
        storage_quota.reserve(
            org_id=call.org_id, key=relative, size=size, kind=storage_quota.Kind.answer
        )
        try:
            get_storage().put_file(relative, partial)
        except BaseException:
            discard(relative)
            raise
    answer = session.exec(
        select(InterviewAnswer).where(
            InterviewAnswer.call_id == call.id, InterviewAnswer.question_index == index
        )
    ).first()
    previous_path = answer.path if answer is not None else None
    if answer is None:
        answer = InterviewAnswer(
            call_id=call.id, question_index=index, path=relative, size=0, sha256=""
        )
    answer.path = relative
    answer.size = size
    answer.sha256 = sha256
    answer.content_type = (content_type or None) and content_type[:128]
    answer.duration_s = duration
    answer.created_at = utcnow()
    now = utcnow()
    if call.status == CallStatus.pending.value:
        call.status = CallStatus.in_progress.value
    call.started_at = call.started_at or now
    session.add(answer)
    session.add(call)
    commit_or_conflict(
        session,
        message="Another take of this answer arrived at the same time; send it again.",
        code="answer_conflict",
    )
    session.refresh(answer)
    if previous_path and previous_path != relative:
        # The earlier take had another container (say WebM, now MP4): remove its file.
        discard(stored_key(previous_path))
    return answer


def answer_too_large() -> PayloadTooLarge:
    """The 413 for an answer over ``MAX_ANSWER_BYTES``, whether declared or counted."""
    limit_mb = MAX_ANSWER_BYTES // (1024 * 1024)
    return PayloadTooLarge(f"An answer may be at most {limit_mb} MB.", limit_mb=limit_mb)


def answer_target(session: Session, *, token: str, index: int) -> InterviewCall:
    """The call that question ``index`` of this link belongs to, when it still takes
    recordings; the API checks this before reading an upload's body."""
    call = call_for_token(session, token=token)
    _check_recording(call)
    if not 0 <= index < len(call.questions):
        raise NotFound(
            f"This interview has no question {index} (questions are numbered 0 to "
            f"{len(call.questions) - 1}).",
            code="question_not_found",
        )
    return call


def finish_interview(session: Session, *, token: str) -> InterviewCall:
    """Hand every answer to the interview workers as one job; the call is then ``processing``.

    Finishing again returns the same call and job (nothing new is created or charged). 409
    ``answers_missing`` (with ``missing``: the question indexes) until every question has an
    answer; 409 when the candidate asked for another process; 402 when the organisation's
    credits do not cover the answers' length."""
    call = call_for_token(session, token=token)
    if call.interview_job_id:
        return call
    _check_recording(call)
    answered = _answered(session, call)
    missing = [i for i, done in enumerate(answered) if not done]
    if missing:
        raise Conflict(
            f"{len(missing)} of {len(answered)} questions have no answer yet.",
            code="answers_missing",
            missing=missing,
        )
    from backend.services.interviews import call_jobs

    job = call_jobs.job_for_call(session, call=call)
    session.refresh(call)
    call_jobs.dispatch_call_job(job)
    return call


def request_alternative(session: Session, *, token: str, note: str | None = None) -> InterviewCall:
    """The candidate asks for another process instead of a recorded interview.

    Anything already recorded is deleted: the candidate has said they do not want to be
    assessed from recordings, so keeping them would serve no purpose. Asking again keeps the
    first time and updates the note. 409 once the interview has been finished."""
    call = call_for_token(session, token=token)
    note = (note or "").strip() or None
    if note is not None:
        if "\x00" in note:
            raise InvalidInput("The note must not contain NUL characters.", code="invalid_note")
        note = note[:MAX_NOTE_CHARS]
    if call.status == CallStatus.alternative_requested.value:
        if note is not None and note != call.alternative_note:
            call.alternative_note = note
            session.add(call)
            session.commit()
            session.refresh(call)
        return call
    if call.status not in _RECORDING or call.interview_job_id:
        raise Conflict(
            "This interview has already been sent; ask the organisation directly.",
            code="interview_finished",
        )
    answers = list(session.exec(select(InterviewAnswer).where(InterviewAnswer.call_id == call.id)))
    keys = [stored_key(a.path) for a in answers]
    for answer in answers:
        session.delete(answer)
    call.status = CallStatus.alternative_requested.value
    call.alternative_requested_at = utcnow()
    call.alternative_note = note
    session.add(call)
    session.commit()
    session.refresh(call)
    for key in keys:
        discard(key)
    return call


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def measure_duration(path: Path) -> float | None:
    """The recording's measured length in seconds, or None when the probe cannot tell (the
    worker then fails the job with the decoder's reason)."""
    try:
        return media.probe_file(path).duration_s
    except (DomainError, OSError) as exc:
        log.info("could not measure %s: %s", path.name, exc)
        return None


def _check_recording(call: InterviewCall) -> None:
    if call.status == CallStatus.alternative_requested.value:
        raise Conflict(
            "You asked for another process; this interview no longer takes recordings.",
            code="alternative_requested",
        )
    if call.status not in _RECORDING or call.interview_job_id:
        raise Conflict("This interview has already been sent.", code="interview_finished")


def _answered(session: Session, call: InterviewCall) -> list[bool]:
    return _answered_many(session, [call])[call.id]


def _answered_many(session: Session, calls: list[InterviewCall]) -> dict[str, list[bool]]:
    out = {c.id: [False] * len(c.questions) for c in calls}
    if not calls:
        return out
    rows = session.exec(
        select(InterviewAnswer.call_id, InterviewAnswer.question_index).where(
            col(InterviewAnswer.call_id).in_(list(out))
        )
    ).all()
    for call_id, index in rows:
        flags = out[call_id]
        if 0 <= index < len(flags):
            flags[index] = True
    return out


def _open_call(session: Session, *, application: Application) -> InterviewCall | None:
    candidates = session.exec(
        select(InterviewCall)
        .where(
            InterviewCall.application_id == application.id,
            col(InterviewCall.status).in_(list(_OPEN)),
        )
        .order_by(col(InterviewCall.created_at).desc(), col(InterviewCall.id).desc())
    ).all()
    for call in candidates:
        job = session.get(InterviewJob, call.interview_job_id) if call.interview_job_id else None
        if call_status(call, job) in _OPEN:
            return call
    return None


def _questions_for(session: Session, *, application: Application) -> list[Question]:
    """The job's own questions, then the application's, each in their saved order."""
    rows = session.exec(
        select(Question)
        .where(
            Question.org_id == application.org_id,
            Question.job_id == application.job_id,
            (col(Question.application_id).is_(None))
            | (col(Question.application_id) == application.id),
        )
        .order_by(
            col(Question.application_id).is_not(None),
            col(Question.position),
            col(Question.created_at),
            col(Question.id),
        )
    ).all()
    return list(rows)
