"""What the evaluation worker records, each write guarded by the worker's lease.

A worker that lost its lease (it stalled and another worker took the evaluation over) must not
overwrite anything: every function here updates the row only while ``lease_owner`` is still
``owner`` and the evaluation is still with the engine, and says whether it did.

Claimable work for ``backend.services.leases``: status ``pending`` with a stage in
``ENGINE_STAGES``; an evaluation in ``awaiting_review`` is pending for seed 000 but belongs to
the reviewers, not to the engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, col, update

from backend.models.base import utcnow
from backend.models.evaluations import (
    ENGINE_STAGES,
    Evaluation,
    EvaluationResult,
    EvaluationStage,
    EvaluationStatus,
)
from backend.models.overall_score import stored_overall_score
from backend.services import leases
from backend.services.errors import InvalidInput
from backend.services.evaluations import callbacks

_ENGINE_STAGE_VALUES = [s.value for s in ENGINE_STAGES]


def _write_if_owner(
    session: Session, *, evaluation_id: str, owner: str, values: dict[str, Any]
) -> bool:
    """Compare-and-set on the lease: one UPDATE that matches only while ``owner`` holds it."""
    result = session.exec(
        update(Evaluation)
        .where(
            col(Evaluation.id) == evaluation_id,
            col(Evaluation.lease_owner) == owner,
            col(Evaluation.status) == EvaluationStatus.pending.value,
            col(Evaluation.stage).in_(_ENGINE_STAGE_VALUES),
        )
        .values(**values)
    )
    session.commit()
    return result.rowcount == 1


def _release() -> dict[str, Any]:
    # The engine is done with it: nobody may claim it again.
    return {"lease_owner": None, "lease_expires_at": None}


def mark_stage(session: Session, *, evaluation_id: str, owner: str, stage: str) -> bool:
    """Move a running evaluation to an engine stage (fetching, analysing, testing, scoring);
    the first move also records ``started_at``. False when the lease was lost."""
    if stage not in _ENGINE_STAGE_VALUES:
        raise InvalidInput(f"{stage!r} is not an engine stage.")
    now = utcnow()
    changed = _write_if_owner(
        session,
        evaluation_id=evaluation_id,
        owner=owner,
        values={"stage": stage, "stage_started_at": now},
    )
    if changed:
        # started_at once: the first stage the engine reached.
        session.exec(
            update(Evaluation)
            .where(col(Evaluation.id) == evaluation_id, col(Evaluation.started_at).is_(None))
            .values(started_at=now)
        )
        session.commit()
    return changed


def _rubric_ref(rubric_ref: Mapping[str, Any] | tuple | None) -> tuple[str | None, int | None]:
    if rubric_ref is None:
        return None, None
    if isinstance(rubric_ref, Mapping):
        return rubric_ref.get("id"), rubric_ref.get("version")
    rubric_id, version = rubric_ref
    return rubric_id, version


def complete_automated(
    session: Session,
    *,
    evaluation_id: str,
    owner: str,
    result: Mapping[str, Any],
    engine_version: str,
    rubric_ref: Mapping[str, Any] | tuple[str | None, int | None] | None,
) -> bool:
    """Store the engine's result (seed 000's ``result`` object: recommendation,
    confidence_score, calibrated_seniority, rubric_scores, risk_flags) and put the evaluation
    in the review queue: still ``pending``, stage ``awaiting_review``. ``rubric_ref`` is
    ``{"id", "version"}`` or ``(id, version)``. False when the lease was lost."""
    checked = EvaluationResult.model_validate(dict(result))  # refuse a malformed result early
    stored = dict(result)
    stored["rubric_scores"] = [s.model_dump() for s in checked.rubric_scores]
    rubric_id, rubric_version = _rubric_ref(rubric_ref)
    changed = _write_if_owner(
        session,
        evaluation_id=evaluation_id,
        owner=owner,
        values={
            "automated_result": stored,
            # An evaluation with the engine has no reviewer's adjustments yet.
            "overall_score": stored_overall_score(stored, None),
            "engine_version": engine_version,
            "rubric_id": rubric_id,
            "rubric_version": rubric_version,
            "stage": EvaluationStage.awaiting_review.value,
            "stage_started_at": utcnow(),
            **_release(),
        },
    )
    if changed:
        callbacks.announce(session, evaluation_id=evaluation_id)
    return changed


def fail(session: Session, *, evaluation_id: str, owner: str, code: str, reason: str) -> bool:
    """The engine cannot evaluate it (``repository_inaccessible``, ``zip_refused``, …): status
    ``failed`` with the reason, and the callback is queued. False when the lease was lost."""
    changed = _write_if_owner(
        session,
        evaluation_id=evaluation_id,
        owner=owner,
        values={
            "status": EvaluationStatus.failed.value,
            "stage": EvaluationStage.failed.value,
            "stage_started_at": utcnow(),
            "failure_code": code[:64],
            "failure_reason": reason[:2000],
            **_release(),
        },
    )
    if changed:
        callbacks.announce(session, evaluation_id=evaluation_id)
    return changed


def fail_abandoned(session: Session, *, evaluation_id: str, code: str, reason: str) -> bool:
    """Fail an evaluation that no live worker holds (the sweep's verdict on one that kept losing
    its workers). Guarded like a lease write: only while still with the engine and unleased or
    past its lease."""
    now = utcnow()
    result = session.exec(
        update(Evaluation)
        .where(
            col(Evaluation.id) == evaluation_id,
            col(Evaluation.status) == EvaluationStatus.pending.value,
            col(Evaluation.stage).in_(_ENGINE_STAGE_VALUES),
            leases.unheld(Evaluation),
        )
        .values(
            status=EvaluationStatus.failed.value,
            stage=EvaluationStage.failed.value,
            stage_started_at=now,
            failure_code=code[:64],
            failure_reason=reason[:2000],
            **_release(),
        )
    )
    session.commit()
    if result.rowcount == 1:
        callbacks.announce(session, evaluation_id=evaluation_id)
        return True
    return False
