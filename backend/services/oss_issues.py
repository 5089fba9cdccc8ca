"""The organisation's library of open-source issues that assessments can use as their task."""

from __future__ import annotations

from sqlmodel import Session, col, select

from backend.models.assessments import IssueCreate, IssuePublic, OssIssue
from backend.models.base import iso
from backend.services.ownership import find_owned, get_owned
from backend.services.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.search_words import contains_words


def create_issue(session: Session, *, org_id: str, data: IssueCreate) -> OssIssue:
    """Add an issue to the organisation's library."""
    issue = OssIssue(
        org_id=org_id,
        title=data.title,
        body=data.body,
        repo_url=data.repo_url,
        issue_url=data.issue_url,
        language=data.language or None,
        difficulty=data.difficulty or None,
    )
    session.add(issue)
    session.commit()
    session.refresh(issue)
    return issue


def list_issues(session: Session, *, org_id: str) -> list[OssIssue]:
    """The organisation's issues, oldest first."""
    return list(
        session.exec(
            select(OssIssue)
            .where(OssIssue.org_id == org_id)
            .order_by(col(OssIssue.created_at), col(OssIssue.id))
        )
    )


def page_of_issues(
    session: Session,
    *,
    org_id: str,
    search: str | None = None,
    page: int,
    size: int = DEFAULT_PAGE_SIZE,
) -> Page[OssIssue]:
    """One page of the organisation's issues, newest first (the web app's library): with
    ``search``, those whose title, text, language or repository contains the words."""
    statement = select(OssIssue).where(OssIssue.org_id == org_id)
    matching = contains_words(
        search,
        OssIssue.title,
        OssIssue.body,
        OssIssue.language,
        OssIssue.repo_url,
        OssIssue.issue_url,
    )
    if matching is not None:
        statement = statement.where(matching)
    newest_first = statement.order_by(col(OssIssue.created_at).desc(), col(OssIssue.id).desc())
    return paginate(session, newest_first, page=page, size=size, clamp=True)


def find_issue(session: Session, *, org_id: str, issue_id: str | None) -> OssIssue | None:
    """The issue with this id in this organisation, or None (a foreign id counts as missing)."""
    return find_owned(session, OssIssue, issue_id, org_id=org_id)


def get_issue(session: Session, *, org_id: str, issue_id: str) -> OssIssue:
    """The organisation's issue, or NotFound."""
    return get_owned(session, OssIssue, issue_id, org_id=org_id, message="Issue not found.")


def public_issue(issue: OssIssue) -> IssuePublic:
    """The issue as the REST contract shows it."""
    return IssuePublic(
        id=issue.id,
        org_id=issue.org_id,
        title=issue.title,
        body=issue.body,
        repo_url=issue.repo_url,
        issue_url=issue.issue_url,
        language=issue.language,
        difficulty=issue.difficulty,
        created_at=iso(issue.created_at),
    )
