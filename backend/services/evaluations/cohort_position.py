"""Where one evaluation stands among its cohort: the distribution of overall scores of the other
evaluations of the same assessment (or, without an assessment, of the same organisation and
target role), with this candidate's bucket and rank.

The overall score is the share of the rubric's maximum the candidate reached, 0–100, after the
reviewer's adjustments (``queries.final_scores``), so a cohort reads the same numbers as the
reports. Evaluations without a score (still with the engine, or failed) are not in the cohort.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from backend.models import Assessment
from backend.models.evaluations import Evaluation, EvaluationStatus
from backend.services.evaluations.queries import final_scores

BUCKET_WIDTH = 10  # percentage points per bar: 0–9, 10–19, …, 90–100
# Enough for any real cohort; the newest are kept if an organisation ever has more.
COHORT_LIMIT = 5000


def overall_score(evaluation: Evaluation) -> float | None:
    """Percent of the rubric maximum (one decimal), or None when there is no automated result."""
    rubric = (evaluation.automated_result or {}).get("rubric_scores") or []
    maximum = sum(float(s.get("max_score") or 0) for s in rubric)
    if not rubric or maximum <= 0:
        return None
    adjusted = final_scores(evaluation)
    total = sum(adjusted.get(s["category"], float(s.get("score") or 0)) for s in rubric)
    return round(100 * min(total, maximum) / maximum, 1)


def _bucket_index(score: float) -> int:
    last = 100 // BUCKET_WIDTH - 1
    return min(int(score // BUCKET_WIDTH), last)


def _bucket_label(index: int) -> str:
    low = index * BUCKET_WIDTH
    high = 100 if low + BUCKET_WIDTH >= 100 else low + BUCKET_WIDTH - 1
    return f"{low}–{high}"


def _cohort_conditions(evaluation: Evaluation, org_id: str) -> list[Any]:
    conditions: list[Any] = [
        col(Evaluation.org_id) == org_id,
        col(Evaluation.automated_result).is_not(None),
        col(Evaluation.status) != EvaluationStatus.failed.value,
    ]
    if evaluation.assessment_id:
        conditions.append(col(Evaluation.assessment_id) == evaluation.assessment_id)
    else:
        conditions.append(col(Evaluation.target_role) == evaluation.target_role)
    return conditions


def cohort_position(session: Session, *, org_id: str, evaluation: Evaluation) -> dict[str, Any]:
    """The cohort of ``evaluation`` as a chart needs it.

    ``buckets``: ten ``{"label", "low", "high", "others", "candidate"}`` rows, where ``others``
    counts the other evaluations in the bucket and ``candidate`` is 1 in this candidate's bucket.
    ``candidate_score``, ``candidate_bucket`` (index) and ``rank`` (1 = highest; ties share the
    better rank) are None while this evaluation has no score. ``scored`` counts the cohort with
    this candidate; ``others`` without.
    """
    rows = session.exec(
        select(Evaluation)
        .where(*_cohort_conditions(evaluation, org_id))
        .order_by(col(Evaluation.created_at).desc())
        .limit(COHORT_LIMIT)
    ).all()
    others = [
        score
        for row in rows
        if row.id != evaluation.id and (score := overall_score(row)) is not None
    ]
    mine = overall_score(evaluation)
    buckets = [
        {
            "label": _bucket_label(i),
            "low": i * BUCKET_WIDTH,
            "high": min(100, (i + 1) * BUCKET_WIDTH),
            "others": 0,
            "candidate": 0,
        }
        for i in range(100 // BUCKET_WIDTH)
    ]
    for score in others:
        buckets[_bucket_index(score)]["others"] += 1
    candidate_bucket = rank = None
    if mine is not None:
        candidate_bucket = _bucket_index(mine)
        buckets[candidate_bucket]["candidate"] = 1
        rank = 1 + sum(1 for score in others if score > mine)
    if evaluation.assessment_id:
        assessment = session.get(Assessment, evaluation.assessment_id)
        group, label = "assessment", (assessment.title if assessment else "this assessment")
    else:
        group, label = "target_role", evaluation.target_role
    return {
        "group": group,
        "group_label": label,
        "buckets": buckets,
        "candidate_score": mine,
        "candidate_bucket": candidate_bucket,
        "rank": rank,
        "scored": len(others) + (1 if mine is not None else 0),
        "others": len(others),
    }
