"""A real Huey consumer process is killed in the middle of an interview job: nothing is lost,
another consumer takes the job over once the dead one's lease lapses, and the job completes
once, charged once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlmodel import select

from backend.db import session_scope
from backend.models import CreditLedgerEntry, InterviewJob, Organization
from backend.models.base import utcnow
from backend.services import leases
from backend.services.interviews import jobs, submission
from tests.helpers import make_org
from workers.interviews.pipeline import CLAIMABLE

ROOT = Path(__file__).resolve().parents[3]
AUDIO = ROOT / ".." / "shared" / "data" / "audio"
pytestmark = pytest.mark.skipif(not AUDIO.is_dir(), reason="../shared/data/audio is missing")


def _env(queue_file: Path) -> dict[str, str]:
    """The test's database and data folder (the recording lives there), a queue of its own."""
    return {
        **os.environ,
        "TRUELEVEL_QUEUE_FILE": str(queue_file),
        "TRUELEVEL_REDIS_URL": "",
        "TRUELEVEL_WORK_LEASE_SECONDS": "3",
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


def _enqueue(job_id: str, env: dict[str, str]) -> None:
    code = f"from workers.tasks import process_interview; process_interview({job_id!r})"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)


def _wait_for(job_id: str, predicate, timeout: float, what: str) -> InterviewJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as session:
            row = session.get(InterviewJob, job_id)
            if predicate(row):
                session.expunge(row)
                return row
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def test_a_killed_worker_loses_nothing_and_the_job_completes_once_with_one_charge(tmp_path):
    org = make_org("Interview recovery")
    with session_scope() as session:
        row = session.get(Organization, org.org_id)
        row.credit_balance = 10
        session.add(row)
        session.commit()
    with session_scope() as session, (AUDIO / "jfk.flac").open("rb") as stream:
        job = submission.submit_recording(
            session, org_id=org.org_id, stream=stream, filename="jfk.flac", role_title="Orator"
        )
        job_id, charged = job.id, job.credits_charged
    assert charged == 1

    env = _env(tmp_path / "queue.db")
    log = tmp_path / "workers.log"
    first = _consumer(env, log)
    try:
        _enqueue(job_id, env)
        running = _wait_for(
            job_id, lambda j: j.status != "queued", 120, "the first worker to start the job"
        )
        assert running.lease_owner and running.attempts == 1
        os.killpg(first.pid, signal.SIGKILL)  # the worker dies mid-job
        first.wait(timeout=10)
    finally:
        _stop(first)

    with session_scope() as session:
        row = session.get(InterviewJob, job_id)
        assert row.status in ("loading_weights", "processing_inference"), row.status
    time.sleep(3.5)  # the dead worker's 3-second lease lapses
    with session_scope() as session:
        stale = leases.stale(
            session,
            InterviewJob,
            claimable=CLAIMABLE,
            older_than=utcnow(),
            created_column=InterviewJob.created_at,
        )
    assert job_id in [row[0] for row in stale], "the sweep would not pick it up"

    second = _consumer(env, log)
    try:
        _enqueue(job_id, env)  # what the minute sweep does for a stale job
        _enqueue(job_id, env)  # and a duplicate message, which must be harmless
        done = _wait_for(
            job_id,
            lambda j: j.status in ("completed", "failed"),
            240,
            f"the second worker to finish (log: {log.read_text()[-3000:]})",
        )
    finally:
        _stop(second)
    assert done.status == "completed", done.error
    assert done.attempts == 2
    with session_scope() as session:
        states = [e.status for e in jobs.job_events(session, job_id=job_id)]
        charges = session.exec(
            select(CreditLedgerEntry).where(CreditLedgerEntry.job_id == job_id)
        ).all()
        balance = session.get(Organization, org.org_id).credit_balance
    assert states[0] == "queued" and states[-1] == "completed"
    assert states.count("completed") == 1
    assert len(charges) == 1 and charges[0].delta == -1
    assert balance == 9
