"""How far candidates got, per assessment (the dashboard's funnel): invited (live keys) →
started (keys redeemed) → submitted (evaluations of the assessment) → reviewed (evaluations a
reviewer finalised) → hired (sessions marked hired). For the ``FUNNEL_LIMIT`` newest live
assessments of one organisation, in one grouped query per step."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.models import Assessment, CandidateKey, CandidateSession
from backend.models.assessments import SessionStatus
from backend.models.evaluations import Evaluation, EvaluationStatus

FUNNEL_LIMIT = 10


class FunnelRow(BaseModel):
    assessment_id: str
    title: str
    invited: int = 0
    started: int = 0
    submitted: int = 0
    reviewed: int = 0
    hired: int = 0


def _per_assessment(session: Session, column, ids: list[str], *conditions) -> dict[str, int]:
    rows = session.exec(
        select(column, func.count()).where(col(column).in_(ids), *conditions).group_by(column)
    ).all()
    return {assessment_id: int(count) for assessment_id, count in rows}


def assessment_funnel(session: Session, *, org_id: str) -> list[FunnelRow]:
    """The newest live assessments first, each with its step counts."""
    assessments = session.exec(
        select(Assessment.id, Assessment.title)
        .where(Assessment.org_id == org_id, col(Assessment.deleted_at).is_(None))
        .order_by(col(Assessment.created_at).desc())
        .limit(FUNNEL_LIMIT)
    ).all()
    ids = [assessment_id for assessment_id, _ in assessments]
    if not ids:
        return []
    key_ids = col(CandidateKey.assessment_id)
    live_key = col(CandidateKey.revoked_at).is_(None)
    invited = _per_assessment(session, key_ids, ids, live_key)
    started = _per_assessment(session, key_ids, ids, col(CandidateKey.redeemed_at).is_not(None))
    evaluation_ids = col(Evaluation.assessment_id)
    submitted = _per_assessment(session, evaluation_ids, ids)
    reviewed = _per_assessment(
        session, evaluation_ids, ids, col(Evaluation.status) == EvaluationStatus.completed.value
    )
    hired = _per_assessment(
        session,
        col(CandidateSession.assessment_id),
        ids,
        col(CandidateSession.status) == SessionStatus.hired.value,
    )
    return [
        FunnelRow(
            assessment_id=assessment_id,
            title=title,
            invited=invited.get(assessment_id, 0),
            started=started.get(assessment_id, 0),
            submitted=submitted.get(assessment_id, 0),
            reviewed=reviewed.get(assessment_id, 0),
            hired=hired.get(assessment_id, 0),
        )
        for assessment_id, title in assessments
    ]
