"""How long interview recordings, browser-interview answers and resumes are kept (the minute
sweep calls ``delete_expired_media``), as uploaded zips have ``upload_retention``.

- A recording (an interview job sent as a file) is deleted after processing unless the
  organisation keeps inputs (``Organization.keep_interview_inputs``,
  ``workers.interviews.pipeline``); a kept one is deleted ``TRUELEVEL_RECORDING_RETENTION_DAYS``
  after its job finished (completed or failed).
- A browser interview's answers are always kept after processing, whatever the organisation's
  setting: the report plays each answer beside its transcript. They are deleted
  ``TRUELEVEL_ANSWER_RETENTION_DAYS`` (90 by default) after their job finished.
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
from sqlalchemy import exists, update
from sqlmodel import Session, col, select

from backend.models import Application, Candidate, InterviewJob
from backend.models.base import utcnow
from backend.models.interviews import InterviewJobStatus, InterviewSource
from backend.services.interviews import jobs
from backend.services.storage import ObjectMissing, get_storage, stored_key
from backend.settings import get_settings

BATCH = 200  # rows handled per query
_FINISHED = (InterviewJobStatus.completed.value, InterviewJobStatus.failed.value)


class SweptMedia(BaseModel):
    """What one sweep deleted."""

    recordings: int = 0
    answers: int = 0
    resumes: int = 0

    @property
    def total(self) -> int:
        return self.recordings + self.answers + self.resumes


def _delete_object(stored: str, *, folder: bool) -> None:
    try:
        key = stored_key(stored)
    except (ObjectMissing, ValueError):  # a path no store holds: nothing to delete
        return
    if folder:
        get_storage().delete_prefix(key)
    else:
        get_storage().delete(key)


def _expire_interview_inputs(session: Session, *, source: InterviewSource, before: datetime) -> int:
    """Delete the kept inputs of ``source`` jobs that finished before ``before``."""
    deleted = 0
    while True:
        due = session.exec(
            select(InterviewJob.id, InterviewJob.input_path)
            .where(
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
                _delete_object(stored, folder=source == InterviewSource.call)
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
                    _delete_object(stored, folder=False)
                    deleted += 1
            if len(due) < BATCH:
                break
    return deleted


def delete_expired_media(session: Session, *, now: datetime | None = None) -> SweptMedia:
    """Delete every kept recording, answer folder and resume past its retention period."""
    settings = get_settings()
    now = now or utcnow()
    swept = SweptMedia()
    if settings.recording_retention_days:
        before = now - timedelta(days=settings.recording_retention_days)
        swept.recordings = _expire_interview_inputs(
            session, source=InterviewSource.upload, before=before
        )
    if settings.answer_retention_days:
        before = now - timedelta(days=settings.answer_retention_days)
        swept.answers = _expire_interview_inputs(
            session, source=InterviewSource.call, before=before
        )
    if settings.resume_retention_days:
        before = now - timedelta(days=settings.resume_retention_days)
        swept.resumes = _expire_resumes(session, before=before)
    session.rollback()  # end the last read
    return swept
