"""Code evaluations: every evaluation of the organisation (newest first), and the review queue
(evaluations the engine has scored and no reviewer has claimed yet, oldest first, so the longest
waiting candidate is reviewed next)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, ClassVar, TypedDict

import reflex as rx

from backend.db import get_engine, session_scope
from backend.models.base import utcnow
from backend.models.evaluations import LEVELS, Evaluation, EvaluationStage, EvaluationStatus
from backend.services.audit import Action, Subject
from backend.services.candidate_names import CandidateName, evaluation_candidates
from backend.services.errors import InvalidInput
from backend.services.evaluations.bulk_review import decide_many
from backend.services.evaluations.review import RECOMMENDATIONS, REVIEW_QUEUE
from backend.services.evaluations.search import (
    EvaluationFilter,
    EvaluationSort,
    RecommendationFilter,
    find_evaluations,
    recommendation_now,
)
from truelevel_app.audit_trail import each_recorded_by
from truelevel_app.components.bulk_actions import bulk_bar, page_tick_box, row_tick_box
from truelevel_app.components.dialogs import confirm_dialog
from truelevel_app.components.layout import app_shell, live_marker, page_header
from truelevel_app.components.list_filters import any_of, filter_bar, filter_select, search_box
from truelevel_app.components.tables import paged_table
from truelevel_app.display import when
from truelevel_app.list_query import ANY, FilteredListState, assessment_options
from truelevel_app.list_selection import SelectableListState
from truelevel_app.paging import page_count
from truelevel_app.state import SIGNIN_ROUTE, AuthState, LiveState, PagedState

PAGE_SIZE = 20
ALL_TAB = "all"
QUEUE_TAB = "queue"

STAGE_LABELS: dict[str, str] = {
    EvaluationStage.queued: "Queued",
    EvaluationStage.fetching: "Fetching",
    EvaluationStage.analysing: "Analysing",
    EvaluationStage.testing: "Running tests",
    EvaluationStage.scoring: "Scoring",
    EvaluationStage.awaiting_review: "Awaiting review",
    EvaluationStage.review: "In review",
    EvaluationStage.finalised: "Finalised",
    EvaluationStage.failed: "Failed",
}
STATUS_LABELS: dict[str, str] = {
    EvaluationStatus.pending: "Pending",
    EvaluationStatus.in_progress: "In progress",
    EvaluationStatus.completed: "Completed",
    EvaluationStatus.failed: "Failed",
}
RECOMMENDATION_LABELS: dict[str, str] = {
    "proceed": "Proceed",
    "hold": "Hold",
    "reject": "Reject",
    "do_not_proceed": "Do not proceed",
}
# Colours by meaning, shared by the list and the report.
_STATUS_COLOURS = [("pending", "gray"), ("in_progress", "blue"), ("completed", "green")]
_STAGE_COLOURS = [
    ("awaiting_review", "amber"),
    ("review", "blue"),
    ("finalised", "green"),
    ("failed", "red"),
]
_RECOMMENDATION_COLOURS = [("proceed", "green"), ("hold", "amber")]


def stage_label(stage: str) -> str:
    return STAGE_LABELS.get(stage, stage.replace("_", " ").capitalize())


def recommendation_label(value: str | None) -> str:
    if not value:
        return "—"
    return RECOMMENDATION_LABELS.get(value, value.replace("_", " ").capitalize())


def is_rejection(value: str | None) -> bool:
    """Whether a recommendation says no (its spelling differs between contracts)."""
    return value in ("reject", "do_not_proceed")


def coloured_badge(
    value: rx.Var[str], label: rx.Var[str], colours: list[tuple[str, str]], default: str, **props
) -> rx.Component:
    """A soft badge showing ``label``, coloured by ``value``."""
    return rx.match(
        value,
        *[(word, rx.badge(label, color_scheme=c, variant="soft", **props)) for word, c in colours],
        rx.badge(label, color_scheme=default, variant="soft", **props),
    )


def status_badge(status: rx.Var[str], label: rx.Var[str]) -> rx.Component:
    return coloured_badge(status, label, _STATUS_COLOURS, "red", class_name="evaluation-status")


def stage_badge(stage: rx.Var[str], label: rx.Var[str]) -> rx.Component:
    # Engine stages (queued … scoring) read as work in progress.
    return coloured_badge(stage, label, _STAGE_COLOURS, "indigo", class_name="evaluation-stage")


def recommendation_badge(value: rx.Var[str], label: rx.Var[str], **props: Any) -> rx.Component:
    return coloured_badge(value, label, _RECOMMENDATION_COLOURS, "red", **props)


class EvaluationRow(TypedDict):
    id: str
    # The person's name (else email, else the candidate reference) heads the row.
    candidate: str
    # Their email beneath it when a name heads it; the reference when nothing is known.
    candidate_detail: str
    candidate_ref: str
    role: str
    level: str
    status: str
    status_label: str
    stage: str
    stage_label: str
    recommendation: str
    recommendation_label: str
    # "Proposal": an automated reject no reviewer has confirmed.
    proposal: bool
    # Risk flags the engine raised, and whether a later submission asks for another look.
    flags: int
    needs_attention: bool
    created: str


def candidate_detail(candidate: CandidateName) -> str:
    """The line under a candidate's name: the email when the name heads, else the reference."""
    if candidate.name and candidate.email:
        return candidate.email
    return candidate.fallback if candidate.known else ""


