"""Labelled form controls with a consistent look."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var


def labelled(label: str, control: rx.Component, hint: str = "") -> rx.Component:
    """A label above its control, with an optional hint below."""
    return rx.el.label(
        rx.vstack(
            rx.text(label, size="2", weight="medium"),
            control,
            rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def text_field(
    label: str,
    name: str,
    *,
    type: str = "text",
    placeholder: str = "",
    required: bool = False,
    hint: str = "",
    **props,
) -> rx.Component:
    return labelled(
        label,
        rx.input(
            name=name,
            type=type,
            placeholder=placeholder,
            required=required,
            width="100%",
            size="2",
            **props,
        ),
        hint,
    )


def text_area(
    label: str, name: str, *, placeholder: str | Var[str] = "", rows: str = "4", **props
) -> rx.Component:
    return labelled(
        label,
        rx.text_area(name=name, placeholder=placeholder, rows=rows, width="100%", **props),
    )


def select_field(
    label: str, name: str, items: list[str], *, default: str, hint: str = "", **props
) -> rx.Component:
    return labelled(
        label,
        rx.select(items, name=name, default_value=default, width="100%", **props),
        hint,
    )
