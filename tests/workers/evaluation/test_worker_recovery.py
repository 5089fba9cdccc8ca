"""A real Huey consumer process runs an evaluation; killed mid-evaluation, it loses nothing:
the lapsed lease makes the evaluation stale, another consumer claims it and finishes it once."""

from __future__ import annotations

import time

from sqlmodel import col

from backend.db import session_scope
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation, EvaluationFingerprint
from backend.services import leases
from tests.workers import consumers
from tests.workers.evaluation import projects
from workers.evaluation.pipeline import CLAIMABLE

SLOW_TEST = """import time


def test_takes_its_time():
    time.sleep(12)
    assert True
"""


def test_a_killed_worker_loses_nothing_and_the_evaluation_finishes_once(tmp_path):
    url = projects.make_repo(
        tmp_path / "slow",
        [
            (
                "Slow but honest",
                {"tests/test_slow.py": SLOW_TEST, "README.md": "# Slow\n"},
                "2026-11-02T10:00:00+00:00",
            )
        ],
    )
    evaluation_id = projects.submit_repo(
        url,
        org_name="Worker recovery",
        candidate_ref="CAND-KILL",
        target_role="Recovery engineer",
    )

    env = consumers.consumer_env(
        tmp_path / "queue.db",
        evaluation_allow_local_urls="1",
        sandbox_timeout_s="60",
        preload_models="0",  # code evaluations need no speech models
    )
    log = tmp_path / "workers.log"
    first = consumers.start_consumer(env, log)
    try:
        consumers.enqueue("evaluate_code", evaluation_id, env)
        running = consumers.wait_for(
            Evaluation,
            evaluation_id,
            lambda e: e.stage == "testing",
            90,
            "the first worker to run the tests",
        )
        assert running.lease_owner and running.attempts == 1
        consumers.kill(first)  # the worker dies mid-evaluation
    finally:
        consumers.stop(first)

    with session_scope() as session:
        row = session.get(Evaluation, evaluation_id)
        assert row.status == "pending" and row.stage == "testing"  # nothing lost, nothing done
    time.sleep(3.5)  # the dead worker's 3-second lease lapses
    with session_scope() as session:
        stale = leases.stale(
            session,
            Evaluation,
            # this one only: other tests' pending rows may fill the sweep's batch of 100
            claimable=[*CLAIMABLE, col(Evaluation.id) == evaluation_id],
            older_than=utcnow(),
            created_column=Evaluation.created_at,
        )
    assert evaluation_id in [row[0] for row in stale], "the sweep would not pick it up"

    second = consumers.start_consumer(env, log)
    try:
        # What the minute sweep does for every stale evaluation, for this one.
        consumers.enqueue("evaluate_code", evaluation_id, env)
        consumers.enqueue("evaluate_code", evaluation_id, env)  # a duplicate is harmless
        done = consumers.wait_for(
            Evaluation,
            evaluation_id,
            lambda e: e.stage == "awaiting_review",
            150,
            f"the second worker to finish (log: {log.read_text()[-2000:]})",
        )
    finally:
        consumers.stop(second)
    assert done.attempts == 2  # claimed by the dead worker, then once more
    assert done.lease_owner is None
    testing = next(s for s in done.automated_result["rubric_scores"] if s["category"] == "Testing")
    assert any("1 passed" in o["text"] or "1 test" in o["text"] for o in testing["observations"])
    with session_scope() as session:
        rows = session.exec(
            EvaluationFingerprint.__table__.select().where(
                EvaluationFingerprint.evaluation_id == evaluation_id
            )
        ).all()
    assert len(rows) == 1
