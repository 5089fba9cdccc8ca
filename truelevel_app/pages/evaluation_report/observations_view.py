"""The observations by rubric category and the risk flags, each citing its evidence on a chip
that opens the evidence dialog."""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.feedback import unless_empty
from truelevel_app.pages.evaluation_report.state import S
from truelevel_app.pages.evaluations import coloured_badge

_SEVERITY_COLOURS = [("high", "red"), ("medium", "orange"), ("low", "gray")]


def severity_badge(severity) -> rx.Component:
    return coloured_badge(
        severity, severity.upper(), _SEVERITY_COLOURS, "orange", class_name="severity"
    )


def evidence_chip(item) -> rx.Component:
    icon = rx.match(
        item["kind"],
        ("commit", rx.icon("git-commit-horizontal", size=12)),
        ("quote", rx.icon("quote", size=12)),
        ("metric", rx.icon("gauge", size=12)),
        rx.icon("file-code", size=12),
    )
    return rx.button(
        icon,
        item["label"],
        size="1",
        variant="surface",
        color_scheme="gray",
        on_click=S.open_evidence(item["key"]),
        class_name="evidence",
        font_family="var(--code-font-family)",
        custom_attrs={"data-kind": item["kind"]},
    )


def _observation_view(observation) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.match(
                observation["polarity"],
                (1, rx.icon("circle-plus", size=16, color=rx.color("grass", 10))),
                (-1, rx.icon("circle-minus", size=16, color=rx.color("tomato", 10))),
                rx.icon("circle-dot", size=16, color=rx.color("gray", 9)),
            ),
            rx.vstack(
                rx.text(observation["text"], size="2"),
                rx.cond(
                    observation["evidence"].length() > 0,
                    rx.hstack(
                        rx.foreach(observation["evidence"], evidence_chip),
                        spacing="1",
                        wrap="wrap",
                    ),
                ),
                spacing="1",
                align="start",
            ),
            align="start",
            spacing="2",
        ),
        class_name="observation",
        style={"list_style": "none", "padding": "0.4rem 0"},
    )


def _category_view(category) -> rx.Component:
    return rx.box(
        rx.hstack(
            rx.heading(category["category"], size="3"),
            rx.badge(category["score"], variant="soft", class_name="category-score"),
            align="center",
            spacing="2",
        ),
        unless_empty(
            category["observations"],
            rx.el.ul(
                rx.foreach(category["observations"], _observation_view),
                style={"margin": "0.25rem 0 0", "padding": "0"},
            ),
            "No observations recorded.",
        ),
        class_name="observation-category",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
    )


def observations_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Observations", size="4"),
            rx.text(
                "Each observation names its evidence: click it to see the lines, commit or "
                "quote it rests on.",
                size="2",
                color_scheme="gray",
            ),
            rx.foreach(S.categories, _category_view),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="observations",
    )


def _flag_view(flag) -> rx.Component:
    return rx.hstack(
        severity_badge(flag["severity"]),
        rx.vstack(
            rx.text(flag["message"], size="2"),
            rx.hstack(
                rx.code(flag["code"], variant="ghost", size="1"),
                rx.foreach(flag["evidence"], evidence_chip),
                spacing="1",
                wrap="wrap",
                align="center",
            ),
            spacing="1",
            align="start",
        ),
        align="start",
        spacing="3",
        class_name="risk-flag",
        width="100%",
    )


def flags_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Risk flags", size="4"),
            unless_empty(
                S.flags,
                rx.vstack(rx.foreach(S.flags, _flag_view), spacing="3", width="100%"),
                "No risk flags.",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="risk-flags",
    )
