"""The competency scores with their rationale and quotes, the lists (highlights, red flags,
questions for the next round) and the submittal note."""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.charts import score_bar
from truelevel_app.components.feedback import unless_empty
from truelevel_app.pages.interview_report.state import A, S


def _quote(quote) -> rx.Component:
    return rx.button(
        rx.icon("play", size=12),
        rx.text.span(quote["clock"], font_family="var(--code-font-family)"),
        rx.text.span(quote["who"], ": “", quote["text"], "”"),
        size="1",
        variant="ghost",
        color_scheme="gray",
        custom_attrs={"data-seek": quote["start"]},
        class_name="score-quote",
        white_space="normal",
        text_align="left",
        height="auto",
        padding_y="0.25rem",
    )


def _score_view(row) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(row["name"], weight="medium", min_width="12rem", class_name="score-name"),
            rx.cond(
                row["scored"],
                score_bar(row["score"]),
                rx.text("Not scored", size="2", color_scheme="gray", class_name="score"),
            ),
            align="center",
            wrap="wrap",
        ),
        rx.text(row["rationale"], size="2", class_name="score-rationale"),
        rx.vstack(rx.foreach(row["quotes"], _quote), spacing="1", align="start"),
        spacing="1",
        width="100%",
        padding_y="0.5rem",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        class_name="competency-score",
    )


def scores_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Competencies", size="4"),
            rx.text(
                "Scores 1–5 against the rubric; each rationale cites what was said and when.",
                size="2",
                color_scheme="gray",
            ),
            unless_empty(
                S.scores,
                rx.vstack(rx.foreach(S.scores, _score_view), spacing="1", width="100%"),
                "No competency could be scored.",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id="scores",
    )


def list_card(title: str, items, *, id: str, icon: str, empty: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.icon(icon, size=16), rx.heading(title, size="3"), align="center"),
            unless_empty(
                items,
                rx.el.ul(
                    rx.foreach(items, lambda x: rx.el.li(rx.text(x, size="2"))),
                    style={"margin": "0", "padding_left": "1.1rem"},
                ),
                empty,
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        id=id,
    )


def submittal_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Submittal note", size="4"),
            rx.text(
                "A client-ready paragraph: check it before you send it.",
                size="1",
                color_scheme="gray",
            ),
            rx.text(A["submittal_note"], size="2", white_space="pre-wrap", id="submittal-note"),
            rx.text("Versions: ", A["versions"], size="1", color_scheme="gray"),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )
