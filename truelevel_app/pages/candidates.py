"""Candidate keys across every assessment of the organisation, a page at a time, and the
"Import CSV" dialog that adds candidates in bulk (``candidate_import``)."""

from __future__ import annotations

from typing import ClassVar, TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models.assessments import KeyStatus
from backend.services.candidate_key_search import CandidateKeyFilter, CandidateKeySort
from backend.services.candidate_keys import list_candidate_keys
from backend.services.candidate_profile import profile_href
from truelevel_app.components.badges import status_badge
from truelevel_app.components.bulk_actions import bulk_bar, page_tick_box, row_tick_box
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.list_filters import any_of, filter_bar, filter_select, search_box
from truelevel_app.components.tables import paged_table
from truelevel_app.display import when_iso
from truelevel_app.list_query import ANY, FilteredListState, assessment_options
from truelevel_app.list_selection import SelectableListState
from truelevel_app.pages.candidate_import import import_button, import_dialog
from truelevel_app.paging import page_count
from truelevel_app.state import SIGNIN_ROUTE, AuthState, PagedState

PAGE_SIZE = 25


class CandidateKeyRow(TypedDict):
    id: str
    key: str
    candidate: str
    profile_href: str  # the person's profile ("" when the key names no email)
    assessment_id: str
    assessment_title: str
    status: str
    expires: str
    created: str


def _row(item: dict) -> CandidateKeyRow:
    name, email = item.get("candidateName"), item.get("candidateEmail")
    return CandidateKeyRow(
        id=item["id"],
        key=item["key"],
        candidate=f"{name} <{email}>" if name and email else (email or name or "—"),
        profile_href=profile_href(email),
        assessment_id=item["assessmentId"],
        assessment_title=item["assessmentTitle"],
        status=item["status"],
        expires=when_iso(item.get("expiresAt")),
        created=when_iso(item.get("createdAt")),
    )


# The words the Status column shows.
STATUS_LABELS: dict[str, str] = {s.value: s.value for s in KeyStatus}
SORT_LABELS: dict[str, str] = {
    CandidateKeySort.newest: "Newest first",
    CandidateKeySort.oldest: "Oldest first",
    CandidateKeySort.candidate: "Candidate A–Z",
    CandidateKeySort.expires: "Expiring soonest",
}


class CandidatesState(SelectableListState, FilteredListState, PagedState, AuthState):
    EXPORT_PATH: ClassVar[str] = "/api/v1/web/candidates/export.csv"
    FILTERS: ClassVar[dict[str, tuple[str, ...] | None]] = {
        "status": (ANY, *[s.value for s in KeyStatus]),
        "assessment": None,
        "sort": tuple(s.value for s in CandidateKeySort),
    }

    rows: rx.Field[list[CandidateKeyRow]] = rx.field(default_factory=list)
    status: str = ANY
    assessment: str = ANY
    sort: str = CandidateKeySort.newest.value
    assessments: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    loading: bool = True
    error: str = ""

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    def _filter(self) -> CandidateKeyFilter:
        return CandidateKeyFilter(
            search=self.search or None,
            status=None if self.status == ANY else KeyStatus(self.status),
            assessment_id=None if self.assessment == ANY else self.assessment,
            sort=CandidateKeySort(self.sort),
        )

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        try:
            with session_scope() as session:
                result = list_candidate_keys(
                    session,
                    org_id=member.org_id,
                    limit=PAGE_SIZE,
                    offset=(max(self.page, 1) - 1) * PAGE_SIZE,
                    where=self._filter(),
                )
                self.assessments = assessment_options(session, org_id=member.org_id)
            self.total = int(result["total"])
            if self.page > self.total_pages:  # the last page emptied since it was shown
                self.page = self.total_pages
                return self._refresh()
            self.rows = [_row(item) for item in result["candidates"]]
        except Exception:
            self.error = "The candidates could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        self._read_query()
        self._keep_selection()
        return self._refresh()


def _filters() -> rx.Component:
    state = CandidatesState
    return filter_bar(
        state,
        search_box(state, placeholder="Search name, email or key", id="candidate-search"),
        filter_select(
            state,
            "status",
            label="Status",
            items=[any_of("Any status"), *STATUS_LABELS.items()],
            id="filter-key-status",
        ),
        filter_select(
            state,
            "assessment",
            label="Assessment",
            items=[any_of("Any assessment")],
            dynamic=state.assessments,
            id="filter-assessment",
        ),
        filter_select(
            state, "sort", label="Order", items=list(SORT_LABELS.items()), id="sort-candidates"
        ),
    )


def _row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row_tick_box(CandidatesState, row, row["candidate"])),
        rx.table.row_header_cell(rx.code(row["key"], variant="ghost", class_name="candidate-key")),
        rx.table.cell(
            rx.cond(
                row["profile_href"] != "",
                rx.link(row["candidate"], href=row["profile_href"], class_name="profile-link"),
                rx.text(row["candidate"]),
            )
        ),
        rx.table.cell(
            rx.link(row["assessment_title"], href="/assessments/" + row["assessment_id"].to(str))
        ),
        rx.table.cell(status_badge(row["status"])),
        rx.table.cell(row["expires"], white_space="nowrap"),
        rx.table.cell(row["created"], white_space="nowrap"),
        class_name="candidate-row",
    )


@rx.page(route="/candidates", title="Candidates · truelevel", on_load=CandidatesState.load)
def candidates_page() -> rx.Component:
    return app_shell(
        page_header(
            "Candidates",
            "Every live candidate key across your assessments.",
            import_button(),
        ),
        import_dialog(on_imported=CandidatesState.load),
        _filters(),
        bulk_bar(CandidatesState, noun="candidates"),
        paged_table(
            CandidatesState,
            noun="candidate keys",
            columns=[
                page_tick_box(CandidatesState),
                "Key",
                "Candidate",
                "Assessment",
                "Status",
                "Expires",
                "Created",
            ],
            render_row=_row_view,
            empty_title=rx.cond(
                CandidatesState.filtered,
                "No candidates match these filters",
                "No candidates yet — generate keys on an assessment to invite candidates",
            ),
            empty_icon="users",
            table_id="candidates-table",
        ),
    )
