"""Assessments (seeds 001, 002): a task (brief or linked open-source issue), a repository, a
time limit, how long its candidate keys live, and the rubric that scores its sessions."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from backend.models.assessments import (
    Assessment,
    AssessmentCreate,
    AssessmentPublic,
    AssessmentUpdate,
    CandidateKey,
    OssIssue,
    Rubric,
)
from backend.models.base import iso, utcnow
from backend.services.billing import gate
from backend.services.errors import InvalidInput, NotFound
from backend.services.organisation_settings import default_target_level
from backend.services.oss_issues import find_issue, public_issue
from backend.services.ownership import find_owned
from backend.services.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.rubrics import find_rubric, rubric_ref


def create_assessment(
    session: Session, *, org_id: str, data: AssessmentCreate, billed: bool = True
) -> Assessment:
    """Create an assessment. Every creation path (REST, web app, demo data) comes here, so the
    billing check has exactly one place: where billing applies, 402 without an active
    subscription and 403 ``quota_exceeded`` once the period's quota is spent (the slot is
    committed with the assessment). ``billed=False`` only for the demo organisation's data.

    Brief rule: ``taskBrief`` is required unless ``issueId`` is given. With an issue and no
    brief, the brief is the issue's body. When both are given the explicit ``taskBrief`` wins:
    seed 001 says so and seed 002 says the opposite; we follow 001 because a brief the caller
    wrote on purpose should never be silently replaced. Without a target level the
    organisation's default applies (``organisation_settings.default_target_level``).
    """
    issue = None
    if data.issue_id is not None:
        issue = find_issue(session, org_id=org_id, issue_id=data.issue_id)
        if issue is None:
            raise InvalidInput(
                f"issueId {data.issue_id!r} does not match an issue in your organisation's "
                "library (POST /issues adds one)."
            )
    if (
        data.rubric_id is not None
        and find_rubric(session, org_id=org_id, rubric_id=data.rubric_id) is None
    ):
        raise InvalidInput(
            f"rubricId {data.rubric_id!r} does not match a rubric of your organisation."
        )
    # AssessmentCreate guarantees a brief or an issue; issue bodies are never empty.
    task_brief = data.task_brief or (issue.body if issue is not None else "")
    if billed:
        gate.take_assessment_slot(session, org_id=org_id)

    now = utcnow()
    assessment = Assessment(
        org_id=org_id,
        title=data.title,
        role=data.role,
        task_brief=task_brief,
        repo_url=data.repo_url,
        issue_id=data.issue_id,
        time_limit_minutes=data.time_limit_minutes,
        expires_in_days=data.expires_in_days,
        rubric_id=data.rubric_id,
        target_level=data.target_level or default_target_level(session, org_id=org_id),
        created_at=now,
        updated_at=now,
    )
    session.add(assessment)
    session.commit()
    session.refresh(assessment)
    return assessment


def _live_assessments(org_id: str) -> SelectOfScalar[Assessment]:
    return select(Assessment).where(
        Assessment.org_id == org_id, col(Assessment.deleted_at).is_(None)
    )


def list_assessments(session: Session, *, org_id: str) -> list[Assessment]:
    """The organisation's assessments that are not deleted, oldest first."""
    oldest_first = _live_assessments(org_id).order_by(
        col(Assessment.created_at), col(Assessment.id)
    )
    return list(session.exec(oldest_first))


def page_of_assessments(
    session: Session, *, org_id: str, page: int, size: int = DEFAULT_PAGE_SIZE
) -> Page[Assessment]:
    """One page of the live assessments, newest first (the web app's table)."""
    newest_first = _live_assessments(org_id).order_by(
        col(Assessment.created_at).desc(), col(Assessment.id).desc()
    )
    return paginate(session, newest_first, page=page, size=size, clamp=True)


def get_assessment(session: Session, *, org_id: str, assessment_id: str) -> Assessment:
    """The organisation's live assessment; NotFound when missing, deleted or another org's."""
    assessment = find_owned(session, Assessment, assessment_id, org_id=org_id)
    if assessment is None or assessment.deleted_at is not None:
        raise NotFound("Assessment not found.")
    return assessment


def update_assessment(
    session: Session, *, org_id: str, assessment_id: str, data: AssessmentUpdate
) -> Assessment:
    """Change the fields ``data`` sets; NotFound as ``get_assessment``. A new target level
    applies to evaluations submitted afterwards (each evaluation keeps the level it was given)."""
    assessment = get_assessment(session, org_id=org_id, assessment_id=assessment_id)
    if data.target_level is not None:
        assessment.target_level = data.target_level
    assessment.updated_at = utcnow()
    session.add(assessment)
    session.commit()
    session.refresh(assessment)
    return assessment


def delete_assessment(session: Session, *, org_id: str, assessment_id: str) -> Assessment:
    """Soft-delete the assessment and revoke its candidate keys, so neither appears in lists
    and the keys stop authenticating."""
    assessment = get_assessment(session, org_id=org_id, assessment_id=assessment_id)
    now = utcnow()
    assessment.deleted_at = now
    assessment.updated_at = now
    session.add(assessment)
    for key in session.exec(
        select(CandidateKey).where(
            CandidateKey.assessment_id == assessment.id, col(CandidateKey.revoked_at).is_(None)
        )
    ):
        key.revoked_at = now
        session.add(key)
    session.commit()
    session.refresh(assessment)
    return assessment


def public_assessments(
    session: Session, *, assessments: Sequence[Assessment]
) -> list[AssessmentPublic]:
    """Assessments as the REST contract shows them, with their issue and rubric loaded in one
    query each rather than one per assessment."""
    issue_ids = {a.issue_id for a in assessments if a.issue_id}
    rubric_ids = {a.rubric_id for a in assessments if a.rubric_id}
    issues = (
        {i.id: i for i in session.exec(select(OssIssue).where(col(OssIssue.id).in_(issue_ids)))}
        if issue_ids
        else {}
    )
    rubrics = (
        {r.id: r for r in session.exec(select(Rubric).where(col(Rubric.id).in_(rubric_ids)))}
        if rubric_ids
        else {}
    )
    out = []
    for a in assessments:
        issue = issues.get(a.issue_id) if a.issue_id else None
        rubric = rubrics.get(a.rubric_id) if a.rubric_id else None
        out.append(
            AssessmentPublic(
                id=a.id,
                org_id=a.org_id,
                title=a.title,
                role=a.role,
                task_brief=a.task_brief,
                repo_url=a.repo_url,
                issue_id=a.issue_id,
                issue=public_issue(issue) if issue is not None else None,
                rubric_id=a.rubric_id,
                rubric=rubric_ref(rubric) if rubric is not None else None,
                time_limit_minutes=a.time_limit_minutes,
                expires_in_days=a.expires_in_days,
                target_level=a.target_level,
                created_at=iso(a.created_at),
                updated_at=iso(a.updated_at),
            )
        )
    return out


def public_assessment(session: Session, *, assessment: Assessment) -> AssessmentPublic:
    """One assessment as the REST contract shows it."""
    return public_assessments(session, assessments=[assessment])[0]
