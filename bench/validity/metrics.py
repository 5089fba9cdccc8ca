"""The figures: AUC (Mann–Whitney, ties ½), Brier score and a reliability table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Confidence buckets of the reliability table: [low, high) on the 0..100 scale.
BUCKETS: tuple[tuple[int, int], ...] = ((0, 50), (50, 65), (65, 80), (80, 101))


def auc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """P(a positive scores above a negative), ties counted ½; None when a group is empty."""
    if not positives or not negatives:
        return None
    wins = 0.0
    for p in positives:
        for n in negatives:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(positives) * len(negatives))


def brier(confidences: Sequence[int], right: Sequence[bool]) -> float | None:
    """Mean squared gap between confidence (as a probability of being right) and the outcome."""
    if not confidences:
        return None
    return sum((c / 100 - float(r)) ** 2 for c, r in zip(confidences, right, strict=True)) / len(
        confidences
    )


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int
    count: int
    mean_confidence: float | None
    share_right: float | None


def reliability(confidences: Sequence[int], right: Sequence[bool]) -> list[Bucket]:
    """Per confidence bucket: how many verdicts, their mean confidence and the share right."""
    table = []
    for low, high in BUCKETS:
        inside = [(c, r) for c, r in zip(confidences, right, strict=True) if low <= c < high]
        table.append(
            Bucket(
                low,
                min(high, 100),
                len(inside),
                sum(c for c, _ in inside) / len(inside) if inside else None,
                sum(1 for _, r in inside if r) / len(inside) if inside else None,
            )
        )
    return table
