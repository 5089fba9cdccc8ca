"""The frame of a page about one thing (a job, an assessment): a link back to its list, a "not
found" card, and its text beside its facts (label and value items)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.vars import Var


def fact(label: str, value: Any) -> rx.Component:
    """One (label, value) item of a data list."""
    return rx.data_list.item(rx.data_list.label(label), rx.data_list.value(value))


def figures(items: Var[list[Any]], render: Callable[[Var], rx.Component]) -> rx.Component:
    """A wrapping row of small figures, one per item (``render`` builds it with ``figure``)."""
    return rx.hstack(rx.foreach(items, render), spacing="6", wrap="wrap")


def figure(label: Var[str], value: Var[Any], *, size: str, weight: str, **props) -> rx.Component:
    """One figure of :func:`figures`: the value under its small gray label."""
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray"),
        rx.text(value, size=size, weight=weight),  # type: ignore[arg-type]
        spacing="0",
        **props,
    )


def detail_frame(
    *,
    back_label: str,
    back_href: str,
    not_found: Var[bool],
    not_found_title: str,
    not_found_text: str,
    not_found_id: str,
    loading: Var[bool],
    details: rx.Component,
) -> rx.Component:
    """The link back, then "not found", a spinner while ``loading``, or the ``details``."""
    return rx.fragment(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), back_label, align="center"),
            href=back_href,
            size="2",
        ),
        rx.cond(
            not_found,
            rx.card(
                rx.vstack(
                    rx.heading(not_found_title, size="4"),
                    rx.text(not_found_text, color_scheme="gray"),
                    spacing="2",
                ),
                width="100%",
                id=not_found_id,
            ),
            rx.cond(loading, rx.spinner(size="3"), details),
        ),
    )


def text_and_facts(
    heading: str, text: Var[str], text_id: str, *facts: tuple[str, Any]
) -> rx.Component:
    """A card with a heading and a long text, beside a card listing (label, value) facts."""
    return rx.grid(
        rx.card(
            rx.vstack(
                rx.heading(heading, size="3"),
                rx.text(text, white_space="pre-wrap", size="2", id=text_id),
                spacing="2",
            ),
            width="100%",
        ),
        rx.card(
            rx.data_list.root(
                *[fact(label, value) for label, value in facts],
                orientation="vertical",
                size="2",
            ),
            width="100%",
        ),
        columns=rx.breakpoints(initial="1", md="3fr 2fr"),
        spacing="4",
        width="100%",
    )
