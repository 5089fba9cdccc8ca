"""A recruiter confirms who is who in a finished interview, and the interview is re-scored.

Diarization names voices ``SPEAKER_00``, ``SPEAKER_01``…; the pipeline guesses which is the
interviewer (who asks the most questions) and, when it cannot tell, scores nothing and flags
"Speakers unclear". A recruiter of the job's organisation then says, for every speaker label,
its role (``interviewer`` or ``candidate``) or the label it is the same person as (a voice that
diarization split in two: the two labels are merged). At least one interviewer and one
candidate must remain.

Confirming stores a ``SpeakerRoleConfirmation`` (who confirmed and when) and asks a worker of the
``cpu`` queue to re-run the assessment the text path uses on the stored transcript with these
roles (``workers.interviews.rescore``): no speech model, no re-transcription, no credits. The
job keeps its result until the re-scored one replaces it, in one transaction with the
confirmation's completion; the result then carries ``speaker_roles`` (who confirmed, when, what
was merged), and the roles, metrics and assessment of the new labelling. Confirmed roles are
taken as they are: the "roles look swapped" heuristic no longer flags them.

Refused: another organisation's job (404), a job not completed or already being re-scored
(409), a mapping that leaves a speaker without a role, names a speaker the transcript lacks,
merges into a label that is itself merged, or leaves no interviewer or no candidate (422, with
every reason). This module imports nothing of the workers.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select, update

from backend.models.base import iso, utcnow
from backend.models.interviews import (
    InterviewJob,
    InterviewJobStatus,
    RescoreStatus,
    SpeakerRoleConfirmation,
)
from backend.services import leases
from backend.services.errors import Conflict
from backend.services.interviews.jobs import get_job
from backend.services.interviews.submission import Unprocessable

log = logging.getLogger(__name__)

ROLES = ("interviewer", "candidate")
MAX_SPEAKERS = 50
FIRST_WORDS = 12
ACTIVE = (RescoreStatus.queued.value, RescoreStatus.processing.value)
MAX_ATTEMPTS = 3

Label = Annotated[str, Field(min_length=1, max_length=64)]


class SpeakerRolesUpdate(BaseModel):
    """The body of ``PUT /jobs/{id}/speakers``: each speaker label's role, or the label it is
    the same person as."""

    model_config = ConfigDict(extra="forbid")

    speakers: Annotated[dict[Label, Label], Field(min_length=1, max_length=MAX_SPEAKERS)]


class Labelling(BaseModel):
    """A mapping checked against the transcript: the role of each label that remains, and the
    labels merged into another."""

    roles: dict[str, str]
    merged_into: dict[str, str]


class SpeakerSummary(BaseModel):
    """One speaker as the report's Speakers card shows it."""

    id: str
    role: str
    talk_share: float  # of all talk time, 0..1
    first_words: str


# -- reading the result ---------------------------------------------------------------------


def speaker_labels(result: Mapping[str, Any] | None) -> list[str]:
    """The speaker labels of a result's transcript, in order of first appearance."""
    seen: dict[str, None] = {}
    for row in (result or {}).get("transcript") or []:
        if isinstance(row, dict) and row.get("speaker"):
            seen.setdefault(str(row["speaker"]), None)
    return list(seen)


def current_roles(result: Mapping[str, Any] | None) -> dict[str, str]:
    """speaker label → role as the result has them (its speakers list, else the transcript)."""
    roles: dict[str, str] = {}
    for speaker in (result or {}).get("speakers") or []:
        if isinstance(speaker, dict) and speaker.get("id") and speaker.get("role") in ROLES:
            roles[str(speaker["id"])] = str(speaker["role"])
    for row in (result or {}).get("transcript") or []:
        if isinstance(row, dict) and row.get("speaker") and row.get("role") in ROLES:
            roles.setdefault(str(row["speaker"]), str(row["role"]))
    return roles


