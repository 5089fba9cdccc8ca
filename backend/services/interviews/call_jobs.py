"""A finished browser interview becomes one interview job.

A call has several answers rather than one recording, so it does not go through the upload
path (``submission.submit_recording``): the job's input is the call's answers folder, its length
the sum of the answers' lengths, and it is charged like an upload of that length (1 credit per
started minute, ``credits.credits_needed``) by the same ``submission.add_charged_job``. Job,
first state event, charge and the call's switch to ``processing`` are one transaction, and the
call is claimed with a conditional update first, so two "finish" clicks arriving together make
one job and one charge.
"""

from __future__ import annotations

import hashlib
import logging

from sqlalchemy import update
from sqlmodel import Session, col, select

from backend.models.interviews import (
    CallStatus,
    InterviewAnswer,
    InterviewCall,
    InterviewJob,
    InterviewSource,
    new_job_id,
)
from backend.models.pipeline import Job
from backend.services import dispatch
from backend.services.errors import Conflict
from backend.services.interviews import call_activity, submission
from backend.services.pipeline import webhook_deliveries
from backend.services.storage import get_storage, stored_key

log = logging.getLogger(__name__)


def job_for_call(session: Session, *, call: InterviewCall) -> InterviewJob:
    """The interview job of a finished call, created (and charged) now unless it exists.

    Every question must have an answer whose file is stored (409 ``answers_missing``
    otherwise). Raises what ``credits.charge`` raises (402 when the balance does not cover the
    answers), in which case nothing is written. Commits; does not enqueue (see
    :func:`dispatch_call_job`, to be called after this returns)."""
    from backend.services.interviews import calls

    if call.interview_job_id:
        existing = session.get(InterviewJob, call.interview_job_id)
        if existing is not None:
            return existing
    answers = list(
        session.exec(
            select(InterviewAnswer)
            .where(InterviewAnswer.call_id == call.id)
            .order_by(col(InterviewAnswer.question_index))
        )
    )
    store = get_storage()
    present = {a.question_index for a in answers if a.size > 0 and store.exists(stored_key(a.path))}
    missing = [i for i in range(len(call.questions)) if i not in present]
    if missing:
        raise Conflict(
            f"{len(missing)} of {len(call.questions)} questions have no answer yet.",
            code="answers_missing",
            missing=missing,
        )
    answers = [a for a in answers if a.question_index < len(call.questions)]
    # A length missing at upload (the probe was not available then) is measured again now.
    for answer in answers:
        if answer.duration_s is None:
            with store.local_copy(stored_key(answer.path)) as path:
                answer.duration_s = calls.measure_duration(path)
            session.add(answer)
    durations = [a.duration_s for a in answers]
    duration_s = round(sum(durations), 3) if all(d is not None for d in durations) else None
    posting = session.get(Job, call.job_id)
    job_id = new_job_id()

    # Claim the call first: the second of two concurrent finishes updates no row and stops
    # here, before it could create or charge anything.
    claimed = session.exec(
        update(InterviewCall)
        .where(
            col(InterviewCall.id) == call.id,
            col(InterviewCall.interview_job_id).is_(None),
            col(InterviewCall.status).in_([CallStatus.pending.value, CallStatus.in_progress.value]),
        )
        .values(interview_job_id=job_id, status=CallStatus.processing.value)
    )
    if claimed.rowcount != 1:
        session.rollback()
        session.refresh(call)
        if call.interview_job_id:
            existing = session.get(InterviewJob, call.interview_job_id)
            if existing is not None:
                return existing
        raise Conflict("This interview can no longer be sent.", code="interview_finished")

    try:
        job = InterviewJob(
            id=job_id,
            org_id=call.org_id,
            source=InterviewSource.call.value,
            role_title=(posting.title if posting is not None else "") or "Interview",
            call_id=call.id,
            input_path=calls.answers_relative_dir(call.id),
            input_filename=None,
            input_bytes=sum(a.size for a in answers),
            # One fingerprint for the whole set, from the answers' own hashes in order.
            input_sha256=hashlib.sha256(
                "\n".join(a.sha256 for a in answers).encode("ascii")
            ).hexdigest(),
            duration_s=duration_s,
            detail=f"{len(answers)} answers received",
        )
        # Within this transaction: a 402 leaves no job, no event and no claimed call behind.
        submission.add_charged_job(session, job=job)
        session.flush()
        queued = call_activity.stage(session, job_id=job.id, action="call.processing")
        session.commit()
    except Exception:
        session.rollback()
        session.refresh(call)
        raise
    if queued:
        webhook_deliveries.wake()
    session.refresh(job)
    session.refresh(call)
    return job


def dispatch_call_job(job: InterviewJob) -> None:
    """Wake a worker for the job. Losing the message loses nothing: the row is durable and the
    workers' sweep enqueues whatever is still queued."""
    try:
        dispatch.enqueue_interview(job.id, job.priority)
    except Exception:
        log.exception("enqueueing interview job %s failed", job.id)
