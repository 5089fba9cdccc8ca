"""What needs a recruiter's attention now (the dashboard's panels): evaluations awaiting review
with their SLA due time, finished interviews nobody has reviewed, invites that did not leave and
candidate keys about to expire. Every query is scoped to one organisation, filtered on indexed
columns and bounded (``PANEL_LIMIT`` rows per panel, plus one count)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import case, func
from sqlmodel import Session, col, select

from backend.models import Assessment, CandidateKey
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation, EvaluationStage, EvaluationStatus
from backend.models.interviews import InterviewJob, InterviewJobStatus
from backend.services.candidate_names import (
    CandidateName,
    evaluation_candidates,
    interview_candidates,
)
from backend.services.invite_delivery import InviteDelivery, invite_deliveries

PANEL_LIMIT = 10
EXPIRY_WINDOW = timedelta(hours=48)


class ReviewItem(BaseModel):
    evaluation_id: str
    candidate_ref: str
    candidate: CandidateName  # the invited person when known (``candidate_names``)
    target_role: str
    sla_tier: str
    created_at: datetime
    due_at: datetime
    overdue: bool
    attention: str | None = None


class InterviewItem(BaseModel):
    job_id: str
    role_title: str
    candidate: CandidateName  # the call's candidate when known, else the job title
    finished_at: datetime | None


class InviteItem(BaseModel):
    key_id: str
    key: str
    candidate_email: str
    assessment_id: str
    assessment_title: str
    delivery: InviteDelivery  # not_sent, queued or failed


class ExpiringKey(BaseModel):
    key_id: str
    key: str
    candidate_email: str | None
    assessment_id: str
    assessment_title: str
    expires_at: datetime


# Each panel: up to ``PANEL_LIMIT`` items, and how many there are in all.
class ReviewPanel(BaseModel):
    total: int = 0
    items: list[ReviewItem] = []


class InterviewPanel(BaseModel):
    total: int = 0
    items: list[InterviewItem] = []


class InvitePanel(BaseModel):
    total: int = 0
    items: list[InviteItem] = []


class ExpiringPanel(BaseModel):
    total: int = 0
    items: list[ExpiringKey] = []


class AttentionOverview(BaseModel):
    awaiting_review: ReviewPanel = ReviewPanel()
    interviews_ready: InterviewPanel = InterviewPanel()
    invites_not_delivered: InvitePanel = InvitePanel()
    keys_expiring: ExpiringPanel = ExpiringPanel()


def _count(session: Session, statement) -> int:
    return int(session.exec(select(func.count()).select_from(statement.subquery())).one())


def awaiting_review(session: Session, *, org_id: str, now: datetime) -> ReviewPanel:
    """Evaluations waiting for a reviewer (or marked for another look, until finalised): those
    marked first, then by SLA due time, so overdue ones lead."""
    open_statuses = [EvaluationStatus.pending.value, EvaluationStatus.in_progress.value]
    waiting = (
        select(Evaluation)
        .where(Evaluation.org_id == org_id)
        .where(
            (col(Evaluation.stage) == EvaluationStage.awaiting_review.value)
            | (col(Evaluation.attention).is_not(None) & col(Evaluation.status).in_(open_statuses))
        )
    )
    marked_first = case((col(Evaluation.attention).is_(None), 1), else_=0)
    rows = session.exec(
        waiting.order_by(
            marked_first, col(Evaluation.estimated_completion), col(Evaluation.created_at)
        ).limit(PANEL_LIMIT)
    ).all()
    names = evaluation_candidates(session, rows)
    return ReviewPanel(
        total=_count(session, waiting),
        items=[
            ReviewItem(
                evaluation_id=row.id,
                candidate_ref=row.candidate_ref,
                candidate=names[row.id],
                target_role=row.target_role,
                sla_tier=row.sla_tier,
                created_at=row.created_at,
                due_at=row.estimated_completion,
                overdue=row.estimated_completion < now,
                attention=row.attention,
            )
            for row in rows
        ],
    )


def interviews_ready(session: Session, *, org_id: str) -> InterviewPanel:
    """Finished interview jobs without a reviewer's decision, oldest first."""
    ready = select(InterviewJob).where(
        InterviewJob.org_id == org_id,
        col(InterviewJob.status) == InterviewJobStatus.completed.value,
        col(InterviewJob.reviewed_at).is_(None),
    )
    rows = session.exec(
        ready.order_by(col(InterviewJob.finished_at), col(InterviewJob.created_at)).limit(
            PANEL_LIMIT
        )
    ).all()
    names = interview_candidates(session, rows)
    return InterviewPanel(
        total=_count(session, ready),
        items=[
            InterviewItem(
                job_id=row.id,
                role_title=row.role_title,
                candidate=names[row.id],
                finished_at=row.finished_at,
            )
            for row in rows
        ],
    )


def _open_keys(org_id: str, now: datetime):
    """Keys of live assessments that a candidate could still redeem."""
    return (
        select(CandidateKey, Assessment.title)
        .join(Assessment, col(Assessment.id) == col(CandidateKey.assessment_id))
        .where(
            CandidateKey.org_id == org_id,
            col(Assessment.deleted_at).is_(None),
            col(CandidateKey.revoked_at).is_(None),
            col(CandidateKey.redeemed_at).is_(None),
            col(CandidateKey.expires_at) > now,
        )
    )


def invites_not_delivered(session: Session, *, org_id: str, now: datetime) -> InvitePanel:
    """Open keys with a candidate email whose invite has not left (not sent, queued, failed)."""
    unsent = _open_keys(org_id, now).where(
        col(CandidateKey.candidate_email).is_not(None),
        col(CandidateKey.invite_sent_at).is_(None),
    )
    rows = session.exec(unsent.order_by(col(CandidateKey.created_at)).limit(PANEL_LIMIT)).all()
    deliveries = invite_deliveries(session, keys=[key for key, _ in rows])
    items = [
        InviteItem(
            key_id=key.id,
            key=key.key,
            candidate_email=key.candidate_email or "",
            assessment_id=key.assessment_id,
            assessment_title=title,
            delivery=deliveries[key.id],
        )
        for key, title in rows
        if deliveries[key.id].state != "sent"
    ]
    return InvitePanel(total=_count(session, unsent), items=items)


def keys_expiring(session: Session, *, org_id: str, now: datetime) -> ExpiringPanel:
    """Pending keys (not redeemed, not revoked) that expire within ``EXPIRY_WINDOW``."""
    soon = _open_keys(org_id, now).where(col(CandidateKey.expires_at) <= now + EXPIRY_WINDOW)
    rows = session.exec(soon.order_by(col(CandidateKey.expires_at)).limit(PANEL_LIMIT)).all()
    return ExpiringPanel(
        total=_count(session, soon),
        items=[
            ExpiringKey(
                key_id=key.id,
                key=key.key,
                candidate_email=key.candidate_email,
                assessment_id=key.assessment_id,
                assessment_title=title,
                expires_at=key.expires_at,
            )
            for key, title in rows
        ],
    )


def attention_overview(
    session: Session, *, org_id: str, now: datetime | None = None
) -> AttentionOverview:
    now = now or utcnow()
    return AttentionOverview(
        awaiting_review=awaiting_review(session, org_id=org_id, now=now),
        interviews_ready=interviews_ready(session, org_id=org_id),
        invites_not_delivered=invites_not_delivered(session, org_id=org_id, now=now),
        keys_expiring=keys_expiring(session, org_id=org_id, now=now),
    )
