"""The head of the interview report (who, the job's state, the PDF), the job's progress and the
verdict."""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.report import (
    recommendation_figure,
    reject_proposal_notice,
    step_badges,
    verdict_figure,
)
from truelevel_app.pages.evaluations import coloured_badge
from truelevel_app.pages.interview_report.labels import STATE_LABELS, STATE_ORDER
from truelevel_app.pages.interview_report.state import A, J, S, V

_STATE_COLOURS = [("completed", "green"), ("failed", "red"), ("queued", "gray")]
_RECOMMENDATION_COLOURS = [("advance", "green"), ("hold", "amber"), ("reject", "red")]


def job_state_badge(status, label, **props) -> rx.Component:
    """The job's state as a badge; running states read as work in progress."""
    return coloured_badge(status, label, _STATE_COLOURS, "indigo", **props)


def recommendation_badge(value, label, **props) -> rx.Component:
    return coloured_badge(value, label, _RECOMMENDATION_COLOURS, "gray", **props)


def header() -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.heading(J["heading"], size="6", id="interview-heading"),
                rx.box(
                    job_state_badge(J["status"], J["status_label"], size="2"),
                    id="job-status",
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.cond(
                J["known_candidate"],
                rx.text(
                    J["role_title"],
                    rx.cond(J["candidate_email"] != "", " · " + J["candidate_email"].to(str), ""),
                    size="2",
                    id="interview-role",
                ),
            ),
            rx.cond(
                J["profile_href"] != "",
                rx.link("Candidate profile", href=J["profile_href"], size="2", id="profile-link"),
            ),
            rx.text(
                J["source_label"],
                " · submitted ",
                J["created"],
                " · ",
                J["credits"],
                rx.cond(J["credits"] == 1, " credit", " credits"),
                size="2",
                color_scheme="gray",
            ),
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        rx.cond(
            J["has_result"],
            rx.el.a(
                rx.button(rx.icon("file-text", size=14), "Download PDF", variant="soft"),
                href=S.report_pdf_href,
                download="",
                id="interview-pdf",
                # A file from the API, not a page: the browser fetches it, not the router.
                custom_attrs={"reloadDocument": True},
            ),
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def progress() -> rx.Component:
    """The states the job went through, as they happen."""
    steps = [(value, STATE_LABELS[value]) for value in STATE_ORDER]
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.cond(~J["terminal"], rx.spinner(size="2")),
                rx.heading("Job states", size="3"),
                rx.cond(
                    ~J["terminal"],
                    rx.text(
                        "This page follows the job; the report appears when it is ready.",
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            step_badges(
                [(label, S.current_step >= index) for index, (_, label) in enumerate(steps)],
                class_name="job-step",
            ),
            rx.vstack(
                rx.foreach(
                    S.events,
                    lambda e: rx.hstack(
                        rx.text(e["at"], size="1", color_scheme="gray", min_width="10rem"),
                        rx.text(e["label"], size="2", weight="medium", min_width="8rem"),
                        rx.text(e["detail"], size="2", color_scheme="gray"),
                        align="center",
                        spacing="3",
                        width="100%",
                        class_name="job-event",
                    ),
                ),
                spacing="1",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="job-progress",
    )


def verdict_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                recommendation_figure(
                    rx.cond(
                        V["reviewed"],
                        recommendation_badge(
                            V["recommendation"],
                            V["recommendation_label"],
                            size="3",
                            id="recommendation",
                        ),
                        recommendation_badge(
                            A["recommendation"],
                            A["recommendation_label"],
                            size="3",
                            id="recommendation",
                        ),
                    ),
                    decided=V["reviewed"],
                    decided_by="Reviewer's decision",
                ),
                verdict_figure(
                    "Duration", rx.text(J["duration"], size="5", weight="bold", id="duration")
                ),
                spacing="8",
                wrap="wrap",
            ),
            rx.text(A["summary"], size="3", id="summary"),
            reject_proposal_notice(A["reject_proposal"], proposed_by="assessment"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="verdict",
    )