def speaker_summaries(result: Mapping[str, Any] | None) -> list[SpeakerSummary]:
    """Each speaker of the result: role, share of the talk time and the first words said."""
    rows = [r for r in (result or {}).get("transcript") or [] if isinstance(r, dict)]
    roles = current_roles(result)
    talk: dict[str, float] = {}
    words: dict[str, list[str]] = {}
    for row in rows:
        label = str(row.get("speaker") or "")
        if not label:
            continue
        span = float(row.get("end") or 0.0) - float(row.get("start") or 0.0)
        talk[label] = talk.get(label, 0.0) + max(0.0, span)
        said = words.setdefault(label, [])
        if len(said) < FIRST_WORDS:
            said.extend(str(row.get("text") or "").split()[: FIRST_WORDS - len(said)])
    total = sum(talk.values())
    return [
        SpeakerSummary(
            id=label,
            role=roles.get(label, ""),
            talk_share=round(talk[label] / total, 3) if total else 0.0,
            first_words=" ".join(words[label]),
        )
        for label in speaker_labels(result)
    ]


# -- checking a mapping ---------------------------------------------------------------------


def labelling(speakers: Mapping[str, str], labels: list[str]) -> Labelling:
    """Check ``speakers`` (label → role or label) against the transcript's ``labels``;
    ``Unprocessable`` with every reason when it cannot be used."""
    reasons: list[str] = []
    known = set(labels)
    if len(labels) < 2:
        reasons.append(
            "the transcript has only one speaker label, so there is no interviewer and "
            "candidate to tell apart"
        )
    for label in sorted(set(speakers) - known):
        reasons.append(f"speaker {label!r} is not in the transcript")
    for label in [x for x in labels if x not in speakers]:
        reasons.append(f"speaker {label!r} has no role: give it 'interviewer' or 'candidate'")
    roles: dict[str, str] = {}
    merged: dict[str, str] = {}
    for label, value in speakers.items():
        if label not in known:
            continue
        if value in ROLES:
            roles[label] = value
        elif value == label:
            reasons.append(f"speaker {label!r} cannot be merged into itself")
        elif value not in known:
            reasons.append(
                f"speaker {label!r}: {value!r} is neither a role (interviewer, candidate) nor "
                "a speaker of the transcript"
            )
        else:
            merged[label] = value
    for label, into in merged.items():
        if into not in roles:
            reasons.append(
                f"speaker {label!r} is merged into {into!r}, which must itself have a role"
            )
    if not reasons:
        if "interviewer" not in roles.values():
            reasons.append("no interviewer: give at least one speaker the role 'interviewer'")
        if "candidate" not in roles.values():
            reasons.append("no candidate: give at least one speaker the role 'candidate'")
    if reasons:
        raise Unprocessable(
            "These speaker roles cannot be used: " + "; ".join(reasons) + ".",
            code="invalid_speakers",
            reasons=reasons,
        )
    return Labelling(roles=roles, merged_into=merged)


# -- confirming -----------------------------------------------------------------------------


def latest(session: Session, *, job_id: str) -> SpeakerRoleConfirmation | None:
    """The job's newest confirmation (its current one), or None."""
    return session.exec(
        select(SpeakerRoleConfirmation)
        .where(col(SpeakerRoleConfirmation.job_id) == job_id)
        .order_by(col(SpeakerRoleConfirmation.confirmed_at).desc())
        .limit(1)
    ).first()


def confirm_roles(
    session: Session,
    *,
    org_id: str,
    job_id: str,
    speakers: Mapping[str, str],
    confirmed_by: str,
) -> SpeakerRoleConfirmation:
    """Record the recruiter's roles for the job's speakers and ask a worker to re-score the
    interview with them (the queue is told after the commit; a lost message is picked up by
    the workers' sweep). The job keeps its result until the re-scored one replaces it."""
    job = get_job(session, org_id=org_id, job_id=job_id)
    if job.status != InterviewJobStatus.completed.value or not job.result:
        raise Conflict(
            "The interview is still being processed: its speakers can be confirmed once it "
            "has completed."
            if job.status != InterviewJobStatus.failed.value
            else "The interview failed: it has no transcript whose speakers could be confirmed.",
            code="job_not_completed",
        )
    pending = latest(session, job_id=job.id)
    if pending is not None and pending.status in ACTIVE:
        raise Conflict(
            "The interview is being re-scored with the roles confirmed by "
            f"{pending.confirmed_by}; wait until it is done.",
            code="rescore_in_progress",
        )
    labelling(speakers, speaker_labels(job.result))
    confirmation = SpeakerRoleConfirmation(
        job_id=job.id,
        org_id=org_id,
        speakers=dict(speakers),
        confirmed_by=(confirmed_by.strip() or "a recruiter")[:320],
        priority=job.priority,
    )
    session.add(confirmation)
    session.commit()
    session.refresh(confirmation)
    dispatch_rescore(confirmation.id, confirmation.priority)
    return confirmation


