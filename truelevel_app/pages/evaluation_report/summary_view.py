"""The report's summary, read first: the verdict that counts now (recommendation, level,
confidence) and whose it is, the overall score, and the three strongest and three weakest points,
each with the evidence it rests on."""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.report import (
    recommendation_figure,
    reject_proposal_notice,
    verdict_figure,
)
from truelevel_app.pages.evaluation_report.observations_view import observation_item
from truelevel_app.pages.evaluation_report.state import R, S
from truelevel_app.pages.evaluations import recommendation_badge


def _figures() -> rx.Component:
    return rx.grid(
        recommendation_figure(
            recommendation_badge(
                R["recommendation"], R["recommendation_label"], size="3", id="recommendation"
            ),
            decided=R["finalised"],
            decided_by="Reviewer's verdict",
        ),
        verdict_figure(
            "Calibrated seniority",
            rx.text(R["seniority"], size="6", weight="bold", id="seniority"),
            rx.text(R["seniority_vs_target"], size="1", id="seniority-vs-target"),
        ),
        verdict_figure(
            "Confidence",
            rx.hstack(
                rx.text(R["confidence"], size="6", weight="bold", id="confidence"),
                rx.text("/ 100", size="2", color_scheme="gray"),
                align="baseline",
                spacing="1",
            ),
        ),
        verdict_figure(
            "Overall score",
            rx.hstack(
                rx.text(S.summary["overall"], size="6", weight="bold", id="overall-score"),
                rx.text("/ 100", size="2", color_scheme="gray"),
                align="baseline",
                spacing="1",
            ),
        ),
        columns=rx.breakpoints(initial="2", md="4"),
        spacing="5",
        width="100%",
    )


def _points(title: str, points, *, id: str, none: str) -> rx.Component:
    return rx.vstack(
        rx.text(title, weight="medium", size="2"),
        rx.cond(
            points.length() > 0,
            rx.el.ul(
                rx.foreach(
                    points,
                    lambda point: observation_item(point, class_name="summary-point"),
                ),
                style={"margin": "0", "padding": "0"},
            ),
            rx.text(none, size="2", color_scheme="gray"),
        ),
        spacing="1",
        width="100%",
        id=id,
    )


def summary_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            _figures(),
            rx.text(S.summary["decided_by"], size="2", color_scheme="gray", id="decided-by"),
            reject_proposal_notice(R["reject_proposal"], proposed_by="engine"),
            rx.separator(size="4"),
            rx.grid(
                _points(
                    "Strongest points",
                    S.summary["strengths"],
                    id="strengths",
                    none="The engine noted no strengths.",
                ),
                _points(
                    "Weakest points",
                    S.summary["weaknesses"],
                    id="weaknesses",
                    none="The engine noted no weaknesses.",
                ),
                columns=rx.breakpoints(initial="1", md="2"),
                spacing="5",
                width="100%",
            ),
            rx.cond(
                S.flags.length() == 0,
                rx.text("No risk flags.", size="2", color_scheme="gray", id="no-risk-flags"),
            ),
            spacing="4",
            width="100%",
        ),
        size="3",
        width="100%",
        id="verdict",
    )