def evaluation_row(evaluation: Evaluation, candidate: CandidateName) -> EvaluationRow:
    """One table row: the verdict that counts now (the reviewer's once finalised)."""
    finalised = evaluation.status == EvaluationStatus.completed
    recommendation = recommendation_now(evaluation)
    return EvaluationRow(
        id=evaluation.id,
        candidate=candidate.display,
        candidate_detail=candidate_detail(candidate),
        candidate_ref=evaluation.candidate_ref,
        role=evaluation.target_role,
        level=evaluation.target_level.capitalize(),
        status=evaluation.status,
        status_label=STATUS_LABELS.get(evaluation.status, evaluation.status),
        stage=evaluation.stage,
        stage_label=stage_label(evaluation.stage),
        recommendation=recommendation,
        recommendation_label=recommendation_label(recommendation),
        proposal=is_rejection(recommendation) and not finalised,
        flags=len((evaluation.automated_result or {}).get("risk_flags") or []),
        needs_attention=bool(evaluation.attention),
        created=when(evaluation.created_at),
    )


# Filters in the address bar (``?q=…&status=…``); the first choice of each is the default.
STATUS_CHOICES = (ANY, *[s.value for s in EvaluationStatus])
RECOMMENDATION_CHOICES = (ANY, *[r.value for r in RecommendationFilter])
LEVEL_CHOICES = (ANY, *LEVELS)
# Submitted within the last N days.
SINCE_DAYS: dict[str, int] = {"7d": 7, "30d": 30, "90d": 90}
SINCE_LABELS: dict[str, str] = {
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "90d": "Last 90 days",
}
FLAGGED, NEEDS_ATTENTION = "flagged", "attention"
FLAG_CHOICES = (ANY, FLAGGED, NEEDS_ATTENTION)
SORT_LABELS: dict[str, str] = {
    EvaluationSort.newest: "Newest first",
    EvaluationSort.oldest: "Oldest first",
    EvaluationSort.candidate: "Candidate A–Z",
    EvaluationSort.candidate_desc: "Candidate Z–A",
    EvaluationSort.confidence: "Highest confidence",
}


