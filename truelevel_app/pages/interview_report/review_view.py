"""The speakers card and the reviewer's confirm-or-override with a note."""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.forms import labelled, text_area
from truelevel_app.components.report import review_feedback
from truelevel_app.pages.interview_report.labels import (
    CONFIRM,
    OVERRIDE,
    RECOMMENDATIONS,
    recommendation_label,
)
from truelevel_app.pages.interview_report.state import A, S, V
from truelevel_app.pages.interview_speakers import speakers_card
from truelevel_app.state import AuthState


def review_card() -> rx.Component:
    decided = rx.cond(
        V["reviewed"],
        rx.callout(
            rx.text(
                rx.text.strong(V["recommendation_label"]),
                rx.cond(V["overridden"], " (overrides the automated ", " (confirms the automated "),
                A["recommendation_label"],
                ") by ",
                V["reviewer"],
                ", ",
                V["at"],
                rx.cond(V["note"] != "", rx.text.span(" — ", V["note"])),
            ),
            icon="user-check",
            color_scheme="indigo",
            size="1",
            width="100%",
            id="review-decision",
        ),
        rx.text("No one has decided yet.", size="2", color_scheme="gray"),
    )
    form = rx.form(
        rx.vstack(
            rx.radio_group.root(
                rx.hstack(
                    rx.radio_group.item("Confirm the recommendation", value=CONFIRM),
                    rx.radio_group.item("Override it", value=OVERRIDE),
                    spacing="4",
                ),
                value=S.decision,
                on_change=S.choose_decision,
                name="decision",
                id="review-decision-choice",
            ),
            rx.cond(
                S.decision == OVERRIDE,
                labelled(
                    "New recommendation",
                    rx.select.root(
                        rx.select.trigger(
                            placeholder="Choose a recommendation",
                            width="100%",
                            id="review-recommendation",
                        ),
                        rx.select.content(
                            *[
                                rx.select.item(recommendation_label(r), value=r)
                                for r in RECOMMENDATIONS
                            ]
                        ),
                        name="recommendation",
                    ),
                ),
            ),
            text_area(
                "Note",
                "note",
                rows="2",
                placeholder=rx.cond(
                    S.decision == OVERRIDE,
                    "Why you override it (required).",
                    "Optional: kept with the report.",
                ),
                errors=S.review_field_errors,
                error_id="review-note-error",
            ),
            rx.button("Save decision", type="submit", loading=S.saving_review, id="save-review"),
            spacing="3",
            width="100%",
            align="start",
        ),
        on_submit=S.save_review,
        reset_on_submit=False,
        id="review-form",
        width="100%",
    )
    return rx.card(
        rx.vstack(
            rx.heading("Reviewer's decision", size="4"),
            rx.text(
                "The automated recommendation is a proposal. A person confirms or overrides it, "
                "with a note; a reject never stands without that.",
                size="2",
                color_scheme="gray",
            ),
            decided,
            review_feedback(S.review_error, S.review_notice),
            rx.cond(AuthState.can_edit, form),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="review",
    )


def report_speakers_card() -> rx.Component:
    return speakers_card(
        speakers=S.speakers,
        roles=S.roles,
        saving=S.saving_speakers,
        error=S.speakers_error,
        choose=S.choose_speaker_role,
        save=S.save_speakers,
    )
