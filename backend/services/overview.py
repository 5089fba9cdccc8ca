"""What an organisation has set up, at a glance (the dashboard's figures)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from backend.models import Assessment, CandidateKey, Job, Member


@dataclass
class OrganisationCounts:
    jobs: int = 0
    assessments: int = 0
    candidate_keys: int = 0
    members: int = 0


def _count(session: Session, statement) -> int:
    return int(session.exec(select(func.count()).select_from(statement.subquery())).one())


def organisation_counts(session: Session, *, org_id: str) -> OrganisationCounts:
    """Jobs, live assessments, live candidate keys of live assessments, active members."""
    live_assessments = select(Assessment.id).where(
        Assessment.org_id == org_id, col(Assessment.deleted_at).is_(None)
    )
    return OrganisationCounts(
        jobs=_count(session, select(Job.id).where(Job.org_id == org_id)),
        assessments=_count(session, live_assessments),
        candidate_keys=_count(
            session,
            select(CandidateKey.id).where(
                CandidateKey.org_id == org_id,
                col(CandidateKey.revoked_at).is_(None),
                col(CandidateKey.assessment_id).in_(live_assessments),
            ),
        ),
        members=_count(
            session,
            select(Member.id).where(Member.org_id == org_id, col(Member.is_active).is_(True)),
        ),
    )
