"""Test orders: what every ATS integration shares.

An ATS sends one of the organisation's assessments to a candidate: that becomes a candidate key
with its invite email (the same key and email a recruiter would generate) and an
:class:`AtsTestOrder` remembering the ATS's handle and where its completion notice goes. The
candidate's progress is read from the key, its session and its evaluation, never stored twice.
A second request for the same test instance (an ATS retrying after a timeout) returns the order
it already made: one candidate, one key, one invite.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models import Assessment, AtsTestOrder, CandidateKey, CandidateSession, Evaluation
from backend.models.assessments import KeysCreate, KeyStatus, key_status
from backend.models.ats import Ats
from backend.models.base import utcnow
from backend.models.evaluations import EvaluationStatus
from backend.services import assessments, candidate_keys
from backend.services.errors import NotFound
from backend.services.evaluations.cohort_position import overall_score
from backend.services.evaluations.queries import evaluation_view
from backend.services.evaluations.session_submission import submission_for_session
from backend.services.ownership import find_owned
from backend.settings import get_settings


class TestState(StrEnum):
    """Where a sent test stands, as an ATS is told."""

    sent = "sent"  # the invite went out; the key is not redeemed yet
    in_progress = "in_progress"  # the candidate started
    submitted = "submitted"  # the work is in, its evaluation is not ready
    complete = "complete"  # the evaluation has a result (a reviewer may still adjust it)
    failed = "failed"  # the work could not be evaluated
    expired = "expired"  # the key or the session ran out of time
    cancelled = "cancelled"  # the ATS or the recruiter withdrew it


class TestProgress(BaseModel):
    """One sent test, as far as the candidate got."""

    state: TestState
    assessment_title: str
    started_at: datetime | None = None
    submitted_at: datetime | None = None
    completed_at: datetime | None = None
    # With a result: the share of the rubric's maximum reached (0-100, after a reviewer's
    # adjustments), the verdict, and where the recruiter reads the report.
    score: float | None = None
    recommendation: str | None = None
    seniority: str | None = None
    confidence: float | None = None
    reviewed: bool = False
    report_url: str | None = None
    failure: str | None = None


class CandidateIn(BaseModel):
    """The candidate as an ATS describes them."""

    email: str
    name: str | None = None
    external_id: str | None = None
    profile_url: str | None = None

    @staticmethod
    def full_name(first: str, last: str) -> str | None:
        """The name "First Last" from the ATS's two name fields (None when both are empty)."""
        return " ".join(part for part in (first, last) if part) or None


def list_tests(session: Session, *, org_id: str) -> list[Assessment]:
    """The tests an ATS may send: the organisation's live assessments, oldest first."""
    return assessments.list_assessments(session, org_id=org_id)


def _existing(
    session: Session,
    *,
    org_id: str,
    ats: Ats,
    assessment_id: str,
    candidate: CandidateIn,
    notice_url: str | None,
) -> AtsTestOrder | None:
    query = select(AtsTestOrder).where(
        AtsTestOrder.org_id == org_id,
        AtsTestOrder.ats == ats.value,
        AtsTestOrder.assessment_id == assessment_id,
        col(AtsTestOrder.cancelled_at).is_(None),
    )
    if notice_url:  # Greenhouse names each test instance by its PATCH URL
        query = query.where(AtsTestOrder.notice_url == notice_url)
    elif candidate.external_id:  # Ashby: one live test per application and assessment
        query = query.where(AtsTestOrder.external_candidate_id == candidate.external_id)
    else:
        return None
    return session.exec(query).first()


