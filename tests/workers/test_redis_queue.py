"""Huey on the real Redis (``TRUELEVEL_TEST_REDIS_URL``): work submitted through the real code
path reaches its kind's queue with its priority, and real consumer processes (one per queue) run
it by priority to the end, including the minute sweep that brings back work whose message was
lost.

The processes share a database of their own (a SQLite file), so the sweep sees only this test's
rows, and a queue name of their own, so a test run beside this one takes none of its messages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlmodel import Session, select

from backend.db import make_engine, migrate
from backend.models import CreditLedgerEntry, Evaluation, InterviewJob
from tests.workers import consumers
from tests.workers.evaluation import projects

ROOT = Path(__file__).resolve().parents[2]
AUDIO = ROOT / ".." / "shared" / "data" / "audio" / "jfk.flac"
REDIS_URL = os.environ.get("TRUELEVEL_TEST_REDIS_URL", "")
pytestmark = [
    pytest.mark.skipif(not REDIS_URL, reason="TRUELEVEL_TEST_REDIS_URL is not set"),
    pytest.mark.skipif(not AUDIO.is_file(), reason="../shared/data/audio/jfk.flac is missing"),
]

PASSING_TEST = """def test_adds():
    assert 1 + 1 == 2
"""


def _environment(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cluster.db'}"
    migrate(url)
    return {
        **os.environ,
        "TRUELEVEL_DATABASE_URL": url,
        "TRUELEVEL_DATA_DIR": str(tmp_path / "data"),
        "TRUELEVEL_REDIS_URL": REDIS_URL,
        "TRUELEVEL_QUEUE_NAME": f"test-{uuid.uuid4().hex}",
        "TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS": "1",
        "TRUELEVEL_SANDBOX_TIMEOUT_S": "60",
    }


def _wait_until_finished(url: str, ids: dict[str, str], timeout: float, log: Path) -> Session:
    engine = make_engine(url)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session = Session(engine)
        evaluations = [session.get(Evaluation, ids[k]) for k in ("express", "standard", "lost")]
        job = session.get(InterviewJob, ids["interview"])
        if job.status in ("completed", "failed") and all(
            e.stage in ("awaiting_review", "failed") for e in evaluations
        ):
            return session
        session.close()
        time.sleep(0.5)
    raise AssertionError(f"the consumer did not finish the work (log: {log.read_text()[-3000:]})")


def test_prioritised_evaluations_and_interviews_complete_through_redis(tmp_path):
    repo_url = projects.make_repo(
        tmp_path / "repo",
        [
            (
                "Adds",
                {"tests/test_adds.py": PASSING_TEST, "README.md": "# Adds\n"},
                "2026-11-02T10:00:00+00:00",
            )
        ],
    )
    env = _environment(tmp_path)
    submitted = subprocess.run(
        [sys.executable, "-m", "tests.workers.submit_through_queue", repo_url, str(AUDIO)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert submitted.returncode == 0, f"submitting failed: {submitted.stderr[-3000:]}"
    ids = json.loads(submitted.stdout.strip().splitlines()[-1])

    log = tmp_path / "consumer.log"
    # One worker per queue, so the order in which a queue's work starts is the order it hands
    # the work out.
    consumer = consumers.start_consumer(env, log, "--no-periodic")
    try:
        session = _wait_until_finished(env["TRUELEVEL_DATABASE_URL"], ids, 300, log)
    finally:
        consumers.stop(consumer)

    with session:
        express = session.get(Evaluation, ids["express"])
        standard = session.get(Evaluation, ids["standard"])
        lost = session.get(Evaluation, ids["lost"])
        job = session.get(InterviewJob, ids["interview"])
        charges = session.exec(
            select(CreditLedgerEntry).where(CreditLedgerEntry.job_id == job.id)
        ).all()
        assert express.stage == "awaiting_review", express.failure_reason
        assert lost.stage == "awaiting_review", lost.failure_reason
        assert job.status == "completed", job.error
        # Express (30) was enqueued after the standard evaluation (10) and still ran first; the
        # lost one came back only through the sweep (on ops), behind the queued evaluations.
        assert express.started_at < standard.started_at < lost.started_at
        # The interview ran on its own queue: it did not wait for the evaluations to finish.
        assert job.started_at < standard.stage_started_at  # when it reached awaiting_review
        assert express.attempts == standard.attempts == job.attempts == lost.attempts == 1
        assert [c.delta for c in charges] == [-1]
    assert "Traceback" not in log.read_text()
