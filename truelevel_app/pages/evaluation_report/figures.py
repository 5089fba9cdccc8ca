"""How the report writes its figures: scores, levels and a level against the target."""

from __future__ import annotations

from typing import Any

from backend.models.evaluations import LEVELS


def number(value: Any) -> str:
    """4.0 → "4", 3.5 → "3.5"; missing → "—"."""
    if value is None or value == "":
        return "—"
    figure = float(value)
    return str(int(figure)) if figure.is_integer() else f"{figure:g}"


def level(value: str | None) -> str:
    return value.capitalize() if value else "—"


def versus_target(seniority: str | None, target: str) -> str:
    """ "at the target level", "one level above the target", …"""
    if seniority not in LEVELS or target not in LEVELS:
        return ""
    gap = LEVELS.index(seniority) - LEVELS.index(target)
    if gap == 0:
        return f"at the target level ({target})"
    steps = "one level" if abs(gap) == 1 else f"{abs(gap)} levels"
    side = "above" if gap > 0 else "below"
    return f"{steps} {side} the target level ({target})"