def send_test(
    session: Session,
    *,
    org_id: str,
    ats: Ats,
    assessment_id: str,
    candidate: CandidateIn,
    notice_url: str | None = None,
    sealed_partner_key: str | None = None,
) -> AtsTestOrder:
    """Send assessment ``assessment_id`` to the candidate: a key, its invite email, and the
    order. NotFound for an assessment that is not the organisation's live one."""
    assessment = assessments.get_assessment(session, org_id=org_id, assessment_id=assessment_id)
    existing = _existing(
        session,
        org_id=org_id,
        ats=ats,
        assessment_id=assessment.id,
        candidate=candidate,
        notice_url=notice_url,
    )
    if existing is not None:
        return existing
    request = KeysCreate(
        count=1, candidate_emails=[candidate.email], candidate_names=[candidate.name or ""]
    )
    (key,) = candidate_keys.generate_keys(
        session, org_id=org_id, assessment_id=assessment.id, data=request
    )
    order = AtsTestOrder(
        org_id=org_id,
        ats=ats.value,
        assessment_id=assessment.id,
        candidate_key_id=key.id,
        external_candidate_id=candidate.external_id,
        external_profile_url=candidate.profile_url,
        notice_url=notice_url,
        sealed_partner_key=sealed_partner_key,
    )
    session.add(order)
    session.commit()
    session.refresh(order)
    return order


def get_order(session: Session, *, org_id: str, ats: Ats, order_id: str) -> AtsTestOrder:
    """The organisation's order sent by ``ats``; NotFound otherwise."""
    order = find_owned(session, AtsTestOrder, order_id, org_id=org_id)
    if order is None or order.ats != ats.value:
        raise NotFound("No test was sent with this id.")
    return order


def cancel(session: Session, *, order: AtsTestOrder) -> AtsTestOrder:
    """Withdraw the test: the order is cancelled and its key stops working (idempotent)."""
    now = utcnow()
    if order.cancelled_at is None:
        order.cancelled_at = now
        session.add(order)
    key = session.get(CandidateKey, order.candidate_key_id)
    if key is not None and key.revoked_at is None:
        key.revoked_at = now
        session.add(key)
    session.commit()
    session.refresh(order)
    return order


def evaluation_of(session: Session, key: CandidateKey) -> Evaluation | None:
    """The evaluation of the key's session (a session submits once; None before it did)."""
    if key.session_id is None:
        return None
    return submission_for_session(session, session_id=key.session_id)


def report_url(evaluation: Evaluation) -> str:
    """Where a recruiter of the organisation reads the evaluation (after signing in)."""
    return f"{get_settings().public_url.rstrip('/')}/evaluations/{evaluation.id}"


def progress(session: Session, *, order: AtsTestOrder) -> TestProgress:
    """How far the candidate got, read from the key, its session and its evaluation."""
    key = session.get(CandidateKey, order.candidate_key_id)
    assessment = session.get(Assessment, order.assessment_id)
    title = assessment.title if assessment is not None else ""
    if key is None or order.cancelled_at is not None or key.revoked_at is not None:
        return TestProgress(state=TestState.cancelled, assessment_title=title)
    candidate_session = (
        session.get(CandidateSession, key.session_id) if key.session_id is not None else None
    )
    started = candidate_session.started_at if candidate_session is not None else None
    submitted = candidate_session.completed_at if candidate_session is not None else None
    evaluation = evaluation_of(session, key)
    if evaluation is not None:
        return _evaluated(evaluation, title=title, started=started)
    status = key_status(key, candidate_session)
    state = {
        KeyStatus.pending.value: TestState.sent,
        KeyStatus.active.value: TestState.in_progress,
        KeyStatus.expired.value: TestState.expired,
    }.get(status, TestState.submitted)
    return TestProgress(
        state=state, assessment_title=title, started_at=started, submitted_at=submitted
    )


def _evaluated(evaluation: Evaluation, *, title: str, started: datetime | None) -> TestProgress:
    view = evaluation_view(evaluation)
    base = TestProgress(
        state=TestState.submitted,
        assessment_title=title,
        started_at=started,
        submitted_at=evaluation.created_at,
    )
    if evaluation.status == EvaluationStatus.failed:
        reason = view.failure.reason if view.failure is not None else None
        return base.model_copy(update={"state": TestState.failed, "failure": reason})
    if view.result is None:
        return base
    return base.model_copy(
        update={
            "state": TestState.complete,
            "completed_at": evaluation.completed_at or evaluation.stage_started_at,
            "score": overall_score(evaluation),
            "recommendation": view.result.recommendation,
            "seniority": view.result.calibrated_seniority,
            "confidence": view.result.confidence_score,
            "reviewed": evaluation.status == EvaluationStatus.completed,
            "report_url": report_url(evaluation),
        }
    )
