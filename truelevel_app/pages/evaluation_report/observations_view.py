"""Observations and risk flags as the report shows them: a sentence with its polarity and the
evidence it cites, each piece on a chip in plain words that opens the evidence dialog; a scoring
rule's arithmetic waits behind a "why" beside its chip. The categories fold away, so the report
opens on its summary."""

from __future__ import annotations

import reflex as rx

from truelevel_app.pages.evaluation_report.state import S
from truelevel_app.pages.evaluations import coloured_badge

_SEVERITY_COLOURS = [("high", "red"), ("medium", "orange"), ("low", "gray")]


def severity_badge(severity) -> rx.Component:
    return coloured_badge(
        severity, severity.upper(), _SEVERITY_COLOURS, "orange", class_name="severity"
    )


def _why(item) -> rx.Component:
    """The rule behind a measured figure: in words, then as the engine wrote it."""
    return rx.popover.root(
        rx.popover.trigger(
            rx.button("why", size="1", variant="ghost", color_scheme="gray", class_name="why")
        ),
        rx.popover.content(
            rx.vstack(
                rx.text(item["why"], size="2"),
                rx.code(item["arithmetic"], size="1", variant="ghost", color_scheme="gray"),
                spacing="2",
                align="start",
            ),
            max_width="24rem",
            class_name="why-text",
        ),
    )


def evidence_chip(item) -> rx.Component:
    icon = rx.match(
        item["kind"],
        ("commit", rx.icon("git-commit-horizontal", size=12)),
        ("quote", rx.icon("quote", size=12)),
        ("metric", rx.icon("gauge", size=12)),
        rx.icon("file-code", size=12),
    )
    chip = rx.button(
        icon,
        item["label"],
        size="1",
        variant="surface",
        color_scheme="gray",
        on_click=S.open_evidence(item["key"]),
        class_name="evidence",
        custom_attrs={"data-kind": item["kind"]},
        # A long quote wraps inside the column instead of running out of it on a phone.
        style={"white_space": "normal", "height": "auto", "min_height": "1.5rem"},
        max_width="100%",
        text_align="left",
    )
    return rx.cond(
        item["why"] != "",
        rx.hstack(chip, _why(item), spacing="1", align="center"),
        chip,
    )


def evidence_chips(evidence) -> rx.Component:
    return rx.cond(
        evidence.length() > 0,
        rx.hstack(rx.foreach(evidence, evidence_chip), spacing="1", wrap="wrap", align="center"),
    )


def polarity_icon(polarity) -> rx.Component:
    return rx.match(
        polarity,
        (1, rx.icon("circle-plus", size=16, color=rx.color("grass", 10))),
        (-1, rx.icon("circle-minus", size=16, color=rx.color("tomato", 10))),
        rx.icon("circle-dot", size=16, color=rx.color("gray", 9)),
    )


def observation_item(observation, *, class_name: str = "observation") -> rx.Component:
    """One observation: its sentence, the other categories that list it, its evidence."""
    return rx.el.li(
        rx.hstack(
            polarity_icon(observation["polarity"]),
            rx.vstack(
                rx.text(observation["text"], size="2"),
                rx.cond(
                    observation["also"] != "",
                    rx.text(observation["also"], size="1", color_scheme="gray", class_name="also"),
                ),
                evidence_chips(observation["evidence"]),
                spacing="1",
                align="start",
            ),
            align="start",
            spacing="2",
        ),
        class_name=class_name,
        style={"list_style": "none", "padding": "0.4rem 0"},
    )


def _category_item(category) -> rx.Component:
    return rx.accordion.item(
        header=rx.hstack(
            rx.text(category["category"], size="3", weight="medium"),
            rx.badge(category["score"], variant="soft", class_name="category-score"),
            rx.text(category["tally"], size="1", color_scheme="gray"),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        content=rx.vstack(
            rx.cond(
                category["observations"].length() > 0,
                rx.el.ul(
                    rx.foreach(category["observations"], observation_item),
                    style={"margin": "0", "padding": "0"},
                ),
                rx.cond(
                    category["shared"] == "",
                    rx.text("No observations recorded.", size="2", color_scheme="gray"),
                ),
            ),
            rx.cond(
                category["shared"] != "",
                rx.text(category["shared"], size="1", color_scheme="gray"),
            ),
            spacing="1",
            width="100%",
            color=rx.color("gray", 12),  # the accordion tints its content with the accent
        ),
        value=category["category"],
        class_name="observation-category",
    )


def categories_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("By category", size="4"),
            rx.text(
                "Open a category for its observations. Each names its evidence: click it to see "
                "the lines, commit or quote it rests on.",
                size="2",
                color_scheme="gray",
            ),
            rx.accordion.root(
                rx.foreach(S.categories, _category_item),
                type="multiple",
                collapsible=True,
                variant="ghost",
                width="100%",
                id="categories",
            ),
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
            evidence_chips(flag["evidence"]),
            spacing="1",
            align="start",
        ),
        align="start",
        spacing="3",
        class_name="risk-flag",
        width="100%",
    )


def flags_card() -> rx.Component:
    """The risk flags, shown only when there are some (the summary says when there are none)."""
    return rx.cond(
        S.flags.length() > 0,
        rx.card(
            rx.vstack(
                rx.heading("Risk flags", size="4"),
                rx.vstack(rx.foreach(S.flags, _flag_view), spacing="3", width="100%"),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="risk-flags",
        ),
    )
