"""Issue 11: a cluster loses a worker host mid-job and still finishes every job exactly once.

Two web hosts and two worker hosts, each with a data folder of its own, share PostgreSQL, Redis,
an S3-compatible store (moto's server) and the installation secret. Code evaluations (zip
uploads), interview recordings and a browser interview go through both web hosts. When one
worker host holds a lease on running work, it freezes (SIGSTOP), PostgreSQL cuts its
connections, and it dies (SIGKILL). The other host (the one that schedules the minute sweep)
takes the lapsed work over. Then: every job reached its final state once, each interview was
charged once, and each evaluation's callback reached a real receiver once, signed with the
secret the API hands out. A web host whose idle database connections were cut answers on.

Timing: the sweep hands lapsed work back only once it is a minute old, at a minute boundary,
so the dead host's job finishes one to two minutes after it was submitted. Measured on a
two-core machine busy with other work (load average 14): 163 s and 174 s in all.
"""

from __future__ import annotations

import json
import signal
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, col, select

from backend.db_clock import database_now
from backend.models import CreditLedgerEntry, Evaluation, InterviewJob, InterviewJobEvent
from backend.services import webhook_adapter
from backend.services.interviews import credits
from tests.cluster import traffic
from tests.cluster.installation import Host, Installation
from tests.webhook_receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
JFK = ROOT.parent / "shared" / "data" / "audio" / "jfk.flac"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.skipif(not JFK.is_file(), reason="../shared/data/audio/jfk.flac is missing"),
]

WORKER_SETTINGS = {
    "work_lease_seconds": "3",  # a dead host's lease lapses in seconds
    "sandbox_timeout_s": "60",
    "evaluation_allow_local_urls": "true",  # the callback receiver is on 127.0.0.1
}
WEB_SETTINGS = {"evaluation_allow_local_urls": "true"}
START_CREDITS = 50
RUNNING_STAGES = ("fetching", "analysing", "testing", "scoring")
RUNNING_STATUSES = ("loading_weights", "processing_inference")
FINISH_TIMEOUT_S = 420


def test_every_job_finishes_once_when_a_worker_host_dies_mid_job(installation: Installation):
    cluster = installation
    started = time.monotonic()
    timeline: dict[str, float] = {}

    def mark(event: str) -> None:
        timeline[event] = round(time.monotonic() - started, 1)

    cluster.deploy()
    # The one worker host that schedules the minute sweep (PERIODIC=1), and one that does not.
    sweeper = cluster.start_worker("worker-a", **WORKER_SETTINGS)
    doomed = cluster.start_worker("worker-b", "--no-periodic", **WORKER_SETTINGS)
    web = [cluster.start_web(name, **WEB_SETTINGS) for name in ("web-a", "web-b")]
    for host in (*web, sweeper, doomed):
        cluster.wait_ready(host)
    mark("hosts ready")

    org = json.loads(
        cluster.cli("create-org", "Cluster Hiring", "--admin-email", "ada@cluster.test")
    )
    headers = {"Authorization": f"Bearer {org['api_key']}"}
    with Session(cluster.engine) as session:
        credits.set_balance(session, org_id=org["organisation_id"], credits=START_CREDITS)

    with (
        Receiver() as receiver,
        httpx.Client(base_url=web[0].url, timeout=60) as a,
        httpx.Client(base_url=web[1].url, timeout=60) as b,
    ):
        evaluations = [
            traffic.evaluate_zip(up, on, headers, index=i, callback_url=receiver.url)
            for i, (up, on) in enumerate(((a, b), (b, a), (a, b)))
        ]
        recordings = [traffic.upload_recording(host, headers, JFK) for host in (a, b)]
        call_id, call_job = traffic.browser_interview(a, b, headers, JFK)
        interviews = [r["job_id"] for r in recordings] + [call_job]
        mark("work submitted")

        held = _running_work_held_by(cluster, doomed, org["organisation_id"])
        mark(f"worker-b holds {sorted(held)}")
        doomed.send(signal.SIGSTOP)  # the host freezes: its connections stay open
        cut = cluster.cut_connections(doomed)
        doomed.kill()
        mark("worker-b killed")
        assert cut >= 1, "the frozen worker host had no database connection to cut"
        # A database restart drops a web host's pooled connections too; it must answer on.
        assert cluster.cut_connections(web[0]) >= 1

        _wait_until_finished(cluster, evaluations, interviews, sweeper)
        mark("all finished")
        secret = b.get(f"{traffic.API}/evaluations/callback-secret", headers=headers)
        assert secret.status_code == 200, secret.text
        views = [a.get(f"{traffic.API}/jobs/{job_id}", headers=headers) for job_id in interviews]
        call = b.get(f"{traffic.API}/calls/{call_id}", headers=headers)
        received = list(receiver.requests)

    print(f"timeline (s): {timeline}")
    with Session(cluster.engine) as session:
        evaluation_rows = {
            row.id: row
            for row in session.exec(select(Evaluation).where(col(Evaluation.id).in_(evaluations)))
        }
        jobs = {
            row.id: row
            for row in session.exec(
                select(InterviewJob).where(col(InterviewJob.id).in_(interviews))
            )
        }
        finals = Counter(
            (event.job_id, event.status)
            for event in session.exec(
                select(InterviewJobEvent).where(col(InterviewJobEvent.job_id).in_(interviews))
            )
        )
        ledger = list(
            session.exec(
                select(CreditLedgerEntry).where(
                    CreditLedgerEntry.org_id == org["organisation_id"],
                    col(CreditLedgerEntry.job_id).is_not(None),
                )
            )
        )
        balance = credits.balance(session, org_id=org["organisation_id"])

    # Every accepted job exists once and reached its final state once.
    assert len(evaluation_rows) == 3 and len(jobs) == 3
    for evaluation in evaluation_rows.values():
        assert evaluation.stage == "awaiting_review", (
            evaluation.failure_code,
            evaluation.failure_reason,
        )
    for job_id, job in jobs.items():
        assert job.status == "completed", (job.error_code, job.error)
        assert finals[(job_id, "completed")] == 1 and finals[(job_id, "failed")] == 0
        words = " ".join(row["text"] for row in job.result["transcript"]).lower()
        assert "ask not what your country can do for you" in words
    assert [v.status_code for v in views] == [200] * 3, [v.text for v in views]
    assert [v.json()["status"] for v in views] == ["completed"] * 3
    assert call.json()["status"] == "completed", call.text
    # The dead host's work was taken over, not lost and not run to the end twice.
    taken_over = {**evaluation_rows, **jobs}
    for work_id in held:
        assert taken_over[work_id].attempts >= 2, f"{work_id} was not claimed again"

    # Each interview was charged once, by its own amount, and nothing was refunded.
    charges = Counter((entry.job_id, entry.reason, entry.delta) for entry in ledger)
    assert charges == Counter(
        {(job_id, "charge", -job.credits_charged): 1 for job_id, job in jobs.items()}
    )
    assert balance == START_CREDITS - sum(job.credits_charged for job in jobs.values())

    # Each evaluation's callback arrived once, signed with the secret the API hands out.
    assert sorted(r["headers"]["webhook-id"] for r in received) == sorted(
        f"{evaluation_id}.awaiting_review" for evaluation_id in evaluations
    )
    for request in received:
        assert webhook_adapter.verify(
            secret=secret.json()["secret"], headers=request["headers"], body=request["body"]
        )
    assert all(row.callback_state == "delivered" for row in evaluation_rows.values())

    # The files went through the shared store: no host kept an upload on its own disk, and the
    # interview inputs were deleted from the store once processed.
    for host in cluster.hosts:
        kept = [p for p in host.data_dir.rglob("*") if p.is_file()]
        assert kept == [], f"{host.name} kept {kept}"
    # (Browser interviews' answers stay for playback until the answer retention period ends.)
    assert not any(
        name.startswith("cluster/interviews/") and not name.startswith("cluster/interviews/calls/")
        for name in cluster.s3.names(cluster.bucket)
    )


