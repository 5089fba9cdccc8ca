"""A real Huey consumer process is killed in the middle of an interview job: nothing is lost,
another consumer takes the job over once the dead one's lease lapses, and the job completes
once, charged once."""

from __future__ import annotations

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
from tests.workers import consumers
from workers.interviews.pipeline import CLAIMABLE

ROOT = Path(__file__).resolve().parents[3]
AUDIO = ROOT / ".." / "shared" / "data" / "audio"
pytestmark = pytest.mark.skipif(not AUDIO.is_dir(), reason="../shared/data/audio is missing")


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

    env = consumers.consumer_env(tmp_path / "queue.db")
    log = tmp_path / "workers.log"
    first = consumers.start_consumer(env, log)
    try:
        consumers.enqueue("process_interview", job_id, env)
        running = consumers.wait_for(
            InterviewJob,
            job_id,
            lambda j: j.status != "queued",
            120,
            "the first worker to start the job",
        )
        assert running.lease_owner and running.attempts == 1
        consumers.kill(first)  # the worker dies mid-job
    finally:
        consumers.stop(first)

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

    second = consumers.start_consumer(env, log)
    try:
        consumers.enqueue("process_interview", job_id, env)  # what the sweep does
        consumers.enqueue("process_interview", job_id, env)  # a duplicate is harmless
        done = consumers.wait_for(
            InterviewJob,
            job_id,
            lambda j: j.status in ("completed", "failed"),
            240,
            f"the second worker to finish (log: {log.read_text()[-3000:]})",
        )
    finally:
        consumers.stop(second)
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
