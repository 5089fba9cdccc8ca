"""Reading evaluations: one by id and the seed 000 views of a row (lists: ``search``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from backend.models.base import iso
from backend.models.evaluations import (
    ArtefactView,
    Evaluation,
    EvaluationAccepted,
    EvaluationResult,
    EvaluationStatus,
    EvaluationStatusView,
    EvaluationView,
    Failure,
    HumanReview,
    Progress,
    ReviewScore,
    RubricScore,
    SubmittedEvaluation,
)
from backend.models.overall_score import adjusted_scores, points
from backend.services.ownership import get_owned, get_owned_columns, owned_columns_query

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def get_evaluation(session: Session, *, org_id: str, evaluation_id: str) -> Evaluation:
    """The organisation's evaluation; NotFound (404) for a missing or foreign id."""
    return get_owned(
        session, Evaluation, evaluation_id, org_id=org_id, message="Evaluation not found."
    )


# What ``evaluation_view`` reads (of 45 columns: not the lease, callback delivery or bookkeeping).
_VIEW_COLUMNS = (
    *("id", "status", "candidate_ref", "target_role", "target_level", "sla_tier", "created_at"),
    *("estimated_completion", "completed_at", "stage", "stage_started_at", "automated_result"),
    *("review_scores", "reviewer_id", "claimed_at", "review_note", "final_recommendation"),
    *("final_level", "finalised_at", "failure_code", "failure_reason", "artefact_type"),
    *("artefact_url", "upload_id", "assessment_id", "session_id", "submitted_late"),
    *("engine_version", "rubric_id", "rubric_version", "callback_url", "attention"),
)
_VIEW_QUERY = owned_columns_query(Evaluation, _VIEW_COLUMNS)


def read_evaluation_view(
    connection: Connection, *, org_id: str, evaluation_id: str
) -> EvaluationView:
    """``GET /evaluations/{id}``: the view from the columns it reads, in one Core query (an ORM
    object of all 45 columns costs twice the time); NotFound (404) like ``get_evaluation``."""
    row = get_owned_columns(
        connection, _VIEW_QUERY, evaluation_id, org_id=org_id, message="Evaluation not found."
    )
    return evaluation_view(row)  # type: ignore[arg-type]  # the row has the view's attributes


# --------------------------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------------------------


def turnaround_hours(evaluation: Evaluation) -> float | None:
    """Measured hours from submission to completion, two decimals (seed 000: 5.25)."""
    if evaluation.completed_at is None:
        return None
    seconds = (evaluation.completed_at - evaluation.created_at).total_seconds()
    return round(seconds / 3600, 2)


def _automated(evaluation: Evaluation) -> EvaluationResult | None:
    raw = evaluation.automated_result
    if not raw:
        return None
    return EvaluationResult(
        recommendation=raw.get("recommendation"),
        confidence_score=raw.get("confidence_score"),
        calibrated_seniority=raw.get("calibrated_seniority"),
        rubric_scores=[RubricScore.model_validate(s) for s in raw.get("rubric_scores", [])],
        risk_flags=list(raw.get("risk_flags", [])),
    )


def final_scores(evaluation: Evaluation) -> dict[str, int | float]:
    """Category → score after the reviewer's adjustments (automated score where none)."""
    return adjusted_scores(evaluation.automated_result, evaluation.review_scores)


def _final(evaluation: Evaluation, automated: EvaluationResult | None) -> EvaluationResult | None:
    """The verdict that counts: the human one once completed, the automated one before."""
    if automated is None or evaluation.status != EvaluationStatus.completed:
        return automated
    adjusted = final_scores(evaluation)
    return EvaluationResult(
        recommendation=evaluation.final_recommendation or automated.recommendation,
        confidence_score=automated.confidence_score,
        calibrated_seniority=evaluation.final_level or automated.calibrated_seniority,
        rubric_scores=[
            s.model_copy(update={"score": adjusted.get(s.category, s.score)})
            for s in automated.rubric_scores
        ],
        risk_flags=automated.risk_flags,
    )


def _human(evaluation: Evaluation, automated: EvaluationResult | None) -> HumanReview | None:
    if evaluation.claimed_at is None:
        return None
    by_category = {s.category: s for s in automated.rubric_scores} if automated else {}
    scores = []
    for category, score in (evaluation.review_scores or {}).items():
        original = by_category.get(category)
        scores.append(
            ReviewScore(
                category=category,
                automated_score=original.score if original else None,
                score=points(score),
                max_score=original.max_score if original else None,
            )
        )
    return HumanReview(
        reviewer_id=evaluation.reviewer_id,
        claimed_at=iso(evaluation.claimed_at),
        scores=scores,
        note=evaluation.review_note,
        recommendation=evaluation.final_recommendation,
        calibrated_seniority=evaluation.final_level,
        finalised_at=iso(evaluation.finalised_at),
    )


def progress(evaluation: Evaluation) -> Progress:
    return Progress(stage=evaluation.stage, started_at=iso(evaluation.stage_started_at))


def _accepted_fields(evaluation: Evaluation | SubmittedEvaluation) -> dict[str, Any]:
    # What a submission is answered with; the full view starts with the same fields.
    return {
        "id": evaluation.id,
        "status": evaluation.status,
        "candidate_ref": evaluation.candidate_ref,
        "target_role": evaluation.target_role,
        "target_level": evaluation.target_level,
        "sla_tier": evaluation.sla_tier,
        "created_at": iso(evaluation.created_at),
        "estimated_completion": iso(evaluation.estimated_completion),
    }


def accepted_view(evaluation: Evaluation | SubmittedEvaluation) -> EvaluationAccepted:
    """The body seed 000 answers a submission with."""
    return EvaluationAccepted(**_accepted_fields(evaluation))


def status_view(evaluation: Evaluation) -> EvaluationStatusView:
    """``GET /status/{id}``."""
    return EvaluationStatusView(
        id=evaluation.id,
        status=evaluation.status,
        candidate_ref=evaluation.candidate_ref,
        progress=progress(evaluation),
        estimated_completion=iso(evaluation.estimated_completion),
    )


def evaluation_view(evaluation: Evaluation) -> EvaluationView:
    """``GET /evaluations/{id}``: the full report with both verdicts."""
    automated = _automated(evaluation)
    failure = None
    if evaluation.status == EvaluationStatus.failed:
        failure = Failure(
            code=evaluation.failure_code or "evaluation_failed",
            reason=evaluation.failure_reason or "The artefact could not be evaluated.",
        )
    return EvaluationView(
        **_accepted_fields(evaluation),
        completed_at=iso(evaluation.completed_at),
        turnaround_hours=turnaround_hours(evaluation),
        progress=progress(evaluation),
        result=_final(evaluation, automated),
        automated_result=automated,
        human_review=_human(evaluation, automated),
        failure=failure,
        artefact=ArtefactView(
            type=evaluation.artefact_type,
            url=evaluation.artefact_url,
            upload_id=evaluation.upload_id,
        ),
        assessment_id=evaluation.assessment_id,
        session_id=evaluation.session_id,
        submitted_late=evaluation.submitted_late,
        engine_version=evaluation.engine_version,
        rubric_id=evaluation.rubric_id,
        rubric_version=evaluation.rubric_version,
        callback_url=evaluation.callback_url,
        attention=evaluation.attention,
    )
