"""The dashboard: what needs the recruiter's attention now (each item links to where it is
handled), how much the organisation has set up, what to do first, and how far the candidates of
each assessment and job got (``dashboard_funnels``)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from backend.db import session_scope
from backend.services.attention import (
    AttentionOverview,
    ExpiringKey,
    InterviewItem,
    InviteItem,
    ReviewItem,
    attention_overview,
)
from backend.services.funnel import dashboard_funnels
from backend.services.overview import OrganisationCounts, organisation_counts
from truelevel_app.components.feedback import error_callout, unless_empty
from truelevel_app.components.layout import app_shell, live_marker, page_header
from truelevel_app.display import invite_text, when
from truelevel_app.pages.dashboard_funnels import FunnelState, funnel_section
from truelevel_app.state import SIGNIN_ROUTE, AuthState, LiveState

TIER_WORDS = {
    "standard": "Standard (24 h)",
    "priority": "Priority (12 h)",
    "express": "Express (2 h)",
}


class AttentionRow(TypedDict):
    """One line of an attention panel: what it is, the detail beside it, where it is handled."""

    href: str
    title: str
    detail: str
    flag: str  # a short red badge ("Overdue", "Look again") or ""


class DashboardState(FunnelState, LiveState, AuthState):
    """The dashboard's figures, read again every few seconds while it is open (``LiveState``):
    a submission scored meanwhile lands in "Awaiting your review" without a reload."""

    counts: rx.Field[OrganisationCounts] = rx.field(default_factory=OrganisationCounts)
    reviews: rx.Field[list[AttentionRow]] = rx.field(default_factory=list)
    reviews_total: int = 0
    interviews: rx.Field[list[AttentionRow]] = rx.field(default_factory=list)
    interviews_total: int = 0
    invites: rx.Field[list[AttentionRow]] = rx.field(default_factory=list)
    invites_total: int = 0
    expiring: rx.Field[list[AttentionRow]] = rx.field(default_factory=list)
    expiring_total: int = 0
    loading: bool = True
    error: str = ""

    def _show(self, overview: AttentionOverview) -> None:
        self.reviews = [_review_row(item) for item in overview.awaiting_review.items]
        self.reviews_total = overview.awaiting_review.total
        self.interviews = [_interview_row(item) for item in overview.interviews_ready.items]
        self.interviews_total = overview.interviews_ready.total
        self.invites = [_invite_row(item) for item in overview.invites_not_delivered.items]
        self.invites_total = overview.invites_not_delivered.total
        self.expiring = [_expiring_row(item) for item in overview.keys_expiring.items]
        self.expiring_total = overview.keys_expiring.total

    @rx.var
    def is_empty(self) -> bool:
        return self.counts.jobs == 0 and self.counts.assessments == 0

    def _refresh(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        try:
            with session_scope() as session:
                self.counts = organisation_counts(session, org_id=member.org_id)
                self._show(attention_overview(session, org_id=member.org_id))
                self._show_funnels(dashboard_funnels(session, org_id=member.org_id))
        except Exception:  # the page stays usable when the database hiccups
            self.error = "The dashboard figures could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def load(self):
        return self._refresh() or self._go_live()


def _review_row(item: ReviewItem) -> AttentionRow:
    tier = TIER_WORDS.get(item.sla_tier, item.sla_tier)
    flags = [word for word, on in (("Look again", item.attention), ("Overdue", item.overdue)) if on]
    detail = f"{item.target_role} · {tier} · due {when(item.due_at)}"
    if item.attention:
        detail = f"{detail} · {item.attention}"
    return AttentionRow(
        href=f"/evaluations/{item.evaluation_id}",
        title=item.candidate.display,
        detail=detail,
        flag=" · ".join(flags),
    )


def _interview_row(item: InterviewItem) -> AttentionRow:
    return AttentionRow(
        href=f"/interviews/{item.job_id}",
        title=item.candidate.display,
        detail=(
            f"{item.role_title} · finished {when(item.finished_at)}"
            if item.candidate.known
            else f"Finished {when(item.finished_at)}"
        ),
        flag="",
    )


def _invite_row(item: InviteItem) -> AttentionRow:
    return AttentionRow(
        href=f"/assessments/{item.assessment_id}",
        title=item.candidate_email,
        detail=f"{item.assessment_title} · {invite_text(item.delivery)}",
        flag="",
    )


def _expiring_row(item: ExpiringKey) -> AttentionRow:
    who = item.candidate_email or "No candidate email"
    return AttentionRow(
        href=f"/assessments/{item.assessment_id}",
        title=f"{item.key} · {who}",
        detail=f"{item.assessment_title} · expires {when(item.expires_at)}",
        flag="",
    )


def _attention_line(row: rx.Var, item_class: str) -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.vstack(
                rx.text(row["title"], weight="medium", size="2", color=rx.color("gray", 12)),
                rx.text(row["detail"], size="1", color_scheme="gray"),
                spacing="0",
                align="start",
            ),
            rx.spacer(),
            rx.cond(row["flag"] != "", rx.badge(row["flag"], color_scheme="red")),
            align="center",
            width="100%",
        ),
        href=row["href"],
        underline="none",
        width="100%",
        padding="0.5rem 0",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name=item_class,
    )


def _panel(
    title: str,
    total: rx.Var,
    rows: rx.Var,
    *,
    empty: str,
    panel_id: str,
    more_href: str,
    icon: str,
) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.icon(icon, size=18, color=rx.color("accent", 9)),
                rx.heading(title, size="3"),
                rx.badge(total, radius="full", class_name="panel-total"),
                rx.spacer(),
                rx.cond(
                    total > rows.length(),  # type: ignore[attr-defined]
                    rx.link("See all →", href=more_href, size="2"),
                ),
                align="center",
                width="100%",
            ),
            unless_empty(
                rows,
                rx.vstack(
                    rx.foreach(rows, lambda row: _attention_line(row, f"{panel_id}-item")),
                    spacing="0",
                    width="100%",
                ),
                empty,
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id=panel_id,
    )


def attention_panels() -> rx.Component:
    return rx.grid(
        _panel(
            "Awaiting your review",
            DashboardState.reviews_total,
            DashboardState.reviews,
            empty="Nothing waits for review. Submitted work appears here once it is scored.",
            panel_id="awaiting-review",
            more_href="/evaluations",
            icon="clipboard-check",
        ),
        _panel(
            "Interviews ready",
            DashboardState.interviews_total,
            DashboardState.interviews,
            empty="No finished interview waits for a decision.",
            panel_id="interviews-ready",
            more_href="/interviews",
            icon="mic",
        ),
        _panel(
            "Invites not delivered",
            DashboardState.invites_total,
            DashboardState.invites,
            empty="No invite is waiting to be delivered.",
            panel_id="invites-not-delivered",
            more_href="/candidates",
            icon="mail-warning",
        ),
        _panel(
            "Keys expiring within 48 hours",
            DashboardState.expiring_total,
            DashboardState.expiring,
            empty="No unused candidate key expires in the next 48 hours.",
            panel_id="keys-expiring",
            more_href="/candidates",
            icon="timer",
        ),
        columns=rx.breakpoints(initial="1", lg="2"),
        spacing="4",
        width="100%",
    )


def _stat(label: str, value: rx.Var, href: str, icon: str, stat_id: str) -> rx.Component:
    return rx.link(
        rx.card(
            rx.hstack(
                rx.vstack(
                    rx.text(label, size="2", color_scheme="gray"),
                    rx.cond(
                        DashboardState.loading,
                        rx.skeleton(rx.text("00", size="7"), loading=True),
                        rx.text(
                            value, size="7", weight="bold", id=stat_id, color=rx.color("gray", 12)
                        ),
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.icon(icon, size=22, color=rx.color("accent", 9)),
                align="start",
                width="100%",
            ),
            width="100%",
            _hover={"box_shadow": "var(--shadow-3)"},
        ),
        href=href,
        underline="none",
        width="100%",
    )


def _step(number: str, title: str, text: str, href: str, action: str) -> rx.Component:
    return rx.hstack(
        rx.badge(number, radius="full", size="2", variant="solid"),
        rx.vstack(
            rx.text(title, weight="medium", size="3"),
            rx.text(text, size="2", color_scheme="gray"),
            rx.link(action, " →", href=href, size="2"),
            spacing="1",
            align="start",
        ),
        align="start",
        spacing="3",
    )


def getting_started() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Getting started", size="4"),
            rx.text(
                "A few steps take you from an empty organisation to the first evaluated candidate.",
                size="2",
                color_scheme="gray",
            ),
            rx.grid(
                _step(
                    "1",
                    "Create a job",
                    "Describe the role; truelevel can generate screening "
                    "questions from the description.",
                    "/jobs",
                    "Go to jobs",
                ),
                _step(
                    "2",
                    "Create an assessment",
                    "Write a task brief or link a repository, set a "
                    "time limit, and generate candidate keys.",
                    "/assessments",
                    "Go to assessments",
                ),
                _step(
                    "3",
                    "Invite your team",
                    "Add reviewers who score candidates and viewers who follow along.",
                    "/members",
                    "Go to members",
                ),
                _step(
                    "4",
                    "Connect your ATS",
                    "Create an API key scoped to the product area your integration uses.",
                    "/api-keys",
                    "Go to API keys",
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="5",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="getting-started",
    )


@rx.page(route="/dashboard", title="Dashboard · truelevel", on_load=DashboardState.load)
def dashboard_page() -> rx.Component:
    return app_shell(
        live_marker(DashboardState),
        page_header("Dashboard", "What needs your attention, and your organisation at a glance."),
        error_callout(DashboardState.error),
        rx.cond(~DashboardState.loading, attention_panels()),
        rx.grid(
            _stat("Jobs", DashboardState.counts.jobs, "/jobs", "briefcase", "count-jobs"),
            _stat(
                "Assessments",
                DashboardState.counts.assessments,
                "/assessments",
                "clipboard-list",
                "count-assessments",
            ),
            _stat(
                "Candidate keys",
                DashboardState.counts.candidate_keys,
                "/candidates",
                "key-round",
                "count-candidate-keys",
            ),
            _stat("Members", DashboardState.counts.members, "/members", "users", "count-members"),
            columns=rx.breakpoints(initial="1", sm="2", lg="4"),
            spacing="4",
            width="100%",
        ),
        rx.cond(~DashboardState.loading & DashboardState.is_empty, getting_started()),
        rx.cond(~DashboardState.loading & ~DashboardState.is_empty, funnel_section(DashboardState)),
    )
