"""A candidate submits the take-home from their session (seed 001 session, seed 000 evaluation).

The candidate sends a repository URL or the id of a zip they uploaded with their own key
(``POST /evaluations/uploads``). The evaluation is made from the assessment: ``target_role`` is
the assessment's role, ``target_level`` the assessment's (``mid`` unless it names another),
``candidate_ref`` the candidate key string, the rubric the assessment's, SLA tier ``standard``.

Rules:
- one submission per session: a second one is a Conflict (409 ``already_submitted``, with the
  ``evaluationId`` of the first), never a silent replacement, so the report a reviewer reads is
  always of the one artefact the candidate handed in;
- a submission after the session's deadline is accepted and marked ``submitted_late`` (the
  engine raises the ``submitted_late`` risk flag); so is one after the session was completed;
  a session the organisation marked ``hired`` takes no submission.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from backend.models.assessments import (
    Assessment,
    CandidateKey,
    CandidateSession,
    SessionStatus,
    session_status,
)
from backend.models.base import iso, plausible_id, utcnow
from backend.models.evaluations import (
    Evaluation,
    EvaluationCreate,
    RepoArtefact,
    SubmissionIn,
    SubmissionPublic,
    SubmittedEvaluation,
    ZipArtefact,
)
from backend.services.errors import Conflict, NotFound
from backend.services.evaluations.submission import submit_evaluation


def _own_session(session: Session, *, candidate_key_id: str, session_id: str) -> CandidateSession:
    row = session.get(CandidateSession, session_id) if plausible_id(session_id) else None
    if row is None or row.candidate_key_id != candidate_key_id:
        raise NotFound("Session not found.")
    return row


def submission_for_session(session: Session, *, session_id: str) -> Evaluation | None:
    """The evaluation already submitted from this session, if any."""
    return session.exec(
        select(Evaluation).where(col(Evaluation.session_id) == session_id).limit(1)
    ).first()


def submit_from_session(
    session: Session, *, candidate_key_id: str, session_id: str, data: SubmissionIn
) -> SubmittedEvaluation:
    """Create the evaluation of the session's artefact (see the module docstring for the
    rules). NotFound for another candidate's session; Conflict for a second submission or a
    hired candidate's session; InvalidInput for an upload that is not the candidate's own."""
    row = _own_session(session, candidate_key_id=candidate_key_id, session_id=session_id)
    if session_status(row) == SessionStatus.hired:
        raise Conflict(
            "This session is closed: the candidate was hired.", code="session_not_active"
        )
    existing = submission_for_session(session, session_id=row.id)
    if existing is not None:
        raise Conflict(
            "This session already has a submission; a session takes one submission only.",
            code="already_submitted",
            evaluationId=existing.id,
        )
    assessment = session.get(Assessment, row.assessment_id)
    key = session.get(CandidateKey, row.candidate_key_id)
    if assessment is None or assessment.deleted_at is not None or key is None:
        raise NotFound("Session not found.")
    now = utcnow()
    artefact = (
        RepoArtefact(type="github_repo", url=data.repo_url)
        if data.repo_url
        else ZipArtefact(type="zip_upload", upload_id=data.upload_id or "")
    )
    create = EvaluationCreate(
        candidate_ref=key.key,
        target_role=assessment.role,
        target_level=assessment.target_level,
        artefact=artefact,
        sla_tier="standard",
    )
    return submit_evaluation(
        session,
        org_id=row.org_id,
        data=create,
        assessment_id=assessment.id,
        session_id=row.id,
        submitted_late=row.deadline_at is not None and now > row.deadline_at,
        candidate_key_id=candidate_key_id,
        rubric_id=assessment.rubric_id,
    )


def public_submission(evaluation: Evaluation | SubmittedEvaluation) -> SubmissionPublic:
    """The submission as the candidate's client sees it."""
    return SubmissionPublic(
        evaluation_id=evaluation.id,
        session_id=evaluation.session_id or "",
        assessment_id=evaluation.assessment_id or "",
        status=evaluation.status,
        submitted_late=evaluation.submitted_late,
        submitted_at=iso(evaluation.created_at) or "",
        estimated_completion=iso(evaluation.estimated_completion) or "",
    )
