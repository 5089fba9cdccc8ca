"""Where one evaluation stands among its cohort: the distribution of overall scores of the other
evaluations of the same assessment (or, without an assessment, of the same organisation and
target role), with this candidate's bucket and rank.

The overall score is the share of the rubric's maximum the candidate reached, 0–100, after the
reviewer's adjustments (``backend.models.overall_score``), so a cohort reads the same numbers as
the reports. Evaluations without a score (still with the engine, or failed) are not in the
cohort. The others' scores are read from the copy each row keeps (``Evaluation.overall_score``),
one small column per row rather than every engine result's JSON.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from backend.models import Assessment
from backend.models.evaluations import Evaluation, EvaluationStatus
from backend.models.overall_score import overall_score_of

BUCKET_WIDTH = 10  # percentage points per bar: 0–9, 10–19, …, 90–100
# Enough for any real cohort; the newest are kept if an organisation ever has more.
COHORT_LIMIT = 5000


def overall_score(evaluation: Evaluation) -> float | None:
    """Percent of the rubric maximum (one decimal), or None when there is no automated result."""
    return overall_score_of(evaluation.automated_result, evaluation.review_scores)


def _bucket_index(score: float) -> int:
    last = 100 // BUCKET_WIDTH - 1
    return min(int(score // BUCKET_WIDTH), last)


def _bucket_label(index: int) -> str:
    low = index * BUCKET_WIDTH
    high = 100 if low + BUCKET_WIDTH >= 100 else low + BUCKET_WIDTH - 1
    return f"{low}–{high}"


def cohort_scores(
    session: Session, *, org_id: str, assessment_id: str | None, target_role: str = ""
) -> dict[str, float]:
    """Evaluation id → overall score of the scored, not failed evaluations of the assessment (or,
    without one, of the organisation's ``target_role``): the newest ``COHORT_LIMIT``."""
    conditions: list[Any] = [
        col(Evaluation.org_id) == org_id,
        col(Evaluation.automated_result).is_not(None),
        col(Evaluation.status) != EvaluationStatus.failed.value,
    ]
    if assessment_id:
        conditions.append(col(Evaluation.assessment_id) == assessment_id)
    else:
        conditions.append(col(Evaluation.target_role) == target_role)
    rows = session.exec(
        select(Evaluation.id, Evaluation.overall_score)
        .where(*conditions)
        .order_by(col(Evaluation.created_at).desc())
        .limit(COHORT_LIMIT)
    ).all()
    return {row_id: score for row_id, score in rows if score is not None}


def cohort_position(session: Session, *, org_id: str, evaluation: Evaluation) -> dict[str, Any]:
    """The cohort of ``evaluation`` as a chart needs it.

    ``buckets``: ten ``{"label", "low", "high", "others", "candidate"}`` rows, where ``others``
    counts the other evaluations in the bucket and ``candidate`` is 1 in this candidate's bucket.
    ``candidate_score``, ``candidate_bucket`` (index) and ``rank`` (1 = highest; ties share the
    better rank) are None while this evaluation has no score. ``scored`` counts the cohort with
    this candidate; ``others`` without.
    """
    cohort = cohort_scores(
        session,
        org_id=org_id,
        assessment_id=evaluation.assessment_id,
        target_role=evaluation.target_role,
    )
    others = [score for row_id, score in cohort.items() if row_id != evaluation.id]
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
