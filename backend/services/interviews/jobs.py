"""Interview jobs after acceptance: reading them, their public view, their event history, and
the writes the workers make as a job moves through its states.

Every state a job enters is an ``InterviewJobEvent`` written in the same transaction as the
job's status, so the history the SSE stream replays and the status a poll reads always agree.

Worker writes are guarded by the lease (``backend.services.leases``): a worker that stalled and
lost its job to another worker must not overwrite anything, so each write is one UPDATE that
matches only while ``lease_owner`` is still the caller and the job is not finished, and says
whether it did (False: stop working on it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select, update

from backend.models.base import iso, plausible_id, utcnow
from backend.models.interviews import (
    ACTIVE_STATUSES,
    TERMINAL_STATUSES,
    InterviewJob,
    InterviewJobEvent,
    InterviewJobStatus,
    InterviewSource,
)
from backend.services import leases
from backend.services.errors import Conflict, InvalidInput, NotFound
from backend.services.interviews import credits, failures
from backend.services.interviews.search import InterviewFilter, find_interviews
from backend.services.storage import ObjectMissing, stored_key

# The REST prefix the job's links point at (backend.api.API_PREFIX; not imported so services
# stay free of the API layer).
API_PREFIX = "/api/v1"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
RECOMMENDATIONS = ("advance", "hold", "reject")

_ACTIVE = [s.value for s in ACTIVE_STATUSES]
_TERMINAL = frozenset(s.value for s in TERMINAL_STATUSES)


class Page(NamedTuple):
    """One page of jobs, newest first, and how many match in all."""

    rows: list[InterviewJob]
    total: int

    @property
    def items(self) -> list[InterviewJob]:  # the name the pagination helpers use elsewhere
        return self.rows


def is_terminal(status: str) -> bool:
    return status in _TERMINAL


# --- reading -------------------------------------------------------------------------------


def get_job(session: Session, *, org_id: str, job_id: str) -> InterviewJob:
    """The organisation's job; 404 for unknown ids and for other organisations' jobs alike."""
    job = session.get(InterviewJob, job_id) if plausible_id(job_id) else None
    if job is None or job.org_id != org_id:
        raise NotFound("No such job.", code="job_not_found")
    return job


def list_jobs(
    session: Session,
    *,
    org_id: str,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    status: str | None = None,
) -> Page:
    """The organisation's jobs, newest first, optionally of one status."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}.")
    if offset < 0:
        raise InvalidInput("offset cannot be negative.")
    if status is not None and status not in {s.value for s in InterviewJobStatus}:
        raise InvalidInput(f"Unknown status {status[:40]!r}.")
    rows, total = find_interviews(
        session,
        org_id=org_id,
        where=InterviewFilter(status=status),
        limit=limit,
        offset=offset,
    )
    return Page(rows=rows, total=total)


def job_events(session: Session, *, job_id: str, after_id: int = 0) -> list[InterviewJobEvent]:
    """The states job ``job_id`` entered, in order, after event ``after_id`` (0: all)."""
    return list(
        session.exec(
            select(InterviewJobEvent)
            .where(col(InterviewJobEvent.job_id) == job_id, col(InterviewJobEvent.id) > after_id)
            .order_by(col(InterviewJobEvent.id))
        ).all()
    )


def status_url(job_id: str) -> str:
    return f"{API_PREFIX}/jobs/{job_id}"


def events_url(job_id: str) -> str:
    return f"{API_PREFIX}/jobs/{job_id}/events"


def input_key(job: InterviewJob) -> str | None:
    """The storage key of the recording (or the prefix of a call's answers), while it is kept."""
    if not job.input_path or job.input_deleted_at is not None:
        return None
    try:
        return stored_key(job.input_path)
    except ObjectMissing:  # a path no store can hold
        return None


def job_view(job: InterviewJob) -> dict[str, Any]:
    """Seed 004's job object: ``result`` once completed, ``error`` once failed, the human
    ``review`` once recorded (None before)."""
    completed = job.status == InterviewJobStatus.completed.value
    failed = job.status == InterviewJobStatus.failed.value
    review = None
    if job.reviewed_at is not None:
        review = {
            "recommendation": job.review_recommendation,
            "note": job.review_note,
            "reviewer_id": job.reviewer_id,
            "reviewed_at": iso(job.reviewed_at),
        }
    return {
        "job_id": job.id,
        "status": job.status,
        "detail": job.detail,
        "role_title": job.role_title,
        "credits_charged": job.credits_charged,
        "created_at": iso(job.created_at),
        "started_at": iso(job.started_at),
        "finished_at": iso(job.finished_at),
        "duration_s": job.duration_s,
        "status_url": status_url(job.id),
        "events_url": events_url(job.id),
        "result": job.result if completed else None,
        "error": failure_view(job) if failed else None,
        "review": review,
        "input_retained": job.input_path is not None and job.input_deleted_at is None,
        "input_deleted_at": iso(job.input_deleted_at),
    }