class EvaluationsState(SelectableListState, FilteredListState, PagedState, LiveState, AuthState):
    EXPORT_PATH: ClassVar[str] = "/api/v1/web/evaluations/export.csv"
    FILTERS: ClassVar[dict[str, tuple[str, ...] | None]] = {
        "status": STATUS_CHOICES,
        "recommendation": RECOMMENDATION_CHOICES,
        "flags": FLAG_CHOICES,
        "level": LEVEL_CHOICES,
        "since": (ANY, *SINCE_DAYS),
        "assessment": None,
        "sort": tuple(s.value for s in EvaluationSort),
    }

    rows: rx.Field[list[EvaluationRow]] = rx.field(default_factory=list)
    tab: str = ALL_TAB
    status: str = ANY
    recommendation: str = ANY
    flags: str = ANY
    level: str = ANY
    since: str = ANY
    assessment: str = ANY
    sort: str = EvaluationSort.newest.value
    assessments: rx.Field[list[dict[str, str]]] = rx.field(default_factory=list)
    total_pages: int = 1
    loading: bool = True
    error: str = ""
    # The decision a reviewer clicked, waiting for their confirmation ("" when none is).
    pending_decision: str = ""

    def _defaults(self) -> dict[str, str]:
        # The review queue is read longest waiting first.
        queue = self.tab == QUEUE_TAB
        defaults = super()._defaults()
        defaults["sort"] = (EvaluationSort.oldest if queue else EvaluationSort.newest).value
        return defaults

    def _query_params(self) -> dict[str, str]:
        tab = {"tab": QUEUE_TAB} if self.tab == QUEUE_TAB else {}
        return tab | super()._query_params()

    def _filter(self) -> EvaluationFilter:
        chosen = EvaluationFilter(
            search=self.search or None,
            status=None if self.status == ANY else EvaluationStatus(self.status),
            recommendation=(
                None if self.recommendation == ANY else RecommendationFilter(self.recommendation)
            ),
            assessment_id=None if self.assessment == ANY else self.assessment,
            target_level=None if self.level == ANY else self.level,
            created_from=(
                utcnow() - timedelta(days=SINCE_DAYS[self.since])
                if self.since in SINCE_DAYS
                else None
            ),
            flagged=self.flags == FLAGGED,
            needs_attention=self.flags == NEEDS_ATTENTION,
            sort=EvaluationSort(self.sort),
        )
        if self.tab == QUEUE_TAB:
            return chosen.model_copy(
                update={"status": REVIEW_QUEUE.status, "stage": REVIEW_QUEUE.stage}
            )
        return chosen

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        where = self._filter()
        try:
            with session_scope() as session:
                page = max(self.page, 1)
                rows, total = find_evaluations(
                    session,
                    org_id=member.org_id,
                    where=where,
                    limit=PAGE_SIZE,
                    offset=(page - 1) * PAGE_SIZE,
                )
                pages = page_count(total, PAGE_SIZE)
                if total and page > pages:  # the last page emptied meanwhile
                    self.page = page = pages
                    rows, total = find_evaluations(
                        session,
                        org_id=member.org_id,
                        where=where,
                        limit=PAGE_SIZE,
                        offset=(page - 1) * PAGE_SIZE,
                    )
                names = evaluation_candidates(session, rows)
                self.rows = [evaluation_row(e, names[e.id]) for e in rows]
                self.total, self.total_pages = total, pages
                self.assessments = assessment_options(session, org_id=member.org_id)
        except Exception:
            self.error = "The evaluations could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        wanted = self.router.url.query_parameters.get("tab", ALL_TAB)
        self.tab = QUEUE_TAB if wanted == QUEUE_TAB else ALL_TAB
        self._read_query()
        self._keep_selection()
        return self._refresh() or self._go_live()

    @rx.event
    def ask_to_decide(self, recommendation: str):
        """A decision on many evaluations is final for each: ask first."""
        if recommendation in RECOMMENDATIONS:
            self.pending_decision = recommendation

    @rx.event
    def cancel_decision(self):
        self.pending_decision = ""

    @rx.var
    def pending_decision_label(self) -> str:
        return recommendation_label(self.pending_decision) if self.pending_decision else ""

    @rx.event
    def confirm_decision(self):
        recommendation, self.pending_decision = self.pending_decision, ""
        return self._decide(recommendation) if recommendation else None

    def _decide(self, recommendation: str):
        """The reviewer's decision on every ticked evaluation that can take it; those that
        cannot stay ticked, and the notice says why they were skipped."""
        self.bulk_notice = self.bulk_error = ""
        member = self._authorise("edit")
        if member is None:
            self.bulk_error = "Only reviewers and admins can decide on evaluations."
            return None
        try:
            outcome = decide_many(
                get_engine(),
                org_id=member.org_id,
                evaluation_ids=self.selected,
                reviewer_id=member.email,
                recommendation=recommendation,
            )
        except InvalidInput as refused:
            self.bulk_error = refused.message
            return None
        except Exception:
            self.bulk_error = "The decisions could not be saved. Try again in a moment."
            return None
        each_recorded_by(
            member,
            Action.changed,
            Subject.evaluation,
            outcome.decided,
            f"bulk decision: {recommendation}",
        )
        self.bulk_notice = f"{recommendation_label(recommendation)}: {outcome.summary}"
        self.selected = [s.evaluation_id for s in outcome.skipped]
        return self._refresh()

    @rx.event
    def show_tab(self, tab: str):
        self.tab = QUEUE_TAB if tab == QUEUE_TAB else ALL_TAB
        self.sort = self._defaults()["sort"]  # each tab's own order
        self.loading = True
        return self._show_query()


