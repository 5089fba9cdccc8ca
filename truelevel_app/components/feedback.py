"""Messages that tell people what happened: errors, successes, empty and loading states."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var


def error_callout(message: Var[str] | str, *, id: str | None = None) -> rx.Component:
    """A red callout shown only while ``message`` is not empty."""
    box = rx.callout(
        message,
        icon="triangle-alert",
        color_scheme="red",
        role="alert",
        size="1",
        width="100%",
        **({"id": id} if id else {}),
    )
    if isinstance(message, str):
        return box
    return rx.cond(message != "", box)


def success_callout(message: Var[str], *, id: str | None = None) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message,
            icon="circle-check",
            color_scheme="green",
            role="status",
            size="1",
            width="100%",
            **({"id": id} if id else {}),
        ),
    )


def loading_row(text: str = "Loading…") -> rx.Component:
    return rx.hstack(
        rx.spinner(size="2"),
        rx.text(text, color_scheme="gray", size="2"),
        align="center",
        padding="1.5rem",
        justify="center",
        width="100%",
    )


def empty_state(title: str, hint: str = "", icon: str = "inbox") -> rx.Component:
    return rx.vstack(
        rx.icon(icon, size=28, color=rx.color("gray", 9)),
        rx.text(title, weight="medium", size="3"),
        rx.cond(hint != "", rx.text(hint, color_scheme="gray", size="2", align="center")),
        align="center",
        spacing="2",
        padding="2.5rem 1rem",
        width="100%",
        class_name="empty-state",
    )


def unless_empty(items: Var[list], content: rx.Component, empty: str | Var[str]) -> rx.Component:
    """``content`` while ``items`` has any, else a quiet line saying there is none."""
    return rx.cond(
        items.length() > 0,  # type: ignore[attr-defined]
        content,
        rx.text(empty, size="2", color_scheme="gray"),
    )


def copy_link_button(
    link: Var[str] | str,
    *,
    copied: str,
    aria_label: str,
    class_name: str = "",
    id: str | None = None,
    tooltip: bool = True,
) -> rx.Component:
    """ "Copy link": puts `link` on the clipboard and says `copied`; with `tooltip`, hovering
    shows the link itself."""
    button = rx.button(
        rx.icon("link", size=14),
        "Copy link",
        size="1",
        variant="soft",
        on_click=[rx.set_clipboard(link), rx.toast.success(copied)],
        aria_label=aria_label,
        class_name=class_name,
        **({"id": id} if id else {}),
    )
    return rx.tooltip(button, content=link) if tooltip else button