def input_deleted_note(job: InterviewJob) -> str | None:
    """What the report and the audio route say once the input is gone (retention): "Recording
    deleted on 2026-12-07 (retention)." (or "Answers ..." for a browser interview)."""
    if job.input_deleted_at is None:
        return None
    what = "Answers" if job.source == InterviewSource.call.value else "Recording"
    return f"{what} deleted on {job.input_deleted_at:%Y-%m-%d} (retention)."


def failure_view(job: InterviewJob) -> dict[str, Any]:
    """A failed job's ``error``: the reason code and message, and whether its credits were
    refunded and why (``failures``; the refund was written with the failure, in one
    transaction, so the verdict on the stored code is what happened)."""
    code = job.error_code or "processing_failed"
    verdict = failures.judge(code)
    refunded = verdict.refund and job.credits_charged > 0
    return {
        "code": code,
        "message": job.error or "",
        "customer_fault": verdict.customer_fault,
        "refunded": refunded,
        "credits_refunded": job.credits_charged if refunded else 0,
        "refund_reason": verdict.reason,
    }


def event_view(event: InterviewJobEvent) -> dict[str, Any]:
    """The SSE ``status`` event's data."""
    return {
        "status": event.status,
        "detail": event.detail,
        "terminal": is_terminal(event.status),
        "at": iso(event.at),
    }


# --- worker writes (lease-guarded) ---------------------------------------------------------


def _held_by(owner: str) -> ColumnElement[bool]:
    return col(InterviewJob.lease_owner) == owner


def _guarded_write(
    session: Session,
    *,
    job_id: str,
    holder: ColumnElement[bool],
    values: dict[str, Any],
    at: Any,
    started: bool,
    also: Callable[[], None] | None = None,
) -> bool:
    """Compare-and-set on the lease: one UPDATE that matches only while the job is still active
    and ``holder`` (a condition on the lease) is true, then the event of the state it set, both
    committed together; rolled back and False when it matched nothing. ``started``: also set
    ``started_at`` the first time the job left the queue. ``also``: more writes for the same
    transaction, made only when the UPDATE matched (a failure's refund)."""
    result = session.exec(
        update(InterviewJob)
        .where(col(InterviewJob.id) == job_id, col(InterviewJob.status).in_(_ACTIVE), holder)
        .values(**values)
    )
    if result.rowcount != 1:
        session.rollback()
        return False
    status, detail = values["status"], values["detail"]
    session.add(InterviewJobEvent(job_id=job_id, status=status, detail=detail, at=at))
    if started:
        session.exec(
            update(InterviewJob)
            .where(col(InterviewJob.id) == job_id, col(InterviewJob.started_at).is_(None))
            .values(started_at=at)
        )
    if also is not None:
        also()
    session.commit()
    return True


class _CallActivity:
    """A finished call job's activity for the tenant webhooks: staged in the finishing
    transaction, and a sender woken once it is committed."""

    def __init__(self, session: Session, *, job_id: str, action: str) -> None:
        self.session, self.job_id, self.action = session, job_id, action
        self.queued = 0

    def stage(self) -> None:
        from backend.services.interviews import call_activity

        self.queued = call_activity.stage(self.session, job_id=self.job_id, action=self.action)

    def wake_if(self, committed: bool) -> None:
        if committed and self.queued:
            from backend.services.pipeline import webhook_deliveries

            webhook_deliveries.wake()


def _release() -> dict[str, Any]:
    # Finished: nobody may claim it again.
    return {"lease_owner": None, "lease_expires_at": None}


def _short(text: str | None, limit: int) -> str | None:
    return None if text is None else text[:limit]


def transition(
    session: Session, *, job_id: str, owner: str, status: str, detail: str | None = None
) -> bool:
    """Move a running job to a non-terminal state (``loading_weights``, ``processing_inference``,
    or back to ``queued``) with an optional detail line ("Loading whisper-large-v3 on cuda").
    False when ``owner`` lost the lease or the job is finished. Finishing goes through
    ``complete`` or ``fail``, which also store the result or the error."""
    if status not in _ACTIVE:
        raise InvalidInput(
            f"{status!r} is not a running state; use complete() or fail() to finish a job."
        )
    return _guarded_write(
        session,
        job_id=job_id,
        holder=_held_by(owner),
        values={"status": status, "detail": _short(detail, 500)},
        at=utcnow(),
        started=status != InterviewJobStatus.queued.value,
    )


