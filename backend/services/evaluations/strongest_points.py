"""An evaluation's strongest and weakest points: the observations that moved its score most, the
one rule the report page and the PDF export read.

An observation weighs what its scoring rule moved (a rule's points, one more when it capped the
score), else 1. Strengths come from the best-scored categories first, weaknesses from the worst;
the engine's order breaks ties. A sentence several categories list counts once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Protocol, TypeVar

from backend.models.evaluation_result import AutomatedResult, ResultObservation

POINTS_SHOWN = 3  # strongest and weakest points in a report's summary


class Weighed(Protocol):
    @property
    def polarity(self) -> int: ...  # +1 a strength, -1 a weakness

    @property
    def weight(self) -> float: ...

    @property
    def standing(self) -> float: ...  # its category's score as a share of the maximum

    @property
    def order(self) -> int: ...  # as the engine listed it


P = TypeVar("P", bound=Weighed)


def sentence_key(text: str) -> str:
    """What makes two observations the same sentence (spacing and case aside)."""
    return " ".join(text.split()).casefold()


def observation_weight(observation: ResultObservation) -> float:
    """How far an observation moved its score: its rule's points (+1 for a cap), else 1."""
    rules = [e.rule for e in observation.evidence if e.rule is not None]
    if not rules:
        return 1.0
    return max(abs(r.points) + (1 if r.cap is not None else 0) for r in rules)


def strongest(points: Sequence[P]) -> list[P]:
    """The strengths that moved the score most, from the best-scored categories first."""
    ranked = sorted(
        (p for p in points if p.polarity > 0), key=lambda p: (-p.weight, -p.standing, p.order)
    )
    return ranked[:POINTS_SHOWN]


def weakest(points: Sequence[P]) -> list[P]:
    """The weaknesses that cost most, from the worst-scored categories first."""
    ranked = sorted(
        (p for p in points if p.polarity < 0), key=lambda p: (-p.weight, p.standing, p.order)
    )
    return ranked[:POINTS_SHOWN]


@dataclasses.dataclass
class ResultPoint:
    """One observation of a result, weighed (each sentence once, under its first category)."""

    observation: ResultObservation
    category: str
    weight: float
    standing: float
    order: int

    @property
    def polarity(self) -> int:
        return self.observation.polarity


def result_points(result: AutomatedResult) -> list[ResultPoint]:
    """Every distinct observation of ``result`` weighed against its category's score (the
    score the result carries: pass the final result to count the reviewer's adjustments)."""
    seen: dict[str, ResultPoint] = {}
    for category in result.rubric_scores:
        standing = float(category.score or 0) / float(category.max_score or 5)
        for observation in category.observations:
            key = sentence_key(observation.text)
            if key not in seen:
                seen[key] = ResultPoint(
                    observation=observation,
                    category=category.category,
                    weight=observation_weight(observation),
                    standing=standing,
                    order=len(seen),
                )
    return list(seen.values())
