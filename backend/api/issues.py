"""OSS-issue library: issues an assessment can use as its task (POST /assessments issueId)."""

from __future__ import annotations

from fastapi import APIRouter

from backend.api.deps import AssessmentsPrincipal, SessionDep
from backend.api.errors import BadRequestOnInvalidBodyRoute
from backend.models.assessments import IssueCreate, IssueEnvelope, IssueList
from backend.services import oss_issues

router = APIRouter(prefix="/issues", tags=["issues"], route_class=BadRequestOnInvalidBodyRoute)


@router.post("", status_code=201, response_model=IssueEnvelope)
def create_issue(body: IssueCreate, db: SessionDep, who: AssessmentsPrincipal) -> IssueEnvelope:
    """Add an issue (title, body or brief, repoUrl, issueUrl, language, difficulty)."""
    issue = oss_issues.create_issue(db, org_id=who.org_id, data=body)
    return IssueEnvelope(issue=oss_issues.public_issue(issue))


@router.get("", response_model=IssueList)
def list_issues(db: SessionDep, who: AssessmentsPrincipal) -> IssueList:
    """The organisation's issues, oldest first."""
    issues = oss_issues.list_issues(db, org_id=who.org_id)
    return IssueList(issues=[oss_issues.public_issue(i) for i in issues])


@router.get("/{issue_id}", response_model=IssueEnvelope)
def get_issue(issue_id: str, db: SessionDep, who: AssessmentsPrincipal) -> IssueEnvelope:
    """One issue of the organisation."""
    issue = oss_issues.get_issue(db, org_id=who.org_id, issue_id=issue_id)
    return IssueEnvelope(issue=oss_issues.public_issue(issue))