def _running_work_held_by(cluster: Installation, host: Host, org_id: str) -> set[str]:
    """Wait until ``host`` holds a live lease on running work of ``org_id``; the ids it holds."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        pids = {str(pid) for pid in host.pids()}
        with Session(cluster.engine) as session:
            leased = [
                *session.exec(
                    select(Evaluation.id, Evaluation.lease_owner).where(
                        Evaluation.org_id == org_id,
                        col(Evaluation.stage).in_(RUNNING_STAGES),
                        col(Evaluation.lease_expires_at) > database_now(),
                    )
                ),
                *session.exec(
                    select(InterviewJob.id, InterviewJob.lease_owner).where(
                        InterviewJob.org_id == org_id,
                        col(InterviewJob.status).in_(RUNNING_STATUSES),
                        col(InterviewJob.lease_expires_at) > database_now(),
                    )
                ),
            ]
        held = {work_id for work_id, owner in leased if owner and owner.split(":")[1] in pids}
        if held:
            return held
        time.sleep(0.3)
    raise AssertionError(f"{host.name} never ran a job: {host.tail()}")


def _wait_until_finished(
    cluster: Installation, evaluations: list[str], interviews: list[str], worker: Host
) -> None:
    """Until every evaluation waits for review with its callback delivered, and every interview
    job is completed (or any of them failed, which the assertions then report)."""
    deadline = time.monotonic() + FINISH_TIMEOUT_S
    while time.monotonic() < deadline:
        with Session(cluster.engine) as session:
            evaluation_rows = session.exec(
                select(Evaluation).where(col(Evaluation.id).in_(evaluations))
            ).all()
            jobs = session.exec(
                select(InterviewJob).where(col(InterviewJob.id).in_(interviews))
            ).all()
            evaluations_done = all(
                e.stage == "failed"
                or (e.stage == "awaiting_review" and e.callback_state != "pending")
                for e in evaluation_rows
            )
            if evaluations_done and all(j.status in ("completed", "failed") for j in jobs):
                return
        time.sleep(1)
    raise AssertionError(f"the cluster did not finish its work: {worker.tail()}")
