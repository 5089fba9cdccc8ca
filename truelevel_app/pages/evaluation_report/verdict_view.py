"""The head of the report (who was evaluated, the exports), the engine's progress while it
works, and the engine's verdict beside the reviewer's."""

from __future__ import annotations

import reflex as rx

from backend.models.evaluations import ENGINE_STAGES
from truelevel_app.components.details import fact
from truelevel_app.components.report import step_badges
from truelevel_app.pages.evaluation_report.state import R, S
from truelevel_app.pages.evaluations import (
    stage_badge,
    stage_label,
    status_badge,
)


def header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.heading(R["candidate"], size="6", id="candidate-name"),
                status_badge(R["status"], R["status_label"]),
                stage_badge(R["stage"], R["stage_label"]),
                rx.cond(
                    R["submitted_late"],
                    rx.badge("Submitted late", color_scheme="orange", variant="outline"),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                R["candidate_detail"] != "",
                rx.text(R["candidate_detail"], size="2", id="candidate-detail"),
            ),
            rx.cond(
                R["profile_href"] != "",
                rx.link("Candidate profile", href=R["profile_href"], size="2", id="profile-link"),
            ),
            rx.text(
                R["role"], " · target level ", R["target_level"], size="2", color_scheme="gray"
            ),
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        rx.cond(
            R["has_result"],
            rx.hstack(
                rx.el.a(
                    rx.button(rx.icon("file-spreadsheet", size=14), "CSV", variant="soft"),
                    href=S.export_csv_href,
                    download="",
                    id="export-csv",
                    # A file from the API, not a page: the browser fetches it, not the router.
                    custom_attrs={"reloadDocument": True},
                ),
                rx.el.a(
                    rx.button(rx.icon("file-text", size=14), "PDF", variant="soft"),
                    href=S.export_pdf_href,
                    download="",
                    id="export-pdf",
                    # A file from the API, not a page: the browser fetches it, not the router.
                    custom_attrs={"reloadDocument": True},
                ),
                spacing="2",
            ),
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def engine_progress() -> rx.Component:
    steps = [(s.value, stage_label(s.value)) for s in ENGINE_STAGES]
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.spinner(size="2"),
                rx.text("The engine is evaluating this submission: ", weight="medium"),
                rx.text(R["stage_label"], weight="bold", id="engine-stage"),
                align="center",
                spacing="2",
            ),
            step_badges([(label, R["stage"] == value) for value, label in steps]),
            rx.text(
                "This page follows the engine and shows the report when it is ready.",
                size="2",
                color_scheme="gray",
            ),
            spacing="3",
        ),
        width="100%",
        id="engine-progress",
    )


def verdicts_card() -> rx.Component:
    automated = rx.vstack(
        rx.text("Automated verdict", weight="medium"),
        rx.data_list.root(
            fact("Recommendation", R["automated_recommendation_label"]),
            fact("Confidence", R["confidence"]),
            fact("Calibrated seniority", R["automated_seniority"]),
            fact("Versions", R["versions"]),
            size="1",
        ),
        align="start",
        id="automated-verdict",
    )
    human = rx.vstack(
        rx.text("Reviewer's verdict", weight="medium"),
        rx.cond(
            R["finalised"],
            rx.data_list.root(
                fact("Recommendation", R["final_recommendation_label"]),
                fact("Calibrated seniority", R["final_seniority"]),
                fact("Reviewer", R["reviewer"]),
                fact("Finalised", R["finalised_at"]),
                fact("Note", rx.text(R["review_note"], white_space="pre-wrap")),
                size="1",
            ),
            rx.text(
                rx.cond(
                    R["in_review"],
                    "In review by " + R["reviewer"].to(str) + " since " + R["claimed_at"].to(str),
                    "Not reviewed yet.",
                ),
                size="2",
                color_scheme="gray",
            ),
        ),
        align="start",
        id="human-verdict",
    )
    return rx.card(
        rx.grid(automated, human, columns=rx.breakpoints(initial="1", md="2"), spacing="5"),
        width="100%",
        id="verdicts",
    )