def _filters() -> rx.Component:
    state = EvaluationsState
    return filter_bar(
        state,
        search_box(state, placeholder="Search name, email or reference", id="evaluation-search"),
        rx.cond(
            state.tab == ALL_TAB,
            filter_select(
                state,
                "status",
                label="Status",
                items=[any_of("Any status"), *STATUS_LABELS.items()],
                id="filter-status",
            ),
        ),
        filter_select(
            state,
            "recommendation",
            label="Recommendation",
            items=[
                any_of("Any recommendation"),
                *[(r.value, recommendation_label(r.value)) for r in RecommendationFilter],
            ],
            id="filter-recommendation",
        ),
        filter_select(
            state,
            "flags",
            label="Flags",
            items=[
                any_of("Flagged or not"),
                (FLAGGED, "Risk flags raised"),
                (NEEDS_ATTENTION, "Needs another look"),
            ],
            id="filter-flags",
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
            state,
            "level",
            label="Level",
            items=[any_of("Any level"), *[(level, level.capitalize()) for level in LEVELS]],
            id="filter-level",
        ),
        filter_select(
            state,
            "since",
            label="Submitted",
            items=[any_of("Any time"), *SINCE_LABELS.items()],
            id="filter-since",
        ),
        filter_select(
            state, "sort", label="Order", items=list(SORT_LABELS.items()), id="sort-evaluations"
        ),
    )


def _decision_buttons() -> rx.Component:
    """Proceed, hold or reject every ticked evaluation: for those who may review."""
    colours = {"proceed": "green", "hold": "amber", "reject": "red"}
    return rx.cond(
        EvaluationsState.can_edit,
        rx.hstack(
            *[
                rx.button(
                    recommendation_label(choice),
                    color_scheme=colours[choice],
                    variant="soft",
                    on_click=EvaluationsState.ask_to_decide(choice),
                    id=f"decide-{choice}",
                )
                for choice in RECOMMENDATIONS
            ],
            spacing="2",
        ),
    )


def _confirm_decision() -> rx.Component:
    state = EvaluationsState
    return confirm_dialog(
        open=state.pending_decision != "",
        title=state.pending_decision_label + " the ticked evaluations?",
        description=rx.text(
            "Each of the ",
            state.selected_count,
            " ticked evaluations that can take it gets this as the reviewer's final decision, "
            "recorded under your name. Those still running, failed or already decided are "
            "skipped.",
        ),
        confirm_label="Decide",
        on_confirm=state.confirm_decision,
        on_cancel=state.cancel_decision,
        confirm_id="confirm-decision",
    )


