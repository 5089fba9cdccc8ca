"""One code evaluation, from the queue message to the review queue.

``run_evaluation`` claims the evaluation's lease (so exactly one worker runs it, and a dead
worker's evaluation is taken over once its lease lapses), fetches or unpacks the artefact into a
scratch folder, runs the engine, records each stage as it is reached, keeps the files the result
cites (``cited_snapshot``, for the report's code viewer), stores the submission's
fingerprints (before comparing, so copies evaluated at the same time still meet) and hands the
result to the reviewers; then every earlier submission it matches gains the similarity flag too
(``similar_pairs``). A candidate's own other submissions are never compared. A refusal at
intake (inaccessible repository, hostile zip) fails the evaluation with its reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from backend.db import session_scope
from backend.models import Assessment, CandidateSession, Rubric
from backend.models.evaluations import (
    ENGINE_STAGES,
    Evaluation,
    EvaluationFingerprint,
    EvaluationStatus,
    EvaluationUpload,
)
from backend.services import leases
from backend.services.evaluations import lifecycle, queries, similar_submissions
from backend.services.rubrics import ensure_default_rubric
from backend.services.storage import ObjectMissing, get_storage, stored_key
from workers import leased_work
from workers.evaluation import calibration, cited_snapshot, similar_pairs
from workers.evaluation.code import engine, intake
from workers.evaluation.scratch import scratch_folder

log = logging.getLogger(__name__)

# Claims before an evaluation that keeps losing its worker is failed instead of retried.
MAX_ATTEMPTS = 3

CLAIMABLE = (
    col(Evaluation.status) == EvaluationStatus.pending.value,
    col(Evaluation.stage).in_([s.value for s in ENGINE_STAGES]),
)


def run_evaluation(evaluation_id: str) -> str:
    """Run the automated evaluation of ``evaluation_id`` if this worker can claim it. Returns
    what happened: ``awaiting_review``, ``failed``, ``skipped`` (another worker has it, or it is
    done) or ``abandoned`` (the lease was lost midway)."""
    owner = leases.worker_identity()
    with session_scope() as session:
        if not leases.claim(
            session,
            Evaluation,
            work_id=evaluation_id,
            owner=owner,
            claimable=CLAIMABLE,
            max_attempts=MAX_ATTEMPTS,
        ):
            return "skipped"
    with (
        leased_work.heartbeat(Evaluation, evaluation_id, owner),
        scratch_folder(prefix="truelevel-eval-") as scratch,
    ):
        try:
            return _run(evaluation_id, owner, scratch)
        except engine.EvaluationAbandoned:
            log.warning("evaluation %s: lease lost, another worker finishes it", evaluation_id)
            return "abandoned"
        except intake.IntakeRefused as refusal:
            return _fail(evaluation_id, owner, refusal.code, refusal.reason)
        except Exception as error:  # a bug must still end the evaluation with a reason
            log.exception("evaluation %s failed in the engine", evaluation_id)
            return _fail(
                evaluation_id,
                owner,
                "engine_error",
                f"The evaluation engine failed: {type(error).__name__}.",
            )


def _fail(evaluation_id: str, owner: str, code: str, reason: str) -> str:
    with session_scope() as session:
        changed = lifecycle.fail(
            session, evaluation_id=evaluation_id, owner=owner, code=code, reason=reason
        )
    return "failed" if changed else "abandoned"


def _stage_recorder(evaluation_id: str, owner: str) -> engine.StageCallback:
    def record(stage: str) -> bool:
        with session_scope() as session:
            return lifecycle.mark_stage(
                session, evaluation_id=evaluation_id, owner=owner, stage=stage
            )

    return record


def _run(evaluation_id: str, owner: str, scratch: Path) -> str:
    record = _stage_recorder(evaluation_id, owner)
    with session_scope() as session:
        evaluation = session.get(Evaluation, evaluation_id)
        assert evaluation is not None  # claimed a moment ago
        context, artefact = _context(session, evaluation)
    if not record("fetching"):
        raise engine.EvaluationAbandoned("fetching")
    root = _fetch(artefact, scratch / "submission")
    starter = _starter(artefact.get("starter_url"), scratch / "starter")
    if starter is not None:
        context = _with_starter(context, starter)
    outcome = engine.evaluate(root, context, on_stage=record)
    log.info(
        "evaluation %s analysed: %s",
        evaluation_id,
        ", ".join(f"{k} {v:.2f}s" for k, v in sorted(outcome.seconds_by_analyser.items())),
    )
    # Before the result is stored, so a report that shows it can open the files it cites.
    cited_snapshot.keep_cited_files(evaluation_id, root, outcome.result)
    with session_scope() as session:
        evaluation = session.get(Evaluation, evaluation_id)
        assert evaluation is not None
        done = lifecycle.complete_automated(
            session,
            evaluation_id=evaluation_id,
            owner=owner,
            result=outcome.result,
            engine_version=engine.ENGINE_VERSION,
            rubric_ref=(context.rubric_id, context.rubric_version),
        )
    if not done:
        return "abandoned"
    try:
        similar_pairs.reconcile(evaluation_id)
    except Exception:  # this result is stored; a later submission's reconcile compares again
        log.exception("evaluation %s: flagging the submissions it matches failed", evaluation_id)
    return "awaiting_review"


def _with_starter(context: engine.SubmissionContext, starter: Path) -> engine.SubmissionContext:
    from dataclasses import replace

    return replace(context, starter=starter)


def _fetch(artefact: dict[str, Any], dest: Path) -> Path:
    if artefact["type"] == "github_repo":
        return intake.fetch_repository(artefact["url"], dest)
    try:
        with get_storage().local_copy(stored_key(artefact["zip_key"])) as zip_path:
            return intake.unpack_zip(zip_path, dest)
    except ObjectMissing:
        raise intake.IntakeRefused(
            "upload_missing", "The uploaded zip is no longer stored."
        ) from None


def _starter(url: str | None, dest: Path) -> Path | None:
    """The assessment's starter repository, excluded from similarity; optional."""
    if not url:
        return None
    try:
        return intake.fetch_repository(url, dest)
    except intake.IntakeRefused as refusal:
        log.warning("starter code not fetched (%s): similarity includes it", refusal.reason)
        return None


