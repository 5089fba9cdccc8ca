"""Applications: a candidate for a job, with an optional resume and screening questions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from backend.models.base import utcnow
from backend.models.pipeline import (
    Application,
    ApplicationCreate,
    ApplicationPublic,
    ApplicationQuestionItem,
    ApplicationUpdate,
    Candidate,
    Job,
    Question,
    TriggeredEvent,
)
from backend.services.errors import Conflict, NotFound, commit_or_conflict
from backend.services.ownership import get_owned
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.pipeline import resumes, webhook_deliveries
from backend.services.pipeline.candidates import get_candidate, get_candidate_by_source_id
from backend.services.pipeline.errors import Unprocessable
from backend.services.pipeline.jobs import get_job, get_job_by_source_id
from backend.services.pipeline.questions import add_application_questions, application_questions


def create_application(
    session: Session,
    *,
    org_id: str,
    data: ApplicationCreate,
    questions: Sequence[ApplicationQuestionItem] = (),
) -> Application:
    """Create an application, with its resume and (optionally) its own questions, in one
    transaction.

    The job is ``data.job_id`` or else ``data.job_source_id`` (likewise the candidate), looked
    up in the organisation: NotFound when missing, 422 when both an id and a source id are
    sent and they name different records, 409 when the candidate already applied to the job
    or ``data.source_id`` is taken."""
    job = _resolve_job(session, org_id=org_id, data=data)
    candidate = _resolve_candidate(session, org_id=org_id, data=data)
    _ensure_new(session, org_id=org_id, job=job, candidate=candidate, source_id=data.source_id)
    application = Application(
        org_id=org_id,
        job_id=job.id,
        candidate_id=candidate.id,
        source_id=data.source_id,
        job_source_id=job.source_id or data.job_source_id,
        candidate_source_id=candidate.source_id or data.candidate_source_id,
        source_application_status=data.source_application_status,
        application_stage=data.application_stage,
    )
    # Bad base64 raises here, before anything is written.
    resume = resumes.change_resume(
        application,
        org_id=org_id,
        sent=bool(data.resume),
        encoded=data.resume,
        file_name=data.file_name,
        field="base64file" if data.base64file else "file",
    )
    session.add(application)
    try:
        if questions:
            # The questions reference the application: write it first, in the same transaction.
            session.flush()
            add_application_questions(session, application=application, items=questions)
        queued = _stage_activity(session, application, action="application.created")
        commit_or_conflict(
            session,
            message="This application already exists (same candidate and job, or source_id).",
            code="duplicate_application",
        )
    except Exception:
        session.rollback()
        resume.discard()
        raise
    if queued:
        webhook_deliveries.wake()
    session.refresh(application)
    return application


def _stage_activity(session: Session, application: Application, *, action: str) -> int:
    """Queue application activity for the tenant webhooks, in the caller's transaction."""
    return webhook_deliveries.stage_event(
        session,
        org_id=application.org_id,
        event=TriggeredEvent.application_activty,
        action=action,
        object_id=application.id,
        obj=ApplicationPublic.from_row(application).model_dump(mode="json"),
    )


def get_application(session: Session, *, org_id: str, application_id: str) -> Application:
    """The application, or NotFound (also for another organisation's application)."""
    return get_owned(
        session,
        Application,
        application_id,
        org_id=org_id,
        message=f"Application {application_id} not found.",
        code="application_not_found",
    )


def application_details(
    session: Session, *, org_id: str, application_id: str
) -> tuple[Application, Candidate, Job, list[Question]]:
    """The application with its candidate, its job and its own questions."""
    application = get_application(session, org_id=org_id, application_id=application_id)
    candidate = get_candidate(session, org_id=org_id, candidate_id=application.candidate_id)
    job = get_job(session, org_id=org_id, job_id=application.job_id)
    questions = application_questions(session, org_id=org_id, application_id=application.id)
    return application, candidate, job, questions


