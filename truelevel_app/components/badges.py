"""Status badges: one colour per meaning across every table."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

_COLOURS: list[tuple[str, str]] = [
    ("active", "green"),
    ("open", "green"),
    ("completed", "green"),
    ("hired", "green"),
    ("in progress", "blue"),
    ("invited", "blue"),
    ("redeemed", "blue"),
    ("unused", "gray"),
    ("pending", "gray"),
    ("draft", "gray"),
    ("closed", "gray"),
    ("expired", "orange"),
    ("invite expired", "orange"),
    ("deactivated", "red"),
    ("revoked", "red"),
]


def status_badge(status: Var[str]) -> rx.Component:
    """A soft badge whose colour follows the status word (unknown words are gray)."""
    return rx.match(
        status.lower(),  # type: ignore[attr-defined]
        *[
            (word, rx.badge(status, color_scheme=colour, variant="soft", class_name="status"))
            for word, colour in _COLOURS
        ],
        rx.badge(status, color_scheme="gray", variant="soft", class_name="status"),
    )
