"""A confirmation dialog for destructive actions, driven by page state."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var


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
    """An alert dialog with Cancel and a red confirm button; ``open`` comes from state."""
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
    )
