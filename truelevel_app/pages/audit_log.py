"""The audit log (``/audit``, admins only): who viewed, exported, changed, shared or erased
what in the organisation, newest first, a page at a time, filtered by action and subject kind
and searched by an actor's email or id or a subject's id (``backend.services.audit``)."""

from __future__ import annotations

from typing import ClassVar, TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models import AuditEvent
from backend.services.audit import Action, Subject, page_of_events
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.list_filters import any_of, filter_bar, filter_select, search_box
from truelevel_app.components.tables import paged_table
from truelevel_app.display import when
from truelevel_app.list_query import ANY, FilteredListState
from truelevel_app.paging import page_count
from truelevel_app.state import SIGNIN_ROUTE, AuthState, PagedState

AUDIT_ROUTE = "/audit"
PAGE_SIZE = 25
NOT_ALLOWED = "Only admins can read the audit log."

ACTION_LABELS = {a.value: a.value.capitalize() for a in Action}
SUBJECT_LABELS = {
    Subject.evaluation.value: "Evaluation",
    Subject.interview.value: "Interview",
    Subject.candidate.value: "Candidate",
    Subject.assessment.value: "Assessment",
    Subject.rubric.value: "Rubric",
    Subject.settings.value: "Settings",
    Subject.api_key.value: "API key",
    Subject.member.value: "Member",
    Subject.list.value: "List",
}
ACTOR_KINDS = {"member": "", "api_key": "API key ", "system": ""}


class AuditRow(TypedDict):
    id: str
    when: str
    actor: str
    action: str
    subject: str
    subject_id: str
    detail: str


def _row(event: AuditEvent) -> AuditRow:
    actor = event.actor_label or event.actor_id or event.actor_kind
    return AuditRow(
        id=event.id,
        when=when(event.occurred_at),
        actor=ACTOR_KINDS.get(event.actor_kind, "") + actor,
        action=ACTION_LABELS.get(event.action, event.action),
        subject=SUBJECT_LABELS.get(event.subject_kind, event.subject_kind),
        subject_id=event.subject_id or "—",
        detail=event.detail or "—",
    )


class AuditLogState(FilteredListState, PagedState, AuthState):
    FILTERS: ClassVar[dict[str, tuple[str, ...] | None]] = {
        "action": (ANY, *ACTION_LABELS),
        "subject": (ANY, *SUBJECT_LABELS),
    }

    action: str = ANY
    subject: str = ANY
    rows: rx.Field[list[AuditRow]] = rx.field(default_factory=list)
    allowed: bool = False
    loading: bool = True
    error: str = ""

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.allowed = self._authorise("read_audit_log") is not None
        self.error, self.rows = "", []
        if not self.allowed:
            self.loading = False
            return None
        try:
            with session_scope() as session:
                shown = page_of_events(
                    session,
                    org_id=member.org_id,
                    action=None if self.action == ANY else self.action,
                    subject=None if self.subject == ANY else self.subject,
                    search=self.search or None,
                    page=self.page,
                    size=PAGE_SIZE,
                )
                self.total, self.page = shown.total, shown.page
                self.rows = [_row(event) for event in shown.items]
        except Exception:
            self.error = "The audit log could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        self._read_query()
        return self._refresh()


S = AuditLogState


def _row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["when"], white_space="nowrap"),
        rx.table.cell(row["actor"], word_break="break-all"),
        rx.table.cell(rx.badge(row["action"], variant="surface")),
        rx.table.cell(row["subject"]),
        rx.table.cell(rx.code(row["subject_id"], variant="ghost")),
        rx.table.cell(row["detail"]),
        class_name="audit-row",
    )


def _filters() -> rx.Component:
    return filter_bar(
        S,
        search_box(S, placeholder="Search actor email or id, or a subject's id", id="audit-search"),
        filter_select(
            S,
            "action",
            label="Action",
            items=[any_of("Any action"), *ACTION_LABELS.items()],
            id="filter-action",
        ),
        filter_select(
            S,
            "subject",
            label="Subject",
            items=[any_of("Any subject"), *SUBJECT_LABELS.items()],
            id="filter-subject",
        ),
    )


@rx.page(route=AUDIT_ROUTE, title="Audit log · truelevel", on_load=AuditLogState.load)
def audit_log_page() -> rx.Component:
    return app_shell(
        page_header(
            "Audit log",
            "Who viewed, exported, changed, shared or erased what in your organisation.",
        ),
        rx.cond(
            S.allowed,
            rx.fragment(
                _filters(),
                paged_table(
                    S,
                    noun="events",
                    columns=["When", "Who", "Action", "Subject", "Id", "Detail"],
                    render_row=_row_view,
                    empty_title=rx.cond(
                        S.filtered, "No events match these filters", "Nothing recorded yet"
                    ),
                    empty_hint="Reports read, downloads, exports and changes appear here.",
                    empty_icon="scroll-text",
                    table_id="audit-table",
                ),
            ),
            rx.cond(~S.loading, error_callout(NOT_ALLOWED, id="audit-not-allowed")),
        ),
    )
