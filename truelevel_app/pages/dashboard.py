"""The dashboard: how much the organisation has set up, and what to do first."""

from __future__ import annotations

import reflex as rx

from backend.db import session_scope
from backend.services.overview import OrganisationCounts, organisation_counts
from truelevel_app.components.feedback import error_callout
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.state import AuthState


class DashboardState(AuthState):
    counts: rx.Field[OrganisationCounts] = rx.field(default_factory=OrganisationCounts)
    loading: bool = True
    error: str = ""

    @rx.var
    def is_empty(self) -> bool:
        return self.counts.jobs == 0 and self.counts.assessments == 0

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect("/signin", replace=True)
        self.error = ""
        try:
            with session_scope() as session:
                self.counts = organisation_counts(session, org_id=member.org_id)
        except Exception:  # the page stays usable when the database hiccups
            self.error = "The dashboard figures could not be loaded. Try again in a moment."
        self.loading = False
        return None


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
        page_header("Dashboard", "An overview of your organisation."),
        error_callout(DashboardState.error),
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
    )
