"""The rule comparison both rule tables share (code rubric and interview signals)."""

from __future__ import annotations

import pytest

from workers.evaluation import rules, scoring
from workers.interviews.assessment import assessment


@pytest.mark.parametrize(
    ("op", "below", "at", "above"),
    [
        ("<", True, False, False),
        ("<=", True, True, False),
        (">", False, False, True),
        (">=", False, True, True),
        ("==", False, True, False),
    ],
)
def test_each_operator_at_its_threshold(op, below, at, above):
    assert [rules.holds(v, op, 5.0) for v in (4.999, 5.0, 5.001)] == [below, at, above]


def test_every_rule_of_both_tables_uses_a_known_operator():
    used = {rule.op for rule in (*scoring.RULES, *assessment.RULES)}
    assert used <= set(rules.OPERATORS)
