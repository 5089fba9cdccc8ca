"""Page arithmetic for the tables."""

from __future__ import annotations

import math


def page_count(total: int, size: int) -> int:
    """Pages needed for ``total`` rows; an empty list still has one (empty) page."""
    return max(1, math.ceil(total / size))
