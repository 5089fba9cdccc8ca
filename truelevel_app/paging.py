"""Cutting one page out of a list the service returns whole, so only that page reaches the
browser (for lists whose service has no page/size parameters)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

T = TypeVar("T")


def page_count(total: int, size: int) -> int:
    """Pages needed for ``total`` rows; an empty list still has one (empty) page."""
    return max(1, math.ceil(total / size))


def cut_page(items: Sequence[T], page: int, size: int) -> tuple[list[T], int]:
    """The rows of ``page`` (1-based, clamped into range) and the page actually shown."""
    page = min(max(page, 1), page_count(len(items), size))
    start = (page - 1) * size
    return list(items[start : start + size]), page
