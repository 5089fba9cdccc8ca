"""A reviewer's decision on many evaluations at once (backend.services.evaluations.bulk_review):
the evaluations that can take it are decided through the single review path, the others are
skipped with their reason, and the whole batch is one transaction. On the test database
(SQLite by default, PostgreSQL when TRUELEVEL_TEST_DATABASE_URL names one)."""

from __future__ import annotations

import pytest

from backend.db import get_engine, session_scope
from backend.models import Evaluation
from backend.services.errors import InvalidInput
from backend.services.evaluations import bulk_review, review
from backend.services.evaluations.bulk_review import BulkDecision, SkipReason, decide_many
from tests.api.evaluations.helpers import fail_evaluation, finish_automated, submit
from tests.helpers import make_org

REVIEWER = "rita@example.com"


def _scored(client, org, ref: str) -> str:
    evaluation_id = submit(client, org, candidate_ref=ref)["id"]
    finish_automated(evaluation_id)
    return evaluation_id


def _row(evaluation_id: str) -> Evaluation:
    with session_scope() as session:
        row = session.get(Evaluation, evaluation_id)
        session.expunge(row)
        return row


def test_decides_the_scored_ones_and_says_why_the_others_were_skipped(client):
    org, other = make_org(), make_org()
    waiting_a, waiting_b = _scored(client, org, "CAND-A"), _scored(client, org, "CAND-B")
    running = submit(client, org, candidate_ref="CAND-RUNNING")["id"]
    failed = submit(client, org, candidate_ref="CAND-FAILED")["id"]
    fail_evaluation(failed, code="repository_unreachable", reason="404 from the host")
    decided_before = _scored(client, org, "CAND-DONE")
    held_by_another = _scored(client, org, "CAND-HELD")
    foreign = _scored(client, other, "CAND-FOREIGN")
    with session_scope() as session:
        for evaluation_id, who in ((decided_before, REVIEWER), (held_by_another, "bob@x.io")):
            review.claim(session, org_id=org.org_id, evaluation_id=evaluation_id, reviewer_id=who)
        review.finalise(
            session,
            org_id=org.org_id,
            evaluation_id=decided_before,
            reviewer_id=REVIEWER,
            recommendation="hold",
        )

    outcome = decide_many(
        get_engine(),
        org_id=org.org_id,
        evaluation_ids=[
            waiting_a,
            running,
            waiting_b,
            failed,
            decided_before,
            held_by_another,
            foreign,
            waiting_a,  # ticked twice: decided once
        ],
        reviewer_id=REVIEWER,
        recommendation="proceed",
        note="Strong take-homes; invite to the panel.",
    )

    assert outcome.decided == [waiting_a, waiting_b]
    assert {(s.evaluation_id, s.reason) for s in outcome.skipped} == {
        (running, SkipReason.still_running),
        (failed, SkipReason.failed),
        (decided_before, SkipReason.already_decided),
        (held_by_another, SkipReason.claimed_by_another_reviewer),
        (foreign, SkipReason.not_found),
    }
    assert outcome.summary == (
        "2 decided, 5 skipped: 1 still running, 1 failed, 1 already decided, "
        "1 claimed by another reviewer, 1 not found"
    )
    for evaluation_id in (waiting_a, waiting_b):
        row = _row(evaluation_id)
        assert (row.status, row.stage) == ("completed", "finalised")
        assert row.final_recommendation == "proceed"
        assert row.reviewer_id == REVIEWER
        assert row.review_note == "Strong take-homes; invite to the panel."
        # The automated verdict is kept beside the human one.
        assert row.automated_result["recommendation"] == "proceed"
    # The skipped ones are exactly as they were.
    assert (_row(running).status, _row(running).stage) == ("pending", "queued")
    assert _row(decided_before).final_recommendation == "hold"
    held = _row(held_by_another)
    assert (held.stage, held.reviewer_id, held.final_recommendation) == ("review", "bob@x.io", None)
    assert _row(foreign).stage == "awaiting_review"


def test_a_reject_is_recorded_as_the_reviewers_decision(client):
    org = make_org()
    evaluation_id = _scored(client, org, "CAND-REJECT")
    outcome = decide_many(
        get_engine(),
        org_id=org.org_id,
        evaluation_ids=[evaluation_id],
        reviewer_id=REVIEWER,
        recommendation="reject",
    )
    assert outcome.summary == "1 decided"
    row = _row(evaluation_id)
    assert (row.final_recommendation, row.reviewer_id) == ("reject", REVIEWER)
    assert row.finalised_at is not None


def test_a_failure_part_way_writes_nothing(client, monkeypatch):
    org = make_org()
    first, second = _scored(client, org, "CAND-1"), _scored(client, org, "CAND-2")
    real_finalise = review.finalise

    def finalise_then_break(session, **kwargs):
        if kwargs["evaluation_id"] == second:
            raise RuntimeError("the database went away")
        return real_finalise(session, **kwargs)

    monkeypatch.setattr(bulk_review.review, "finalise", finalise_then_break)
    with pytest.raises(RuntimeError):
        decide_many(
            get_engine(),
            org_id=org.org_id,
            evaluation_ids=[first, second],
            reviewer_id=REVIEWER,
            recommendation="proceed",
        )
    for evaluation_id in (first, second):
        row = _row(evaluation_id)
        assert (row.status, row.stage, row.reviewer_id) == ("pending", "awaiting_review", None)


def test_an_unknown_decision_or_too_many_rows_is_refused():
    org = make_org()
    with pytest.raises(InvalidInput) as unknown:
        decide_many(
            get_engine(),
            org_id=org.org_id,
            evaluation_ids=["x"],
            reviewer_id=REVIEWER,
            recommendation="advance",
        )
    assert unknown.value.code == "invalid_recommendation"
    with pytest.raises(InvalidInput) as too_many:
        decide_many(
            get_engine(),
            org_id=org.org_id,
            evaluation_ids=[f"id-{i}" for i in range(bulk_review.MAX_BATCH + 1)],
            reviewer_id=REVIEWER,
            recommendation="hold",
        )
    assert too_many.value.code == "too_many_evaluations"


def test_the_summary_names_one_reason_without_counting_it():
    outcome = BulkDecision(
        recommendation="proceed",
        decided=["a", "b"],
        skipped=[{"evaluation_id": "c", "reason": SkipReason.still_running}],
    )
    assert outcome.summary == "2 decided, 1 skipped: still running"