def dispatch_rescore(confirmation_id: str, priority: int) -> bool:
    """Tell the queue (never raises: the row is durable and the sweep enqueues it again)."""
    from backend.services import dispatch

    try:
        dispatch.enqueue_rescore(confirmation_id, priority)
    except Exception:
        log.exception("enqueueing the re-scoring %s failed", confirmation_id)
        return False
    return True


def confirmation_view(row: SpeakerRoleConfirmation | None) -> dict[str, Any] | None:
    """The job view's ``speaker_roles``: the current confirmation and how its re-scoring is
    going (``queued``, ``processing``, ``completed``, ``failed`` with ``error``)."""
    if row is None:
        return None
    return {
        "status": row.status,
        "speakers": dict(row.speakers),
        "confirmed_by": row.confirmed_by,
        "confirmed_at": iso(row.confirmed_at),
        "finished_at": iso(row.finished_at),
        "error": row.error,
    }


def confirmed_block(row: SpeakerRoleConfirmation, merged_into: Mapping[str, str]) -> dict:
    """What the re-scored result says about its roles (``result["speaker_roles"]``)."""
    return {
        "confirmed_by": row.confirmed_by,
        "confirmed_at": iso(row.confirmed_at),
        "merged": dict(merged_into),
    }


# -- worker writes (lease-guarded) ----------------------------------------------------------


def claimable() -> tuple[Any, ...]:
    return (col(SpeakerRoleConfirmation.status).in_(ACTIVE),)


def start(session: Session, *, confirmation_id: str, owner: str) -> bool:
    """Mark the re-scoring as running; False when ``owner`` lost the lease."""
    result = session.exec(
        update(SpeakerRoleConfirmation)
        .where(
            col(SpeakerRoleConfirmation.id) == confirmation_id,
            col(SpeakerRoleConfirmation.status).in_(ACTIVE),
            col(SpeakerRoleConfirmation.lease_owner) == owner,
        )
        .values(status=RescoreStatus.processing.value)
    )
    session.commit()
    return result.rowcount == 1


def complete(session: Session, *, confirmation_id: str, owner: str, result: dict[str, Any]) -> bool:
    """Replace the job's result with the re-scored one and finish the confirmation, together;
    False (nothing written) when ``owner`` lost the lease or the job is no longer completed."""
    now = utcnow()
    done = session.exec(
        update(SpeakerRoleConfirmation)
        .where(
            col(SpeakerRoleConfirmation.id) == confirmation_id,
            col(SpeakerRoleConfirmation.status).in_(ACTIVE),
            col(SpeakerRoleConfirmation.lease_owner) == owner,
        )
        .values(
            status=RescoreStatus.completed.value,
            finished_at=now,
            error=None,
            lease_owner=None,
            lease_expires_at=None,
        )
    )
    row = session.get(SpeakerRoleConfirmation, confirmation_id)
    if done.rowcount != 1 or row is None:
        session.rollback()
        return False
    replaced = session.exec(
        update(InterviewJob)
        .where(
            col(InterviewJob.id) == row.job_id,
            col(InterviewJob.status) == InterviewJobStatus.completed.value,
        )
        .values(result=result)
    )
    if replaced.rowcount != 1:
        session.rollback()
        return False
    session.commit()
    return True


def fail(session: Session, *, confirmation_id: str, message: str, owner: str | None) -> bool:
    """Finish the re-scoring as failed (the job keeps its result); ``owner`` None: the sweep's
    verdict on one no live worker holds."""
    conditions = [
        col(SpeakerRoleConfirmation.id) == confirmation_id,
        col(SpeakerRoleConfirmation.status).in_(ACTIVE),
    ]
    if owner is not None:
        conditions.append(col(SpeakerRoleConfirmation.lease_owner) == owner)
    else:
        conditions.append(leases.unheld(SpeakerRoleConfirmation))
    result = session.exec(
        update(SpeakerRoleConfirmation)
        .where(*conditions)
        .values(
            status=RescoreStatus.failed.value,
            error=message[:2000],
            finished_at=utcnow(),
            lease_owner=None,
            lease_expires_at=None,
        )
    )
    session.commit()
    return result.rowcount == 1
