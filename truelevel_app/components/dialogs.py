"""Dialogs driven by page state: a confirmation for destructive actions, and a form dialog.

Each closes the way people expect: Escape (and, for the form dialog, a click outside it) calls
the page's cancel handler through ``on_open_change``, so the state that opened it agrees that
it is closed (a dialog whose ``open`` comes from state ignores those otherwise)."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var

from truelevel_app.components.feedback import error_callout


def confirm_dialog(
    *,
    open: Var[bool],
    title: str,
    description: rx.Component | str,
    confirm_label: str,
    on_confirm: Any,
    on_cancel: Any,
    confirm_id: str,
) -> rx.Component:
    """An alert dialog with Cancel and a red confirm button; ``open`` comes from state.
    Escape cancels (an alert dialog deliberately ignores clicks outside it)."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            rx.hstack(
                rx.alert_dialog.cancel(
                    rx.button("Cancel", variant="soft", color_scheme="gray", on_click=on_cancel),
                ),
                rx.alert_dialog.action(
                    rx.button(
                        confirm_label, color_scheme="red", on_click=on_confirm, id=confirm_id
                    ),
                ),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
        open=open,
        on_open_change=lambda _open: on_cancel(),
    )


def form_dialog(
    *fields: rx.Component,
    open: Var[bool],
    title: str,
    description: str,
    error: Var[str],
    error_id: str,
    submit_label: str,
    submitting: Var[bool],
    on_submit: Any,
    on_cancel: Any,
    form_id: str,
    max_width: str,
) -> rx.Component:
    """A dialog with a form: its error above the fields, Cancel and submit below them."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.dialog.description(description, size="2", color_scheme="gray", margin_bottom="1rem"),
            rx.form(
                rx.vstack(
                    error_callout(error, id=error_id),
                    *fields,
                    rx.hstack(
                        rx.button(
                            "Cancel",
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=on_cancel,
                        ),
                        rx.button(submit_label, type="submit", loading=submitting),
                        justify="end",
                        spacing="3",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
                id=form_id,
            ),
            max_width=max_width,
        ),
        open=open,
        on_open_change=lambda _open: on_cancel(),
    )
