"""A real Huey consumer process runs an evaluation; killed mid-evaluation, it loses nothing:
the lapsed lease makes the evaluation stale, another consumer claims it and finishes it once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from backend.db import session_scope
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation, EvaluationCreate, EvaluationFingerprint
from backend.services import leases
from backend.services.evaluations import submission
from tests.helpers import make_org
from tests.workers.evaluation import projects
from workers.evaluation.pipeline import CLAIMABLE

ROOT = Path(__file__).resolve().parents[3]

SLOW_TEST = """import time


def test_takes_its_time():
    time.sleep(12)
    assert True
"""


def _worker_env(queue_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "TRUELEVEL_DATA_DIR": str(queue_dir),  # a queue of this test's own
        "TRUELEVEL_WORK_LEASE_SECONDS": "3",
        "TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS": "1",
        "TRUELEVEL_SANDBOX_TIMEOUT_S": "60",
    }


def _consumer(env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "workers.tasks.huey", "-w", "1"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _enqueue(evaluation_id: str, env: dict[str, str]) -> None:
    code = f"from workers.tasks import evaluate_code; evaluate_code({evaluation_id!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def _wait_for(evaluation_id: str, predicate, timeout: float, what: str) -> Evaluation:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as session:
            row = session.get(Evaluation, evaluation_id)
            if predicate(row):
                session.expunge(row)
                return row
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


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
    org = make_org("Worker recovery")
    data = EvaluationCreate.model_validate(
        {
            "candidate_ref": "CAND-KILL",
            "target_role": "Recovery engineer",
            "target_level": "mid",
            "artefact": {"type": "github_repo", "url": url},
        }
    )
    with session_scope() as session:
        evaluation_id = submission.submit_evaluation(session, org_id=org.org_id, data=data).id

    env = _worker_env(tmp_path / "queue")
    log = tmp_path / "workers.log"
    first = _consumer(env, log)
    try:
        _enqueue(evaluation_id, env)
        running = _wait_for(
            evaluation_id, lambda e: e.stage == "testing", 90, "the first worker to run the tests"
        )
        assert running.lease_owner and running.attempts == 1
        os.killpg(first.pid, signal.SIGKILL)  # the worker dies mid-evaluation
        first.wait(timeout=10)
    finally:
        _stop(first)

    with session_scope() as session:
        row = session.get(Evaluation, evaluation_id)
        assert row.status == "pending" and row.stage == "testing"  # nothing lost, nothing done
    time.sleep(3.5)  # the dead worker's 3-second lease lapses
    with session_scope() as session:
        stale = leases.stale(
            session,
            Evaluation,
            claimable=CLAIMABLE,
            older_than=utcnow(),
            created_column=Evaluation.created_at,
        )
    assert evaluation_id in [row[0] for row in stale], "the sweep would not pick it up"

    second = _consumer(env, log)
    try:
        # What the minute sweep does for every stale evaluation, for this one.
        _enqueue(evaluation_id, env)
        _enqueue(evaluation_id, env)  # a duplicate message is harmless
        done = _wait_for(
            evaluation_id,
            lambda e: e.stage == "awaiting_review",
            150,
            f"the second worker to finish (log: {log.read_text()[-2000:]})",
        )
    finally:
        _stop(second)
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