def group_key(evaluation: Evaluation) -> str:
    """Submissions compared with each other: the same assessment, else the same organisation
    and target role."""
    if evaluation.assessment_id:
        return f"assessment:{evaluation.assessment_id}"
    return f"role:{evaluation.org_id}:{evaluation.target_role.strip().lower()}"[:400]


def _fingerprint_recorder(evaluation_id: str) -> Callable[[list[int]], dict[str, list[int]]]:
    """Store this submission's fingerprints in its group, then answer the group's others that
    another candidate handed in."""

    def record(hashes: list[int]) -> dict[str, list[int]]:
        with session_scope() as session:
            evaluation = session.get(Evaluation, evaluation_id)
            assert evaluation is not None
            key = group_key(evaluation)
            row = session.get(EvaluationFingerprint, evaluation_id)
            if row is None:
                row = EvaluationFingerprint(evaluation_id=evaluation_id, group_key=key)
            row.hashes = list(hashes)
            session.add(row)
            session.commit()
            return similar_submissions.peer_fingerprints(session, evaluation_id=evaluation_id)

    return record


def _rubric(session: Session, evaluation: Evaluation) -> Rubric:
    """The rubric named by the evaluation (an assessment's), else the organisation's default."""
    if evaluation.rubric_id:
        rubric = session.get(Rubric, evaluation.rubric_id)
        if rubric is not None and rubric.org_id == evaluation.org_id:
            return rubric
    return ensure_default_rubric(session, org_id=evaluation.org_id)


def _calibration(session: Session, org_id: str) -> calibration.CalibrationModel:
    """The organisation's calibration: the prior, refitted on every finalised evaluation whose
    reviewer set a seniority level (the reviewers' decisions are the labels)."""
    rows = session.exec(
        select(Evaluation).where(
            Evaluation.org_id == org_id,
            col(Evaluation.status) == EvaluationStatus.completed.value,
            col(Evaluation.final_level).is_not(None),
        )
    ).all()
    labels = sorted(
        (profile, row.final_level)
        for row in rows
        if (profile := reviewed_profile(row)) is not None and row.final_level
    )
    return calibration.fit(labels) if labels else calibration.default_model()


def reviewed_profile(evaluation: Evaluation) -> float | None:
    """The rubric profile of an evaluation as its reviewer left it: the weighted mean of the
    final scores of the categories the engine has signals for (as scoring computes it)."""
    result = evaluation.automated_result or {}
    final = queries.final_scores(evaluation)
    mapped = [
        (final.get(s["category"], float(s["score"])), float(s.get("weight", 1.0)))
        for s in result.get("rubric_scores", [])
        if s.get("signal_family")
    ]
    return calibration.weighted_profile(mapped) if mapped else None


def _context(
    session: Session, evaluation: Evaluation
) -> tuple[engine.SubmissionContext, dict[str, Any]]:
    assessment = (
        session.get(Assessment, evaluation.assessment_id) if evaluation.assessment_id else None
    )
    candidate_session = (
        session.get(CandidateSession, evaluation.session_id) if evaluation.session_id else None
    )
    rubric = _rubric(session, evaluation)
    artefact: dict[str, Any] = {"type": evaluation.artefact_type, "url": evaluation.artefact_url}
    if evaluation.upload_id:
        upload = session.get(EvaluationUpload, evaluation.upload_id)
        if upload is None:
            raise intake.IntakeRefused(
                "upload_missing", "The uploaded zip is no longer stored."
            ) from None
        artefact["zip_key"] = upload.path  # a storage key (an absolute path before)
    if assessment is not None and assessment.repo_url:
        artefact["starter_url"] = assessment.repo_url
    context = engine.SubmissionContext(
        target_level=evaluation.target_level,
        rubric_categories=list(rubric.categories),
        rubric_id=rubric.id,
        rubric_version=rubric.version,
        started_at=candidate_session.started_at if candidate_session else None,
        deadline_at=candidate_session.deadline_at if candidate_session else None,
        submitted_late=evaluation.submitted_late,
        record_fingerprints=_fingerprint_recorder(evaluation.id),
        calibration=_calibration(session, evaluation.org_id),
    )
    return context, artefact


def requeue_stale(*, older_than_s: int = 60) -> tuple[int, int]:
    """The minute sweep for evaluations (``workers.leased_work.requeue_stale``); one that kept
    losing its workers fails as ``worker_lost``."""
    from backend.services import dispatch

    def give_up(session: Session, evaluation_id: str, attempts: int) -> bool:
        return lifecycle.fail_abandoned(
            session,
            evaluation_id=evaluation_id,
            code="worker_lost",
            reason=f"The evaluation stopped its worker {attempts} times.",
        )

    return leased_work.requeue_stale(
        Evaluation,
        claimable=CLAIMABLE,
        created_column=col(Evaluation.created_at),
        max_attempts=MAX_ATTEMPTS,
        enqueue=dispatch.enqueue_evaluation,
        give_up=give_up,
        older_than_s=older_than_s,
    )
