"""Labelled form controls with a consistent look, each able to show what to fix under itself.

A page keeps its form's problems as ``{field name: message}`` (``field_errors`` of
``CreateDialogState``, filled by :func:`truelevel_app.validation.field_errors`) and passes
``errors=`` that dict var: the field with a message is marked invalid (``aria-invalid``) and the
message, in red under it, is what a screen reader announces with it (``aria-describedby``)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var


def field_error(message: Var[str], *, id: str) -> rx.Component:
    """What to fix, in red under its field; nothing while ``message`` is empty."""
    return rx.cond(
        message != "",
        rx.text(
            message, size="1", color_scheme="red", role="alert", id=id, class_name="field-error"
        ),
    )


def _error_props(name: str, errors: Var | None, error_id: str | None) -> tuple[dict, Any]:
    """The control's invalid marks and the message under it, for ``name`` in ``errors``."""
    if errors is None:
        return {}, rx.fragment()
    message = errors.get(name, "").to(str)
    target = error_id or f"{name}-error"
    return (
        {"aria_invalid": message != "", "aria_describedby": target},
        field_error(message, id=target),
    )


def labelled(
    label: str, control: rx.Component, hint: str = "", error: rx.Component | None = None
) -> rx.Component:
    """A label above its control, with an optional hint and its error below."""
    return rx.el.label(
        rx.vstack(
            rx.text(label, size="2", weight="medium"),
            control,
            rx.text(hint, size="1", color_scheme="gray") if hint else rx.fragment(),
            error if error is not None else rx.fragment(),
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
    errors: Var | None = None,
    error_id: str | None = None,
    **props,
) -> rx.Component:
    marks, error = _error_props(name, errors, error_id)
    return labelled(
        label,
        rx.input(
            name=name,
            type=type,
            placeholder=placeholder,
            required=required,
            width="100%",
            size="2",
            **marks,
            **props,
        ),
        hint,
        error,
    )


def text_area(
    label: str,
    name: str,
    *,
    placeholder: str | Var[str] = "",
    rows: str = "4",
    hint: str = "",
    errors: Var | None = None,
    error_id: str | None = None,
    **props,
) -> rx.Component:
    marks, error = _error_props(name, errors, error_id)
    return labelled(
        label,
        rx.text_area(name=name, placeholder=placeholder, rows=rows, width="100%", **marks, **props),
        hint,
        error,
    )


def select_field(
    label: str,
    name: str,
    items: list[str],
    *,
    default: str | Var[str],
    hint: str = "",
    errors: Var | None = None,
    error_id: str | None = None,
    **props,
) -> rx.Component:
    _marks, error = _error_props(name, errors, error_id)
    return labelled(
        label,
        rx.select(items, name=name, default_value=default, width="100%", **props),
        hint,
        error,
    )