def _marks(row) -> rx.Component:
    """What asks for a reviewer's eye: risk flags, and "look again" after a later match."""
    return rx.hstack(
        rx.cond(
            row["flags"] > 0,
            rx.badge(
                rx.icon("flag", size=12),
                row["flags"].to(str),
                color_scheme="red",
                variant="soft",
                title="Risk flags raised by the engine",
                class_name="risk-flags",
            ),
        ),
        rx.cond(
            row["needs_attention"],
            rx.badge("Look again", color_scheme="amber", variant="soft", class_name="look-again"),
        ),
        spacing="1",
    )


def _row_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row_tick_box(EvaluationsState, row, row["candidate"])),
        rx.table.row_header_cell(
            rx.vstack(
                rx.link(
                    row["candidate"],
                    href="/evaluations/" + row["id"].to(str),
                    weight="medium",
                    class_name="candidate-name",
                ),
                rx.cond(
                    row["candidate_detail"] != "",
                    rx.text(
                        row["candidate_detail"],
                        size="1",
                        color_scheme="gray",
                        class_name="candidate-detail",
                    ),
                ),
                spacing="0",
                align="start",
            )
        ),
        rx.table.cell(row["role"]),
        rx.table.cell(row["level"]),
        rx.table.cell(status_badge(row["status"], row["status_label"])),
        rx.table.cell(stage_badge(row["stage"], row["stage_label"])),
        rx.table.cell(
            rx.cond(
                row["recommendation"] != "",
                rx.hstack(
                    recommendation_badge(row["recommendation"], row["recommendation_label"]),
                    rx.cond(
                        row["proposal"],
                        rx.text("proposal", size="1", color_scheme="gray"),
                    ),
                    spacing="1",
                    align="center",
                ),
                rx.text("—", color_scheme="gray"),
            ),
        ),
        rx.table.cell(_marks(row)),
        rx.table.cell(row["created"], white_space="nowrap"),
        class_name="evaluation-row",
    )


@rx.page(route="/evaluations", title="Evaluations · truelevel", on_load=EvaluationsState.load)
def evaluations_page() -> rx.Component:
    return app_shell(
        page_header(
            "Evaluations",
            "Code take-homes scored by the engine and confirmed by a reviewer.",
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("All evaluations", value=ALL_TAB, id="tab-all"),
                rx.tabs.trigger("Review queue", value=QUEUE_TAB, id="tab-queue"),
            ),
            value=EvaluationsState.tab,
            on_change=EvaluationsState.show_tab,
            width="100%",
        ),
        _filters(),
        bulk_bar(EvaluationsState, noun="evaluations", actions=[_decision_buttons()]),
        _confirm_decision(),
        rx.cond(
            EvaluationsState.tab == QUEUE_TAB,
            rx.text(
                "Scored by the engine and waiting for a reviewer, longest waiting first.",
                size="2",
                color_scheme="gray",
            ),
        ),
        paged_table(
            EvaluationsState,
            noun="evaluations",
            columns=[
                page_tick_box(EvaluationsState),
                "Candidate",
                "Role",
                "Level",
                "Status",
                "Stage",
                "Recommendation",
                "Flags",
                "Created",
            ],
            render_row=_row_view,
            empty_title=rx.cond(
                EvaluationsState.filtered,
                "No evaluations match these filters",
                rx.cond(
                    EvaluationsState.tab == QUEUE_TAB,
                    "The review queue is empty",
                    "No evaluations yet",
                ),
            ),
            empty_hint="Evaluations arrive from candidates' sessions and through the "
            "evaluations API.",
            empty_icon="file-code",
            table_id="evaluations-table",
        ),
        live_marker(EvaluationsState),
    )
