"""The issue library: open-source issues an assessment can use as its task. Browse and search it
a page at a time, open one issue, and add one ("Add issue")."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from pydantic import ValidationError

from backend.db import session_scope
from backend.models.assessments import IssueCreate, OssIssue
from backend.services.errors import DomainError, NotFound
from backend.services.oss_issues import create_issue, get_issue, page_of_issues
from truelevel_app.components.details import detail_frame, text_and_facts
from truelevel_app.components.dialogs import form_dialog
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.forms import text_area, text_field
from truelevel_app.components.layout import app_shell, new_button, page_header
from truelevel_app.components.list_filters import filter_bar, search_box
from truelevel_app.components.tables import paged_table
from truelevel_app.display import when
from truelevel_app.list_query import FilteredListState
from truelevel_app.paging import page_count
from truelevel_app.state import SIGNIN_ROUTE, AuthState, CreateDialogState, PagedState

PAGE_SIZE = 20
ISSUES_ROUTE = "/issues"
READ_ONLY = "Viewers cannot add issues. Ask an admin for the reviewer role."
ISSUE_LABELS = {
    "title": "Title",
    "body": "Issue text",
    "repo_url": "Repository URL",
    "repoUrl": "Repository URL",
    "issue_url": "Issue URL",
    "issueUrl": "Issue URL",
    "language": "Language",
    "difficulty": "Difficulty",
}


class IssueRow(TypedDict):
    id: str
    title: str
    language: str
    difficulty: str
    repository: str
    added: str


class IssueView(TypedDict):
    id: str
    title: str
    body: str
    repo_url: str
    issue_url: str
    language: str
    difficulty: str
    added: str


def issue_href(issue_id: str) -> str:
    return f"{ISSUES_ROUTE}/{issue_id}"


def _short_repository(url: str | None) -> str:
    """ "https://github.com/acme/limiter.git" → "acme/limiter": enough to tell repositories
    apart in a table."""
    if not url:
        return "—"
    path = url.rstrip("/").removesuffix(".git").split(":", 1)[-1].lstrip("/")
    parts = [p for p in path.split("/") if p]
    return "/".join(parts[-2:]) if len(parts) >= 2 else url


def _issue_row(issue: OssIssue) -> IssueRow:
    return IssueRow(
        id=issue.id,
        title=issue.title,
        language=issue.language or "—",
        difficulty=issue.difficulty or "—",
        repository=_short_repository(issue.repo_url),
        added=when(issue.created_at),
    )


def _issue_view(issue: OssIssue) -> IssueView:
    return IssueView(
        id=issue.id,
        title=issue.title,
        body=issue.body,
        repo_url=issue.repo_url or "",
        issue_url=issue.issue_url or "",
        language=issue.language or "—",
        difficulty=issue.difficulty or "—",
        added=when(issue.created_at),
    )


def _empty_issue() -> IssueView:
    return IssueView(
        id="", title="", body="", repo_url="", issue_url="", language="", difficulty="", added=""
    )


def _optional(form_data: dict[str, str], name: str) -> str | None:
    return form_data.get(name, "").strip() or None


class IssuesState(FilteredListState, PagedState, CreateDialogState, AuthState):
    rows: rx.Field[list[IssueRow]] = rx.field(default_factory=list)
    loading: bool = True
    error: str = ""

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        try:
            with session_scope() as session:
                shown = page_of_issues(
                    session,
                    org_id=member.org_id,
                    search=self.search or None,
                    page=self.page,
                    size=PAGE_SIZE,
                )
                self.total, self.page = shown.total, shown.page
                self.rows = [_issue_row(issue) for issue in shown.items]
        except Exception:
            self.error = "The issue library could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        self._reset_create_dialog()
        self._read_query()
        return self._refresh()

    @rx.event
    def create(self, form_data: dict[str, str]):
        self._clear_form_errors()
        member = self._authorise("edit")
        if member is None:
            self.form_error = READ_ONLY
            return
        try:
            data = IssueCreate.model_validate(
                {
                    "title": form_data.get("title", "").strip(),
                    "body": form_data.get("body", "").strip(),
                    "repo_url": _optional(form_data, "repo_url"),
                    "issue_url": _optional(form_data, "issue_url"),
                    "language": _optional(form_data, "language"),
                    "difficulty": _optional(form_data, "difficulty"),
                }
            )
        except ValidationError as exc:
            self._refuse(exc, ISSUE_LABELS)
            return
        self.creating = True
        yield
        try:
            with session_scope() as session:
                added = create_issue(session, org_id=member.org_id, data=data).id
        except DomainError as exc:
            self.form_error = exc.message
            return
        finally:
            self.creating = False
        self.show_create = False
        yield rx.redirect(issue_href(added))


class IssueDetailState(AuthState):
    issue: rx.Field[IssueView] = rx.field(default_factory=_empty_issue)
    loading: bool = True
    not_found: bool = False
    error: str = ""

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.loading, self.not_found, self.error = True, False, ""
        self.issue = _empty_issue()
        # The [issue_id] segment of the route (a var Reflex adds to the root state).
        issue_id = str(getattr(self, "issue_id", "") or "")
        try:
            with session_scope() as session:
                self.issue = _issue_view(
                    get_issue(session, org_id=member.org_id, issue_id=issue_id)
                )
        except NotFound:
            self.not_found = True
        except Exception:
            self.error = "The issue could not be loaded. Try again in a moment."
        self.loading = False
        return None


# -- list page ---------------------------------------------------------------------------------


def _issue_row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.link(row["title"], href=ISSUES_ROUTE + "/" + row["id"].to(str), weight="medium")
        ),
        rx.table.cell(row["language"]),
        rx.table.cell(row["difficulty"]),
        rx.table.cell(row["repository"]),
        rx.table.cell(row["added"], white_space="nowrap"),
        class_name="issue-row",
    )


def _add_dialog() -> rx.Component:
    errors = IssuesState.field_errors
    return form_dialog(
        text_field(
            "Title",
            "title",
            required=True,
            placeholder="Rate limiter lets bursts through after a restart",
            errors=errors,
        ),
        text_area(
            "Issue text",
            "body",
            rows="6",
            placeholder="What is wrong or missing, and what a fix must do. Candidates read "
            "this as their task brief.",
            errors=errors,
        ),
        text_field(
            "Repository URL",
            "repo_url",
            placeholder="https://github.com/acme/limiter (optional)",
            errors=errors,
        ),
        text_field(
            "Issue URL",
            "issue_url",
            placeholder="https://github.com/acme/limiter/issues/42 (optional)",
            errors=errors,
        ),
        rx.hstack(
            text_field("Language", "language", placeholder="e.g. Python", errors=errors),
            text_field(
                "Difficulty", "difficulty", placeholder="e.g. easy, medium, hard", errors=errors
            ),
            spacing="3",
            width="100%",
        ),
        open=IssuesState.show_create,
        title="Add issue",
        description="An issue from an open-source project that assessments can use as their task.",
        error=IssuesState.form_error,
        error_id="issue-error",
        submit_label="Add issue",
        submitting=IssuesState.creating,
        on_submit=IssuesState.create,
        on_cancel=IssuesState.close_create,
        form_id="add-issue-form",
        max_width="36rem",
    )


@rx.page(route=ISSUES_ROUTE, title="Issue library · truelevel", on_load=IssuesState.load)
def issues_page() -> rx.Component:
    return app_shell(
        page_header(
            "Issue library",
            "Open-source issues your assessments can use as their task.",
            new_button("Add issue", on_click=IssuesState.open_create, id="add-issue"),
        ),
        filter_bar(
            IssuesState,
            search_box(
                IssuesState,
                placeholder="Search title, text, language or repository",
                id="issue-search",
            ),
        ),
        paged_table(
            IssuesState,
            noun="issues",
            columns=["Title", "Language", "Difficulty", "Repository", "Added"],
            render_row=_issue_row_view,
            empty_title=rx.cond(
                IssuesState.filtered,
                "No issues match this search",
                "No issues yet — add an issue from an open-source project",
            ),
            empty_hint="An issue gives an assessment a real task in a real repository.",
            empty_icon="bug",
            table_id="issues-table",
        ),
        _add_dialog(),
    )


# -- detail page -------------------------------------------------------------------------------


def _external(url) -> rx.Component:
    return rx.cond(url != "", rx.link(url, href=url, is_external=True), rx.text("—"))


def _issue_details() -> rx.Component:
    issue = IssueDetailState.issue
    return rx.fragment(
        page_header(issue["title"]),
        text_and_facts(
            "Issue text",
            issue["body"],
            "issue-body",
            ("Language", issue["language"]),
            ("Difficulty", issue["difficulty"]),
            ("Repository", _external(issue["repo_url"])),
            ("Issue", _external(issue["issue_url"])),
            ("Added", issue["added"]),
        ),
    )


@rx.page(
    route=ISSUES_ROUTE + "/[issue_id]", title="Issue · truelevel", on_load=IssueDetailState.load
)
def issue_detail_page() -> rx.Component:
    return app_shell(
        detail_frame(
            back_label="Issue library",
            back_href=ISSUES_ROUTE,
            not_found=IssueDetailState.not_found,
            not_found_title="Issue not found",
            not_found_text="It may belong to another organisation, or the link is wrong.",
            not_found_id="issue-not-found",
            loading=IssueDetailState.loading & (IssueDetailState.issue["id"] == ""),
            details=rx.fragment(error_callout(IssueDetailState.error), _issue_details()),
        ),
    )
