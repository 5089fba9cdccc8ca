"""How long interview recordings, browser-interview answers and resumes are kept (the minute
sweep calls ``delete_expired_media``), as uploaded zips have ``upload_retention``.

- A recording (an interview job sent as a file) is deleted after processing unless the
  organisation keeps inputs (``Organization.keep_interview_inputs``,
  ``workers.interviews.pipeline``); a kept one is deleted ``TRUELEVEL_RECORDING_RETENTION_DAYS``
  after its job finished (completed or failed).
- A browser interview's answers are kept after processing (the report plays each answer beside
  its transcript) and deleted ``TRUELEVEL_ANSWER_RETENTION_DAYS`` (90 by default) after their
  job finished.
- An organisation may have set a shorter period of its own for either, or "right after
  processing" (its Settings page): ``retention_policy.retention_of`` says which period applies,
  and the sweep deletes by it (those of organisations with no period of their own in one pass).
- A resume of a candidate or an application is deleted ``TRUELEVEL_RESUME_RETENTION_DAYS``
  after the row was last updated (a candidate's only once none of their applications was
  updated since).

0 keeps them (the default for recordings and resumes). The row is marked before the object
goes (``input_deleted_at``, ``resume_deleted_at``), so the API and the report say "deleted on
<date> (retention)" instead of failing to read it; a failure between the two leaves an object
nothing names, never a row naming nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import ColumnElement, exists, update
from sqlmodel import Session, col, select

from backend.models import Application, Candidate, InterviewJob
from backend.models.base import utcnow
from backend.models.interviews import InterviewJobStatus, InterviewSource
from backend.models.organisation_settings import MediaKind, Retention, installation_ceiling
from backend.services.interviews import jobs
from backend.services.retention_policy import has_own_retention, own_retentions
from backend.services.storage import ObjectMissing, get_storage, stored_key
from backend.settings import get_settings

BATCH = 200  # rows handled per query
ORGS_PER_QUERY = 500  # organisations with the same own period swept by one query
SOURCES = {MediaKind.recordings: InterviewSource.upload, MediaKind.answers: InterviewSource.call}
_FINISHED = (InterviewJobStatus.completed.value, InterviewJobStatus.failed.value)


class SweptMedia(BaseModel):
    """What one sweep deleted."""

    recordings: int = 0
    answers: int = 0
    resumes: int = 0

    @property
    def total(self) -> int:
        return self.recordings + self.answers + self.resumes


def delete_stored(stored: str, *, folder: bool) -> None:
    """Delete a stored object (or, ``folder``, every object under it); nothing when no store
    holds the path."""
    try:
        key = stored_key(stored)
    except (ObjectMissing, ValueError):  # a path no store holds: nothing to delete
        return
    if folder:
        get_storage().delete_prefix(key)
    else:
        get_storage().delete(key)


def _expire_interview_inputs(
    session: Session, *, source: InterviewSource, before: datetime, whose: ColumnElement[bool]
) -> int:
    """Delete the kept inputs of ``source`` jobs of the organisations ``whose`` selects that
    finished before ``before``."""
    deleted = 0
    while True:
        due = session.exec(
            select(InterviewJob.id, InterviewJob.input_path)
            .where(
                whose,
                col(InterviewJob.source) == source.value,
                col(InterviewJob.status).in_(_FINISHED),
                col(InterviewJob.finished_at) <= before,
                col(InterviewJob.input_path).is_not(None),
                col(InterviewJob.input_deleted_at).is_(None),
            )
            .limit(BATCH)
        ).all()
        for job_id, stored in due:
            if jobs.mark_input_deleted(session, job_id=job_id):
                delete_stored(stored, folder=source == InterviewSource.call)
                deleted += 1
        if len(due) < BATCH:
            return deleted


def _mark_resume_deleted(
    session: Session, table: type[Candidate | Application], row_id: str
) -> bool:
    result = session.exec(
        update(table)
        .where(col(table.id) == row_id, col(table.resume_path).is_not(None))
        .values(resume_path=None, resume_deleted_at=utcnow())
    )
    session.commit()
    return result.rowcount == 1


def _expire_resumes(session: Session, *, before: datetime) -> int:
    """Delete resumes of applications, then of candidates, not updated since ``before``."""
    recent_application = exists().where(
        col(Application.candidate_id) == col(Candidate.id), col(Application.updated_at) > before
    )
    deleted = 0
    for table, extra in ((Application, ()), (Candidate, (~recent_application,))):
        while True:
            due = session.exec(
                select(table.id, table.resume_path)
                .where(
                    col(table.resume_path).is_not(None),
                    col(table.updated_at) <= before,
                    *extra,
                )
                .limit(BATCH)
            ).all()
            for row_id, stored in due:
                if _mark_resume_deleted(session, table, row_id):
                    delete_stored(stored, folder=False)
                    deleted += 1
            if len(due) < BATCH:
                break
    return deleted


def _cutoff(retention: Retention, now: datetime) -> datetime | None:
    """Media of jobs finished at or before this are past ``retention`` (None: kept)."""
    if retention.after_processing:
        return now
    return None if retention.days is None else now - timedelta(days=retention.days)


def _expire_kind(session: Session, kind: MediaKind, now: datetime) -> int:
    """Delete ``kind`` past each organisation's retention: one pass at the installation's
    period for the organisations without one of their own, one per distinct own period."""
    source = SOURCES[kind]
    by_cutoff: dict[datetime, list[str]] = {}
    for org_id, retention in own_retentions(session, kind=kind).items():
        if (before := _cutoff(retention, now)) is not None:
            by_cutoff.setdefault(before, []).append(org_id)
    deleted = 0
    installation = installation_ceiling(kind)
    if installation:
        deleted += _expire_interview_inputs(
            session,
            source=source,
            before=now - timedelta(days=installation),
            whose=~has_own_retention(kind, col(InterviewJob.org_id)),
        )
    for before, org_ids in by_cutoff.items():
        for start in range(0, len(org_ids), ORGS_PER_QUERY):
            chunk = org_ids[start : start + ORGS_PER_QUERY]
            deleted += _expire_interview_inputs(
                session, source=source, before=before, whose=col(InterviewJob.org_id).in_(chunk)
            )
    return deleted


def delete_expired_media(session: Session, *, now: datetime | None = None) -> SweptMedia:
    """Delete every kept recording, answer folder and resume past its retention period (the
    organisation's own where it set one, ``retention_policy``)."""
    settings = get_settings()
    now = now or utcnow()
    swept = SweptMedia(
        recordings=_expire_kind(session, MediaKind.recordings, now),
        answers=_expire_kind(session, MediaKind.answers, now),
    )
    if settings.resume_retention_days:
        before = now - timedelta(days=settings.resume_retention_days)
        swept.resumes = _expire_resumes(session, before=before)
    session.rollback()  # end the last read
    return swept
