"""An evaluation's overall score: the share of its rubric's maximum the candidate reached, 0–100
with one decimal, after the reviewer's adjustments. The one rule the report, the cohort, the
compare page and the candidate profile read.

The row keeps a copy (``Evaluation.overall_score``) so that a cohort of thousands reads one small
column rather than every engine result's JSON (about 7 KB each): the ORM refreshes it whenever it
writes an evaluation (``backend.models.evaluations``), and a service that writes the result or the
adjustments with a plain UPDATE sets it from ``stored_overall_score``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def points(value: float | int) -> int | float:
    """A score as seed 000 prints it: ``4``, not ``4.0``; fractions stay fractions."""
    number = float(value)
    return int(number) if number.is_integer() else number


def adjusted_scores(
    result: Mapping[str, Any] | None, review_scores: Mapping[str, Any] | None
) -> dict[str, int | float]:
    """Category → score after the reviewer's adjustments (automated score where none)."""
    scores = {s["category"]: points(s["score"]) for s in (result or {}).get("rubric_scores", [])}
    scores.update({k: points(v) for k, v in (review_scores or {}).items()})
    return scores


def overall_score_of(
    result: Mapping[str, Any] | None, review_scores: Mapping[str, Any] | None
) -> float | None:
    """Percent of the rubric maximum (one decimal), or None without a scored rubric."""
    rubric = (result or {}).get("rubric_scores") or []
    maximum = sum(float(s.get("max_score") or 0) for s in rubric)
    if not rubric or maximum <= 0:
        return None
    adjusted = adjusted_scores(result, review_scores)
    total = sum(adjusted.get(s["category"], float(s.get("score") or 0)) for s in rubric)
    return round(100 * min(total, maximum) / maximum, 1)


def stored_overall_score(
    result: Mapping[str, Any] | None, review_scores: Mapping[str, Any] | None
) -> float | None:
    """The copy the row keeps: ``overall_score_of``, or None for a result too malformed to score
    (left out of cohorts rather than failing every report of the cohort)."""
    try:
        return overall_score_of(result, review_scores)
    except (AttributeError, KeyError, TypeError, ValueError):
        return None
