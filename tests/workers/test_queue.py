"""The Huey queues, one per kind of work: SQLite by default, Redis when configured; each task on
its kind's queue, the periodic work only on ``ops``; and real consumer processes that deliver
queued invite emails to a real SMTP server only where the ``ops`` queue is served."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from huey import PriorityRedisExpireHuey, SqliteHuey

from backend.db import session_scope
from backend.services.mail import queue_email
from backend.settings import Settings
from tests.helpers import make_org
from tests.workers import consumers
from workers import tasks
from workers.consumer import consumer_command
from workers.queue import KINDS, QUEUES, RESULT_TTL_SECONDS, make_huey

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_queues_by_default(tmp_path):
    settings = Settings(data_dir=tmp_path, redis_url="", queue_name="acme")
    queues = [make_huey(settings, kind) for kind in KINDS]
    assert all(isinstance(huey, SqliteHuey) for huey in queues)
    assert [huey.name for huey in queues] == ["acme-gpu", "acme-cpu", "acme-ops"]
    assert (tmp_path / "queue.db").exists()  # one file holds the three queues


def test_redis_queues_when_configured_keep_priorities_and_expire_results(tmp_path):
    settings = Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:6379/15")
    for kind in KINDS:
        huey = make_huey(settings, kind)
        # Plain RedisHuey refuses the priorities every evaluation and interview is enqueued with.
        assert isinstance(huey, PriorityRedisExpireHuey)
        assert huey.storage._expire_time == RESULT_TTL_SECONDS


def _pending() -> dict[str, int]:
    return {kind: huey.pending_count() for kind, huey in QUEUES.items()}


def test_each_kind_of_work_waits_on_its_own_queue():
    before = _pending()
    tasks.evaluate_code("evaluation-routing", priority=30)  # candidates' test suites: cpu
    tasks.process_interview("interview-routing", priority=25)  # speech models: gpu
    tasks.deliver_evaluation_callbacks()  # seconds of work: ops
    try:
        after = _pending()
        assert {kind: after[kind] - before[kind] for kind in KINDS} == {
            "gpu": 1,
            "cpu": 1,
            "ops": 1,
        }
    finally:
        for huey in QUEUES.values():
            huey.flush()


def test_the_minute_sweep_is_scheduled_on_ops_only():
    due = {kind: huey.read_periodic(datetime(2026, 12, 8, 10, 0)) for kind, huey in QUEUES.items()}
    assert [task.name for task in due["ops"]] == ["every_minute"]
    assert due["gpu"] == due["cpu"] == []


def test_only_one_ops_consumer_schedules_the_periodic_work():
    assert "--no-periodic" not in consumer_command("ops", workers=2, periodic=True)
    assert "--no-periodic" in consumer_command("ops", workers=2, periodic=False)
    # The other queues have no periodic work; their consumers never schedule any.
    assert "--no-periodic" in consumer_command("gpu", workers=1, periodic=True)
    assert "--no-periodic" in consumer_command("cpu", workers=2, periodic=True)


def test_consumers_refuse_to_start_without_the_installation_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TRUELEVEL_SECRET_KEY"}
    env["TRUELEVEL_QUEUE_NAME"] = f"test-{uuid.uuid4().hex}"
    done = subprocess.run(
        [sys.executable, "-m", "workers.consumer", "--queues", "ops"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "TRUELEVEL_SECRET_KEY" in done.stderr


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


BACKENDS = [pytest.param("", id="sqlite")]
if os.environ.get("TRUELEVEL_TEST_REDIS_URL"):
    BACKENDS.append(pytest.param(os.environ["TRUELEVEL_TEST_REDIS_URL"], id="redis"))


@pytest.mark.parametrize("redis_url", BACKENDS)
def test_consumer_process_delivers_queued_email(redis_url, tmp_path):
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    env = {
        **os.environ,
        "TRUELEVEL_SMTP_HOST": "127.0.0.1",
        "TRUELEVEL_SMTP_PORT": str(controller.port),
        "TRUELEVEL_REDIS_URL": redis_url,
        # A queue of its own: a test run beside this one must not take its messages.
        "TRUELEVEL_QUEUE_NAME": f"test-{uuid.uuid4().hex}",
        "TRUELEVEL_DATA_DIR": str(tmp_path),
        # Email delivery needs no speech models; loading them would only compete for the CPU.
        "TRUELEVEL_PRELOAD_MODELS": "0",
    }
    log = tmp_path / "consumers.log"
    # A GPU host serves only the interview queue: the email waits for an ops consumer.
    gpu_host = consumers.start_consumer(env, log, "--no-periodic", queues="gpu")
    try:
        org = make_org()
        with session_scope() as session:
            queue_email(
                session,
                org_id=org.org_id,
                to="casey.candidate@example.com",
                subject="Your truelevel assessment",
                body="Your key is TL-ABCD-2345",
                purpose="candidate_invite",
                related_id=None,
            )
        # Enqueue from this process, as the web app's scheduler would; the consumer runs it.
        code = "from workers.tasks import deliver_outbox; deliver_outbox()"
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)
        assert not _delivered(inbox, 5), "a consumer of the gpu queue ran ops work"
        ops_host = consumers.start_consumer(env, log, "--no-periodic", queues="ops")
        try:
            ours = _delivered(inbox, 30)
        finally:
            consumers.stop(ops_host)
        assert ours, f"the ops consumer did not deliver the queued email: {log.read_text()}"
        assert b"casey.candidate@example.com" in ours[0]
    finally:
        consumers.stop(gpu_host)
        controller.stop()


def _delivered(inbox: _Inbox, seconds: float) -> list[bytes]:
    deadline = time.monotonic() + seconds
    ours: list[bytes] = []
    while time.monotonic() < deadline and not ours:
        time.sleep(0.2)
        ours = [m for m in inbox.messages if b"TL-ABCD-2345" in m]
    return ours


def test_a_backlog_of_queued_email_drains_in_one_run(monkeypatch):
    from backend.settings import get_settings
    from workers.tasks import OUTBOX_BATCH, deliver_outbox

    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setenv("TRUELEVEL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRUELEVEL_SMTP_PORT", str(controller.port))
    get_settings.cache_clear()
    try:
        org = make_org()
        marker = f"backlog-{org.org_id}"
        with session_scope() as session:
            for i in range(OUTBOX_BATCH * 2 + 5):
                queue_email(
                    session,
                    org_id=org.org_id,
                    to=f"candidate{i}@example.com",
                    subject="Your truelevel interview",
                    body=f"{marker} {i}",
                    purpose="interview_invite",
                    related_id=None,
                    commit=False,
                )
            session.commit()
        deliver_outbox.call_local()
        ours = [m for m in inbox.messages if marker.encode() in m]
        assert len(ours) == OUTBOX_BATCH * 2 + 5
    finally:
        controller.stop()
        get_settings.cache_clear()
