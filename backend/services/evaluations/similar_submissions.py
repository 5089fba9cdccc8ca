"""Submissions compared with each other, and what a match does to an evaluation already stored.

Submissions are compared within a group (the same assessment, else the same organisation and
target role), never with the same candidate's other submissions: a candidate who hands in their
work again (a new session, a second invite) is not copying anyone. A candidate is known by their
``candidate_ref`` (the candidate key for a session's submission) and, for a session's
submission, by the email their key was issued to.

When a later submission matches one whose result is already stored, that result gains a
``similar_submission`` flag naming the later one and its reviewer is told:

- waiting in the review queue: it stays there, marked for attention;
- claimed by a reviewer: it stays with them, marked for attention (the flag is in the result they
  are reading; taking the work away mid-review would lose their adjustments);
- finalised: it goes back to the review queue (status ``pending``, stage ``awaiting_review``),
  marked for attention, with the earlier human verdict still shown until it is finalised again
  (finalising clears the mark and sends the callback again).

Each write compares and sets ``result_revision`` together with the status and stage it read, so
two workers adding flags to one result, or a reviewer acting at the same moment, never lose one
another's change; the loser reads again and retries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select, update

from backend.models.assessments import CandidateKey, CandidateSession
from backend.models.base import utcnow
from backend.models.evaluations import (
    Evaluation,
    EvaluationFingerprint,
    EvaluationStage,
    EvaluationStatus,
)
from backend.models.overall_score import stored_overall_score

FLAG_CODE = "similar_submission"
_MAX_TRIES = 5

Reconsider = Callable[[dict[str, Any]], dict[str, Any]]


def candidate_identity(session: Session, evaluation: Evaluation) -> frozenset[str]:
    """What says who handed ``evaluation`` in: its reference and, for a session's submission,
    the email of the candidate key. Two evaluations sharing any of these are one candidate's."""
    identity = {f"ref:{evaluation.org_id}:{evaluation.candidate_ref.strip().lower()}"}
    if evaluation.session_id:
        candidate_session = session.get(CandidateSession, evaluation.session_id)
        key = (
            session.get(CandidateKey, candidate_session.candidate_key_id)
            if candidate_session is not None
            else None
        )
        if key is not None and key.candidate_email:
            identity.add(f"email:{evaluation.org_id}:{key.candidate_email.strip().lower()}")
    return frozenset(identity)


def peer_fingerprints(session: Session, *, evaluation_id: str) -> dict[str, list[int]]:
    """The fingerprints of every other submission in ``evaluation_id``'s group that another
    candidate handed in (evaluation id → its fingerprints)."""
    own = session.get(EvaluationFingerprint, evaluation_id)
    evaluation = session.get(Evaluation, evaluation_id)
    if own is None or evaluation is None:
        return {}
    identity = candidate_identity(session, evaluation)
    rows = session.exec(
        select(EvaluationFingerprint, Evaluation)
        .join(Evaluation, col(Evaluation.id) == col(EvaluationFingerprint.evaluation_id))
        .where(
            col(EvaluationFingerprint.group_key) == own.group_key,
            col(EvaluationFingerprint.evaluation_id) != evaluation_id,
        )
    ).all()
    return {
        fingerprint.evaluation_id: list(fingerprint.hashes)
        for fingerprint, other in rows
        if not identity & candidate_identity(session, other)
    }


def names(flag: dict[str, Any], evaluation_id: str) -> bool:
    """Whether ``flag`` is a similarity flag naming ``evaluation_id`` (the engine's and the
    mirrored ones both name the other evaluation in their message)."""
    return flag.get("code") == FLAG_CODE and evaluation_id in str(flag.get("message", ""))


def attention_note(other_id: str) -> str:
    return (
        f"Evaluation {other_id} matches this submission: compare the two (see the similar "
        "submission flag) before relying on this verdict."
    )


def add_flag(
    session: Session,
    *,
    evaluation_id: str,
    other_id: str,
    flag: dict[str, Any],
    reconsider: Reconsider,
) -> bool:
    """Add ``flag`` (naming ``other_id``) to the stored result of ``evaluation_id``, re-judged
    by ``reconsider`` (the result with the flag → the result as scoring would state it), and
    tell its reviewer (see the module docstring). False when there is no stored result yet (the
    engine still runs: its own completion compares again) or the result already names
    ``other_id``."""
    for _ in range(_MAX_TRIES):
        session.expire_all()
        evaluation = session.get(Evaluation, evaluation_id)
        if evaluation is None or not evaluation.automated_result:
            return False
        result = dict(evaluation.automated_result)
        flags = list(result.get("risk_flags") or [])
        if any(names(existing, other_id) for existing in flags):
            return False
        updated = reconsider({**result, "risk_flags": [*flags, flag]})
        written = session.exec(
            update(Evaluation)
            .where(
                col(Evaluation.id) == evaluation_id,
                col(Evaluation.result_revision) == evaluation.result_revision,
                col(Evaluation.status) == evaluation.status,
                col(Evaluation.stage) == evaluation.stage,
            )
            .values(
                automated_result=updated,
                overall_score=stored_overall_score(updated, evaluation.review_scores),
                result_revision=evaluation.result_revision + 1,
                attention=attention_note(other_id)[:2000],
                **_back_to_review(evaluation),
            )
        )
        session.commit()
        if written.rowcount == 1:
            return True
    raise RuntimeError(f"evaluation {evaluation_id}: the result kept changing while flagged")


def _back_to_review(evaluation: Evaluation) -> dict[str, Any]:
    """A finalised evaluation goes back to the review queue; any other keeps its place."""
    if evaluation.status != EvaluationStatus.completed:
        return {}
    return {
        "status": EvaluationStatus.pending.value,
        "stage": EvaluationStage.awaiting_review.value,
        "stage_started_at": utcnow(),
        "completed_at": None,
        "finalised_at": None,
    }
