"""Candidates (people in the pipeline) and their resumes."""

from __future__ import annotations

from sqlmodel import Session, col, select, update

from backend.models.base import utcnow
from backend.models.pipeline import Application, Candidate, CandidateCreate, CandidateUpdate
from backend.services.errors import Conflict, commit_or_conflict
from backend.services.ownership import get_owned
from backend.services.pagination import DEFAULT_PAGE, DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.pipeline import resumes

_RESUME_FIELDS = {"file", "file_name"}


def create_candidate(session: Session, *, org_id: str, data: CandidateCreate) -> Candidate:
    """Create a candidate, storing the resume when ``file`` is sent. 409
    ``duplicate_source_id`` when the organisation already has this ``source_id``."""
    existing = get_candidate_by_source_id(session, org_id=org_id, source_id=data.source_id)
    if existing is not None:
        raise _duplicate(existing)
    candidate = Candidate(org_id=org_id, **data.model_dump(exclude=_RESUME_FIELDS))
    # Bad base64 raises here, before anything is written.
    resume = resumes.change_resume(
        candidate,
        org_id=org_id,
        sent=bool(data.file),
        encoded=data.file,
        file_name=data.file_name,
        field="file",
    )
    session.add(candidate)
    try:
        commit_or_conflict(
            session,
            message="A candidate with this source_id already exists.",
            code="duplicate_source_id",
        )
    except Exception:
        resume.discard()
        raise
    session.refresh(candidate)
    return candidate


def get_candidate(session: Session, *, org_id: str, candidate_id: str) -> Candidate:
    """The candidate, or NotFound (also for another organisation's candidate)."""
    return get_owned(
        session,
        Candidate,
        candidate_id,
        org_id=org_id,
        message=f"Candidate {candidate_id} not found.",
        code="candidate_not_found",
    )


def get_candidate_by_source_id(
    session: Session, *, org_id: str, source_id: str
) -> Candidate | None:
    """The organisation's candidate with this ATS ``source_id``, or None."""
    return session.exec(
        select(Candidate).where(Candidate.org_id == org_id, Candidate.source_id == source_id)
    ).first()


def list_candidates(
    session: Session,
    *,
    org_id: str,
    page: int = DEFAULT_PAGE,
    size: int = DEFAULT_PAGE_SIZE,
    source_id: str | None = None,
) -> Page[Candidate]:
    """The organisation's candidates, newest first, optionally only ``source_id``'s.

    For GET /candidates (seed 003 flavour):
    ``list_candidates(...).map(CandidatePublic.from_row)``."""
    statement = select(Candidate).where(Candidate.org_id == org_id)
    if source_id is not None:
        statement = statement.where(Candidate.source_id == source_id)
    statement = statement.order_by(col(Candidate.created_at).desc(), col(Candidate.id).desc())
    return paginate(session, statement, page=page, size=size)


def update_candidate(
    session: Session, *, org_id: str, candidate_id: str, data: CandidateUpdate
) -> Candidate:
    """Apply the fields sent; ``file`` replaces the resume, ``"file": null`` removes it."""
    candidate = get_candidate(session, org_id=org_id, candidate_id=candidate_id)
    changes = data.changes(exclude=_RESUME_FIELDS)
    new_source_id = changes.get("source_id")
    if new_source_id and new_source_id != candidate.source_id:
        existing = get_candidate_by_source_id(session, org_id=org_id, source_id=new_source_id)
        if existing is not None:
            raise _duplicate(existing)
    resume = resumes.change_resume(
        candidate,
        org_id=org_id,
        sent="file" in data.model_fields_set,
        encoded=data.file,
        file_name=data.file_name,
        field="file",
    )
    if not changes and not resume.changed:
        return candidate
    for name, value in changes.items():
        setattr(candidate, name, value)
    candidate.updated_at = utcnow()
    session.add(candidate)
    if "source_id" in changes:
        # Applications keep a copy of the candidate's source id for filtering.
        session.exec(
            update(Application)
            .where(col(Application.candidate_id) == candidate.id)
            .values(candidate_source_id=candidate.source_id)
        )
    try:
        commit_or_conflict(
            session,
            message="A candidate with this source_id already exists.",
            code="duplicate_source_id",
        )
    except Exception:
        resume.discard()
        raise
    resume.finish()
    session.refresh(candidate)
    return candidate


def _duplicate(candidate: Candidate) -> Conflict:
    return Conflict(
        f"A candidate with source_id {candidate.source_id!r} already exists.",
        code="duplicate_source_id",
        candidate_id=candidate.id,
    )