def complete(session: Session, *, job_id: str, owner: str, result: dict[str, Any]) -> bool:
    """Store the result (the issue's result schema) and finish the job as ``completed``.
    False when ``owner`` lost the lease or the job is already finished."""
    if not isinstance(result, dict):
        raise InvalidInput("A job's result must be a JSON object.")
    now = utcnow()
    values = {
        "status": InterviewJobStatus.completed.value,
        "detail": None,
        "result": result,
        "error_code": None,
        "error": None,
        "finished_at": now,
        **_release(),
    }
    activity = _CallActivity(session, job_id=job_id, action="call.completed")
    done = _guarded_write(
        session,
        job_id=job_id,
        holder=_held_by(owner),
        values=values,
        at=now,
        started=True,
        also=activity.stage,
    )
    activity.wake_if(done)
    return done


def _fail(
    session: Session,
    *,
    job_id: str,
    holder: ColumnElement[bool],
    code: str,
    message: str,
    now: Any,
) -> bool:
    # Whose fault (``failures``) decides the refund; the message says what happened to the
    # credits, and the refund is committed with the failure or not at all.
    verdict = failures.judge(code[:64])
    refundable = credits.refundable(session, job_id=job_id) if verdict.refund else 0
    if refundable:
        amount = f"{refundable} credit was" if refundable == 1 else f"{refundable} credits were"
        note = f"Its {amount} refunded: the failure was on our side."
    elif verdict.customer_fault:
        note = "Its credits are not refunded: the problem is in the recording sent."
    else:
        note = ""
    # Seed 004: a failed job's detail is the reason code (e.g. "vram_unavailable").
    values = {
        "status": InterviewJobStatus.failed.value,
        "detail": code[:500],
        "error_code": code[:64],
        "error": f"{message[: 2000 - len(note) - 1]} {note}".strip(),
        "finished_at": now,
        **_release(),
    }

    activity = _CallActivity(session, job_id=job_id, action="call.failed")

    def refund_and_tell() -> None:
        if refundable:
            credits.refund(session, job_id=job_id)
        activity.stage()

    done = _guarded_write(
        session,
        job_id=job_id,
        holder=holder,
        values=values,
        at=now,
        started=False,
        also=refund_and_tell,
    )
    activity.wake_if(done)
    return done


def fail(session: Session, *, job_id: str, owner: str, code: str, message: str) -> bool:
    """Finish the job as ``failed`` with a reason code and a message a person can act on
    (``audio_unreadable``, ``vram_unavailable``, …). Credits are never charged again; a failure
    that is not the customer's is refunded in the same transaction (``failures``). False when
    ``owner`` lost the lease or the job is already finished."""
    return _fail(
        session, job_id=job_id, holder=_held_by(owner), code=code, message=message, now=utcnow()
    )


def fail_abandoned(session: Session, *, job_id: str, code: str, message: str) -> bool:
    """Fail a job that no live worker holds (the sweep's verdict on one that kept losing its
    workers, ``worker_lost``: refunded). Guarded like a lease write: only while still active and
    unleased or past its lease."""
    return _fail(
        session,
        job_id=job_id,
        holder=leases.unheld(InterviewJob),
        code=code,
        message=message,
        now=utcnow(),
    )


# --- people and retention ------------------------------------------------------------------


def automated_recommendation(job: InterviewJob) -> str | None:
    assessment = (job.result or {}).get("assessment") or {}
    value = assessment.get("recommendation")
    return value if isinstance(value, str) else None


def set_review(
    session: Session,
    *,
    org_id: str,
    job_id: str,
    reviewer_id: str,
    recommendation: str,
    note: str | None,
) -> InterviewJob:
    """Record the human decision on a completed job: confirm the automated recommendation or
    override it (then a note saying why is required). Until this, the automated
    recommendation, a reject included, is only a proposal."""
    job = get_job(session, org_id=org_id, job_id=job_id)
    if job.status != InterviewJobStatus.completed.value:
        raise Conflict("Only a completed interview can be reviewed.", code="job_not_completed")
    if recommendation not in RECOMMENDATIONS:
        raise InvalidInput(
            f"recommendation must be one of {', '.join(RECOMMENDATIONS)}.",
            code="invalid_recommendation",
        )
    note = (note or "").strip() or None
    if recommendation != automated_recommendation(job) and note is None:
        raise InvalidInput(
            "Say why you override the automated recommendation: add a note.",
            code="note_required",
        )
    job.reviewer_id = reviewer_id[:320]
    job.review_recommendation = recommendation
    job.review_note = note[:10_000] if note else None
    job.reviewed_at = utcnow()
    session.add(job)
    session.commit()
    session.refresh(job)
    return job


def mark_input_deleted(session: Session, *, job_id: str) -> bool:
    """Record that the job's recording was deleted (retention: inputs are deleted after
    processing unless the organisation keeps them). True when this call recorded it."""
    result = session.exec(
        update(InterviewJob)
        .where(col(InterviewJob.id) == job_id, col(InterviewJob.input_deleted_at).is_(None))
        .values(input_path=None, input_deleted_at=utcnow())
    )
    session.commit()
    return result.rowcount == 1
