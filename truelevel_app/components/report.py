"""What the two reports about a candidate's work (a code evaluation, an interview) show alike:
the progress steps while the work runs, its failure, the verdict's figures, the notice that an
automated reject is only a proposal, and the reviewer's feedback. Presentation only."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from truelevel_app.components.feedback import error_callout, success_callout


def step_badges(steps: list[tuple[str, Var[bool]]], *, class_name: str = "") -> rx.Component:
    """One badge per (label, reached) step, solid once ``reached``."""
    extra = {"class_name": class_name} if class_name else {}
    return rx.hstack(
        *[
            rx.badge(
                label,
                variant=rx.cond(reached, "solid", "soft"),
                color_scheme=rx.cond(reached, "indigo", "gray"),
                **extra,
            )
            for label, reached in steps
        ],
        spacing="2",
        wrap="wrap",
    )


def failure_callout(failed: Var[bool], failure: Var[str], *, id: str) -> rx.Component:
    """Why the work failed, shown only once it has."""
    return rx.cond(
        failed,
        rx.callout(failure, icon="circle-x", color_scheme="red", width="100%", id=id),
    )


def verdict_figure(label: str, *value: rx.Component) -> rx.Component:
    """One figure of the verdict card under its label (the recommendation, a score)."""
    return rx.vstack(
        rx.text(label, size="2", color_scheme="gray"),
        *value,
        spacing="1",
        align="start",
    )


def recommendation_figure(
    badge: rx.Component, *, decided: Var[bool], decided_by: str
) -> rx.Component:
    """The recommendation that counts now, and whose it is: ``decided_by`` once a person has
    ``decided``, the automated proposal before."""
    return verdict_figure(
        "Recommendation",
        badge,
        rx.text(
            rx.cond(decided, decided_by, "Automated proposal"),
            size="1",
            color_scheme="gray",
        ),
    )


def reject_proposal_notice(show: Var[bool], *, proposed_by: str) -> rx.Component:
    """An automated reject decides nothing: said wherever one is shown before a person decides."""
    return rx.cond(
        show,
        rx.callout(
            f"This reject is only a proposal of the automated {proposed_by}. Nothing is decided "
            "until a reviewer confirms or overrides it below.",
            icon="shield-alert",
            color_scheme="amber",
            size="1",
            width="100%",
            id="reject-proposal",
        ),
    )


def review_feedback(error: Var[str], notice: Var[str]) -> rx.Component:
    """What became of the reviewer's last action."""
    return rx.fragment(
        error_callout(error, id="review-error"),
        success_callout(notice, id="review-notice"),
    )
