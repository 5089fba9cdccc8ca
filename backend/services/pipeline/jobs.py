"""Jobs, their scheduling switch and their schedule settings."""

from __future__ import annotations

from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.pipeline import (
    Job,
    JobCreate,
    JobUpdate,
    ScheduleSetting,
    ScheduleSettingUpdate,
)
from backend.services.errors import Conflict, commit_or_conflict
from backend.services.ownership import get_owned
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, Page, paginate


def create_job(session: Session, *, org_id: str, data: JobCreate) -> Job:
    """Create a job. 409 ``duplicate_source_id`` when the organisation already has a job with
    this ``source_id``."""
    if data.source_id:
        existing = get_job_by_source_id(session, org_id=org_id, source_id=data.source_id)
        if existing is not None:
            raise _duplicate(existing)
    job = Job(org_id=org_id, **data.model_dump())
    session.add(job)
    commit_or_conflict(
        session, message="A job with this source_id already exists.", code="duplicate_source_id"
    )
    session.refresh(job)
    return job


def list_jobs(
    session: Session,
    *,
    org_id: str,
    page: int = DEFAULT_PAGE,
    size: int = DEFAULT_PAGE_SIZE,
    source_id: str | None = None,
) -> Page[Job]:
    """The organisation's jobs, newest first, optionally only the one with ``source_id``."""
    statement = select(Job).where(Job.org_id == org_id)
    if source_id is not None:
        statement = statement.where(Job.source_id == source_id)
    statement = statement.order_by(col(Job.created_at).desc(), col(Job.id).desc())
    return paginate(session, statement, page=page, size=size)


def get_job(session: Session, *, org_id: str, job_id: str) -> Job:
    """The job, or NotFound (also for another organisation's job)."""
    return get_owned(
        session,
        Job,
        job_id,
        org_id=org_id,
        message=f"Job {job_id} not found.",
        code="job_not_found",
    )


def get_job_by_source_id(session: Session, *, org_id: str, source_id: str) -> Job | None:
    """The organisation's job with this ATS ``source_id``, or None."""
    return session.exec(select(Job).where(Job.org_id == org_id, Job.source_id == source_id)).first()


def update_job(session: Session, *, org_id: str, job_id: str, data: JobUpdate) -> Job:
    """Apply the fields the client sent."""
    job = get_job(session, org_id=org_id, job_id=job_id)
    changes = data.changes()
    if changes:
        for name, value in changes.items():
            setattr(job, name, value)
        job.updated_at = utcnow()
        session.add(job)
        session.commit()
        session.refresh(job)
    return job


def set_scheduling(session: Session, *, org_id: str, job_id: str, scheduling: bool) -> Job:
    """Switch interview scheduling for the job on or off."""
    job = get_job(session, org_id=org_id, job_id=job_id)
    if job.scheduling != scheduling:
        job.scheduling = scheduling
        job.updated_at = utcnow()
        session.add(job)
        session.commit()
        session.refresh(job)
    return job


def get_schedule_setting(session: Session, *, org_id: str, job_id: str) -> ScheduleSetting | None:
    """The job's saved schedule setting, or None when it was never set (defaults apply)."""
    get_job(session, org_id=org_id, job_id=job_id)
    return session.exec(
        select(ScheduleSetting).where(
            ScheduleSetting.org_id == org_id, ScheduleSetting.job_id == job_id
        )
    ).first()


def default_schedule_setting(*, org_id: str, job_id: str) -> ScheduleSetting:
    """An unsaved setting holding the defaults, for jobs that never had one."""
    return ScheduleSetting(org_id=org_id, job_id=job_id)


def put_schedule_setting(
    session: Session, *, org_id: str, job_id: str, data: ScheduleSettingUpdate
) -> ScheduleSetting:
    """Replace the job's schedule setting (PUT semantics: omitted fields take defaults)."""
    setting = get_schedule_setting(session, org_id=org_id, job_id=job_id)
    if setting is None:
        setting = ScheduleSetting(org_id=org_id, job_id=job_id)
    for name, value in data.model_dump().items():
        setattr(setting, name, value)
    setting.updated_at = utcnow()
    session.add(setting)
    commit_or_conflict(session, message="The schedule setting was changed concurrently; retry.")
    session.refresh(setting)
    return setting


def _duplicate(job: Job) -> Conflict:
    return Conflict(
        f"A job with source_id {job.source_id!r} already exists.",
        code="duplicate_source_id",
        job_id=job.id,
    )
