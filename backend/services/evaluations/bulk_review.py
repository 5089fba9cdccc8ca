"""One reviewer's decision on many evaluations at once: proceed, hold or reject for every
evaluation a reviewer ticked in the list.

Each evaluation goes through exactly what its report page does (``review.claim`` then
``review.finalise`` with the recommendation), so the rules are the single evaluation's: only an
evaluation the engine has scored and no other reviewer holds can take a decision, and a decided
one keeps its verdict. Those that cannot are skipped, each with the reason
(:class:`SkipReason`), and the others are decided.

All of it is one database transaction: the review functions commit, and here each of their
commits only releases a savepoint (the session joins the bulk's own transaction with
``join_transaction_mode="create_savepoint"``), each evaluation within a savepoint of its own so
a skipped one leaves nothing behind. Nothing is visible to anyone until the whole batch is
written, and a failure part-way writes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from enum import StrEnum

from pydantic import BaseModel
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from backend.db import one_writer_at_a_time
from backend.services import outbox
from backend.services.ats import notices as ats_notices
from backend.services.errors import Conflict, InvalidInput, NotFound
from backend.services.evaluations import callbacks, review
from backend.services.evaluations.review import RECOMMENDATIONS

MAX_BATCH = 200


class SkipReason(StrEnum):
    still_running = "still running"
    failed = "failed"
    already_decided = "already decided"
    claimed_by_another_reviewer = "claimed by another reviewer"
    not_found = "not found"  # unknown, or another organisation's


class SkippedEvaluation(BaseModel):
    evaluation_id: str
    reason: SkipReason


class BulkDecision(BaseModel):
    """What a bulk decision did: the evaluations decided and those skipped, with why."""

    recommendation: str
    decided: list[str]
    skipped: list[SkippedEvaluation]

    @property
    def summary(self) -> str:
        """``2 decided, 1 skipped: still running`` (reasons by count, most common first)."""
        text = f"{len(self.decided)} decided"
        if not self.skipped:
            return text
        reasons = Counter(s.reason.value for s in self.skipped)
        if len(reasons) == 1:
            return f"{text}, {len(self.skipped)} skipped: {next(iter(reasons))}"
        parts = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
        return f"{text}, {len(self.skipped)} skipped: {parts}"


def _reason(conflict: Conflict) -> SkipReason:
    """Why ``review.claim`` or ``review.finalise`` refused, in the list's words."""
    if conflict.code == "claimed_by_another_reviewer":
        return SkipReason.claimed_by_another_reviewer
    if conflict.code == "already_finalised":
        return SkipReason.already_decided
    if conflict.extra.get("current_stage") == "failed":
        return SkipReason.failed
    return SkipReason.still_running


def _decide_one(
    session: Session,
    *,
    org_id: str,
    evaluation_id: str,
    reviewer_id: str,
    recommendation: str,
    note: str | None,
) -> SkipReason | None:
    """The single evaluation's review path; the reason when it cannot take the decision."""
    try:
        review.claim(session, org_id=org_id, evaluation_id=evaluation_id, reviewer_id=reviewer_id)
        review.finalise(
            session,
            org_id=org_id,
            evaluation_id=evaluation_id,
            reviewer_id=reviewer_id,
            recommendation=recommendation,
            note=note,
        )
    except NotFound:
        return SkipReason.not_found
    except Conflict as conflict:
        return _reason(conflict)
    return None


def _begin(connection: Connection) -> None:
    """Open the bulk's transaction. SQLite's driver opens one only before a write, and a
    SAVEPOINT outside a transaction would become the transaction, committed by its first
    RELEASE: begin it explicitly (taking the write lock at once)."""
    connection.begin()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def decide_many(
    engine: Engine,
    *,
    org_id: str,
    evaluation_ids: Sequence[str],
    reviewer_id: str,
    recommendation: str,
    note: str | None = None,
) -> BulkDecision:
    """Record ``recommendation`` as ``reviewer_id``'s decision on each of ``evaluation_ids``
    that can take it (claiming those still waiting in the review queue), in one transaction;
    the others are skipped with their reason. InvalidInput for an unknown recommendation or
    more than MAX_BATCH evaluations."""
    if recommendation not in RECOMMENDATIONS:
        raise InvalidInput(
            f"recommendation must be one of {', '.join(RECOMMENDATIONS)}.",
            code="invalid_recommendation",
        )
    wanted = list(dict.fromkeys(evaluation_ids))
    if len(wanted) > MAX_BATCH:
        raise InvalidInput(
            f"Decide on at most {MAX_BATCH} evaluations at once.", code="too_many_evaluations"
        )
    decided: list[str] = []
    skipped: list[SkippedEvaluation] = []
    with (
        engine.connect() as connection,
        Session(bind=connection, join_transaction_mode="create_savepoint") as session,
        one_writer_at_a_time(session),
    ):
        _begin(connection)
        for evaluation_id in wanted:
            one = connection.begin_nested()
            reason = _decide_one(
                session,
                org_id=org_id,
                evaluation_id=evaluation_id,
                reviewer_id=reviewer_id,
                recommendation=recommendation,
                note=note,
            )
            # The session's own savepoint ends inside this evaluation's one.
            if reason is None:
                session.commit()
                one.commit()
                decided.append(evaluation_id)
            else:
                session.rollback()
                one.rollback()
                skipped.append(SkippedEvaluation(evaluation_id=evaluation_id, reason=reason))
        connection.commit()
    if decided:  # what the decisions queued is due only now that it is committed
        outbox.wake(callbacks.CALLBACKS)
        outbox.wake(ats_notices.NOTICES)
    return BulkDecision(recommendation=recommendation, decided=decided, skipped=skipped)
