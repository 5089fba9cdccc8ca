"""Human review of code evaluations: the queue, claiming, adjusting scores, finalising.

An evaluation whose automated result is ready waits in the review queue (status ``pending``,
stage ``awaiting_review``). A reviewer claims it (``in_progress``, stage ``review``); only that
reviewer may then adjust scores (each adjustment with a note saying why) and finalise it
(``completed``, stage ``finalised``). The automated verdict is never overwritten: the human one
is kept beside it, and a ``reject`` recommendation, which the engine only proposes, becomes final
only through this step.

Every state change is one guarded UPDATE, so two reviewers racing for one evaluation cannot both
win. Reviewer ids are opaque strings chosen by the caller (the API records the reviewer named in
the claim, or the calling API key).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, update

from backend.models.base import utcnow
from backend.models.evaluations import (
    LEN_NOTE,
    LEVELS,
    Evaluation,
    EvaluationStage,
    EvaluationStatus,
    ScoreAdjustment,
)
from backend.models.overall_score import stored_overall_score
from backend.services.errors import Conflict, InvalidInput
from backend.services.evaluations import callbacks
from backend.services.evaluations.queries import get_evaluation
from backend.services.evaluations.search import EvaluationFilter, EvaluationSort, find_evaluations

RECOMMENDATIONS = ("proceed", "hold", "reject")
# Scored by the engine, not yet claimed; the longest waiting first (the SLA runs from submission).
REVIEW_QUEUE = EvaluationFilter(
    status=EvaluationStatus.pending,
    stage=EvaluationStage.awaiting_review,
    sort=EvaluationSort.oldest,
)


def review_queue(
    session: Session, *, org_id: str, limit: int = 50, offset: int = 0
) -> tuple[list[Evaluation], int]:
    """Evaluations waiting for a reviewer, oldest first (the SLA clock runs from submission),
    and how many there are."""
    return find_evaluations(session, org_id=org_id, where=REVIEW_QUEUE, limit=limit, offset=offset)


def _not_reviewable(evaluation: Evaluation, reviewer_id: str) -> Conflict:
    """The 409 that says why this reviewer cannot act on the evaluation now."""
    if evaluation.stage == EvaluationStage.review and evaluation.reviewer_id != reviewer_id:
        return Conflict(
            "Another reviewer has claimed this evaluation.",
            code="claimed_by_another_reviewer",
            reviewer_id=evaluation.reviewer_id,
        )
    if evaluation.status == EvaluationStatus.completed:
        return Conflict("This evaluation is already finalised.", code="already_finalised")
    if evaluation.stage == EvaluationStage.awaiting_review:
        return Conflict("Claim this evaluation before reviewing it.", code="not_claimed")
    return Conflict(
        f"This evaluation is not awaiting review (status {evaluation.status}, "
        f"stage {evaluation.stage}).",
        code="not_awaiting_review",
        current_status=evaluation.status,
        current_stage=evaluation.stage,
    )


def _write_while(
    session: Session,
    evaluation: Evaluation,
    *,
    status: EvaluationStatus,
    stage: EvaluationStage,
    values: dict[str, Any],
    reviewer_id: str | None = None,
) -> bool:
    """One UPDATE that matches only while the evaluation is still in ``status`` and ``stage``
    (and held by ``reviewer_id`` when given); commits and reloads it. True when it matched, so
    of two reviewers racing, exactly one wins."""
    conditions = [
        col(Evaluation.id) == evaluation.id,
        col(Evaluation.status) == status.value,
        col(Evaluation.stage) == stage.value,
    ]
    if reviewer_id is not None:
        conditions.append(col(Evaluation.reviewer_id) == reviewer_id)
    result = session.exec(update(Evaluation).where(*conditions).values(**values))
    session.commit()
    session.refresh(evaluation)
    return result.rowcount == 1


def claim(session: Session, *, org_id: str, evaluation_id: str, reviewer_id: str) -> Evaluation:
    """Take an evaluation from the review queue. Claiming again by the same reviewer changes
    nothing; Conflict (409) when another reviewer holds it or it is not awaiting review."""
    evaluation = get_evaluation(session, org_id=org_id, evaluation_id=evaluation_id)
    now = utcnow()
    if _write_while(
        session,
        evaluation,
        status=EvaluationStatus.pending,
        stage=EvaluationStage.awaiting_review,
        values={
            "status": EvaluationStatus.in_progress.value,
            "stage": EvaluationStage.review.value,
            "stage_started_at": now,
            "reviewer_id": reviewer_id,
            "claimed_at": now,
        },
    ):
        return evaluation
    if evaluation.stage == EvaluationStage.review and evaluation.reviewer_id == reviewer_id:
        return evaluation
    raise _not_reviewable(evaluation, reviewer_id)


def _in_review_by(
    session: Session, *, org_id: str, evaluation_id: str, reviewer_id: str
) -> Evaluation:
    evaluation = get_evaluation(session, org_id=org_id, evaluation_id=evaluation_id)
    if not (
        evaluation.status == EvaluationStatus.in_progress
        and evaluation.stage == EvaluationStage.review
        and evaluation.reviewer_id == reviewer_id
    ):
        raise _not_reviewable(evaluation, reviewer_id)
    return evaluation


def _guarded_write(
    session: Session, evaluation: Evaluation, reviewer_id: str, values: dict[str, Any]
) -> Evaluation:
    """Write only while the evaluation is still in review by ``reviewer_id``."""
    if not _write_while(
        session,
        evaluation,
        status=EvaluationStatus.in_progress,
        stage=EvaluationStage.review,
        reviewer_id=reviewer_id,
        values=values,
    ):
        raise _not_reviewable(evaluation, reviewer_id)
    return evaluation


def _with_note(existing: str | None, note: str | None) -> str | None:
    """Notes accumulate (each adjustment keeps its reason), newest last, within the column."""
    if not note:
        return existing
    combined = f"{existing}\n\n{note}" if existing else note
    return combined[-LEN_NOTE:]


def _automated_scores(evaluation: Evaluation) -> dict[str, dict[str, Any]]:
    scores = (evaluation.automated_result or {}).get("rubric_scores") or []
    return {str(s["category"]): s for s in scores}


def adjust(
    session: Session,
    *,
    org_id: str,
    evaluation_id: str,
    reviewer_id: str,
    scores: list[ScoreAdjustment],
    note: str,
) -> Evaluation:
    """Set rubric scores (whole numbers from 1 to the category's ``max_score``) with a note. Each
    category must be one the automated result scored (400 ``unknown_category``); categories not
    named keep their score. Only the reviewer who claimed it, while in review (409 otherwise)."""
    evaluation = _in_review_by(
        session, org_id=org_id, evaluation_id=evaluation_id, reviewer_id=reviewer_id
    )
    automated = _automated_scores(evaluation)
    adjusted: dict[str, Any] = dict(evaluation.review_scores or {})
    for item in scores:
        original = automated.get(item.category)
        if original is None:
            known = ", ".join(sorted(automated)) or "none"
            raise InvalidInput(
                f"Unknown rubric category {item.category!r}; this evaluation has: {known}.",
                code="unknown_category",
            )
        max_score = float(original.get("max_score") or 5)
        if item.score != int(item.score) or not 1 <= item.score <= max_score:
            raise InvalidInput(
                f"A score for {item.category!r} is a whole number from 1 to {max_score:g}.",
                code="score_out_of_range",
            )
        adjusted[item.category] = int(item.score)
    return _guarded_write(
        session,
        evaluation,
        reviewer_id,
        {
            "review_scores": adjusted,
            "overall_score": stored_overall_score(evaluation.automated_result, adjusted),
            "review_note": _with_note(evaluation.review_note, note),
        },
    )


def finalise(
    session: Session,
    *,
    org_id: str,
    evaluation_id: str,
    reviewer_id: str,
    recommendation: str | None = None,
    calibrated_seniority: str | None = None,
    note: str | None = None,
) -> Evaluation:
    """Record the human verdict and complete the evaluation (status ``completed``, stage
    ``finalised``); omitted fields confirm the automated verdict. Queues the callback."""
    evaluation = _in_review_by(
        session, org_id=org_id, evaluation_id=evaluation_id, reviewer_id=reviewer_id
    )
    if recommendation is not None and recommendation not in RECOMMENDATIONS:
        raise InvalidInput(
            f"recommendation must be one of {', '.join(RECOMMENDATIONS)}.",
            code="invalid_recommendation",
        )
    if calibrated_seniority is not None and calibrated_seniority not in LEVELS:
        raise InvalidInput(
            f"calibrated_seniority must be one of {', '.join(LEVELS)}.", code="invalid_level"
        )
    automated = evaluation.automated_result or {}
    now = utcnow()
    evaluation = _guarded_write(
        session,
        evaluation,
        reviewer_id,
        {
            "status": EvaluationStatus.completed.value,
            "stage": EvaluationStage.finalised.value,
            "stage_started_at": now,
            "completed_at": now,
            "finalised_at": now,
            "final_recommendation": recommendation or automated.get("recommendation"),
            "final_level": calibrated_seniority or automated.get("calibrated_seniority"),
            "review_note": _with_note(evaluation.review_note, note),
            "attention": None,  # the reviewer has seen what needed attention
        },
    )
    callbacks.announce(session, evaluation_id=evaluation.id)
    session.refresh(evaluation)
    return evaluation