def list_applications(
    session: Session,
    *,
    org_id: str,
    page: int = DEFAULT_PAGE,
    size: int = DEFAULT_PAGE_SIZE,
    job_id: str | None = None,
    candidate_id: str | None = None,
    source_id: str | None = None,
    job_source_id: str | None = None,
    candidate_source_id: str | None = None,
) -> Page[Application]:
    """The organisation's applications, newest first; every filter given must match."""
    statement = select(Application).where(Application.org_id == org_id)
    filters = {
        Application.job_id: job_id,
        Application.candidate_id: candidate_id,
        Application.source_id: source_id,
        Application.job_source_id: job_source_id,
        Application.candidate_source_id: candidate_source_id,
    }
    for column, value in filters.items():
        if value is not None:
            statement = statement.where(col(column) == value)
    statement = statement.order_by(col(Application.created_at).desc(), col(Application.id).desc())
    return paginate(session, statement, page=page, size=size)


def update_application(
    session: Session, *, org_id: str, application_id: str, data: ApplicationUpdate
) -> Application:
    """Apply the status, stage and resume fields sent; a null resume removes it."""
    application = get_application(session, org_id=org_id, application_id=application_id)
    changes = data.changes(exclude={"file", "base64file", "file_name"})
    resume = resumes.change_resume(
        application,
        org_id=org_id,
        sent=data.resume_sent,
        encoded=data.resume,
        file_name=data.file_name,
        field="base64file" if data.base64file else "file",
    )
    if not changes and not resume.changed:
        return application
    stage_changed = changes.get("application_stage", application.application_stage) != (
        application.application_stage
    )
    for name, value in changes.items():
        setattr(application, name, value)
    application.updated_at = utcnow()
    session.add(application)
    queued = 0
    if stage_changed:
        queued = _stage_activity(session, application, action="application.stage_changed")
    try:
        session.commit()
    except Exception:
        session.rollback()
        resume.discard()
        raise
    resume.finish()
    if queued:
        webhook_deliveries.wake()
    session.refresh(application)
    return application


def _resolve_job(session: Session, *, org_id: str, data: ApplicationCreate) -> Job:
    if data.job_id:
        job = get_job(session, org_id=org_id, job_id=data.job_id)
        if data.job_source_id and job.source_id and job.source_id != data.job_source_id:
            raise Unprocessable(
                f"job_source_id {data.job_source_id!r} does not match job {job.id} "
                f"(source_id {job.source_id!r}).",
                field="job_source_id",
                code="source_id_mismatch",
            )
        return job
    if not data.job_source_id:  # ApplicationCreate already refuses this; callers may not
        raise Unprocessable("Send job_id or job_source_id.", field="job_id")
    job = get_job_by_source_id(session, org_id=org_id, source_id=data.job_source_id)
    if job is None:
        raise NotFound(f"No job with source_id {data.job_source_id!r}.", code="job_not_found")
    return job


def _resolve_candidate(session: Session, *, org_id: str, data: ApplicationCreate) -> Candidate:
    if data.candidate_id:
        candidate = get_candidate(session, org_id=org_id, candidate_id=data.candidate_id)
        source_id = data.candidate_source_id
        if source_id and candidate.source_id and candidate.source_id != source_id:
            raise Unprocessable(
                f"candidate_source_id {source_id!r} does not match candidate {candidate.id} "
                f"(source_id {candidate.source_id!r}).",
                field="candidate_source_id",
                code="source_id_mismatch",
            )
        return candidate
    if not data.candidate_source_id:
        raise Unprocessable("Send candidate_id or candidate_source_id.", field="candidate_id")
    candidate = get_candidate_by_source_id(
        session, org_id=org_id, source_id=data.candidate_source_id
    )
    if candidate is None:
        raise NotFound(
            f"No candidate with source_id {data.candidate_source_id!r}.",
            code="candidate_not_found",
        )
    return candidate


def _ensure_new(
    session: Session, *, org_id: str, job: Job, candidate: Candidate, source_id: str | None
) -> None:
    existing = session.exec(
        select(Application).where(
            Application.job_id == job.id, Application.candidate_id == candidate.id
        )
    ).first()
    if existing is not None:
        raise Conflict(
            "This candidate has already applied to this job.",
            code="duplicate_application",
            application_id=existing.id,
        )
    if source_id:
        existing = session.exec(
            select(Application).where(
                Application.org_id == org_id, Application.source_id == source_id
            )
        ).first()
        if existing is not None:
            raise Conflict(
                f"An application with source_id {source_id!r} already exists.",
                code="duplicate_source_id",
                application_id=existing.id,
            )
