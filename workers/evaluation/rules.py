"""Comparing a measured figure with a rule's threshold, for both rule tables: the code rubric's
(``workers.evaluation.scoring.RULES``) and the interview assessment's signals
(``workers.interviews.assessment.assessment.RULES``)."""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Literal

Operator = Literal["<", "<=", ">", ">=", "=="]

OPERATORS: dict[Operator, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
}


def holds(value: float, op: Operator, threshold: float) -> bool:
    """Whether ``value op threshold`` is true, e.g. ``holds(12.5, ">", 6)``."""
    return OPERATORS[op](value, threshold)
