"""The review panel: claim the evaluation, adjust a category's score with a note, finalise
with the reviewer's own recommendation and level."""

from __future__ import annotations

import reflex as rx

from backend.models.evaluations import LEVELS
from truelevel_app.components.forms import labelled, text_area
from truelevel_app.components.report import review_feedback
from truelevel_app.pages.evaluation_report.state import KEEP, R, S
from truelevel_app.pages.evaluations import recommendation_label
from truelevel_app.state import AuthState

RECOMMENDATION_CHOICES = ("proceed", "hold", "reject")


def _select(name: str, items: list[tuple[str, str]], default: str, id: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%", id=id),
        rx.select.content(*[rx.select.item(label, value=value) for value, label in items]),
        name=name,
        default_value=default,
    )


def review_panel() -> rx.Component:
    recommendation_items = [(KEEP, "Keep the automated recommendation")] + [
        (value, recommendation_label(value)) for value in RECOMMENDATION_CHOICES
    ]
    seniority_items = [(KEEP, "Keep the calibrated seniority")] + [
        (level, level.capitalize()) for level in LEVELS
    ]
    adjust_form = rx.form(
        rx.vstack(
            rx.text("Adjust a score", weight="medium"),
            rx.grid(
                labelled(
                    "Category",
                    rx.select(
                        S.category_names,
                        name="category",
                        placeholder="Choose a category",
                        width="100%",
                    ),
                ),
                labelled(
                    "Score",
                    rx.input(
                        name="score",
                        type="number",
                        min=1,
                        max=5,
                        step=1,
                        required=True,
                        width="100%",
                    ),
                ),
                columns="2fr 1fr",
                spacing="3",
                width="100%",
            ),
            text_area(
                "Why",
                "note",
                rows="2",
                required=True,
                placeholder="What the engine missed or over-weighted.",
            ),
            rx.button("Save adjustment", type="submit", variant="soft"),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.adjust,
        reset_on_submit=True,
        id="adjust-form",
        width="100%",
    )
    finalise_form = rx.form(
        rx.vstack(
            rx.text("Finalise", weight="medium"),
            labelled(
                "Recommendation",
                _select("recommendation", recommendation_items, KEEP, "final-recommendation"),
            ),
            labelled(
                "Calibrated seniority",
                _select("seniority", seniority_items, KEEP, "final-seniority"),
            ),
            text_area("Note", "note", rows="2", placeholder="Your reasons; kept with the report."),
            rx.button("Finalise", type="submit", loading=S.reviewing),
            spacing="2",
            width="100%",
            align="start",
        ),
        on_submit=S.finalise,
        reset_on_submit=False,
        id="finalise-form",
        width="100%",
    )
    return rx.card(
        rx.vstack(
            rx.heading("Review", size="4"),
            review_feedback(S.review_error, S.review_notice),
            rx.cond(
                R["awaiting_review"],
                rx.hstack(
                    rx.text(
                        "This evaluation waits in the review queue. Claim it to adjust scores "
                        "and decide.",
                        size="2",
                    ),
                    rx.spacer(),
                    rx.button(rx.icon("hand", size=14), "Claim", on_click=S.claim, id="claim"),
                    align="center",
                    width="100%",
                    wrap="wrap",
                ),
            ),
            rx.cond(
                R["in_review"],
                rx.cond(
                    R["reviewer"] == AuthState.member.email,
                    rx.grid(
                        adjust_form,
                        finalise_form,
                        columns=rx.breakpoints(initial="1", md="2"),
                        spacing="5",
                        width="100%",
                    ),
                    rx.text("Claimed by ", R["reviewer"], ".", size="2", color_scheme="gray"),
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="review-panel",
    )
