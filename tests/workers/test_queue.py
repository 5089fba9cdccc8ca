"""The Huey queue: SQLite by default, Redis when configured, and a real consumer process that
delivers queued invite emails to a real SMTP server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from huey import PriorityRedisExpireHuey, SqliteHuey

from backend.db import session_scope
from backend.services.mail import queue_email
from backend.settings import Settings
from tests.helpers import make_org
from workers.queue import RESULT_TTL_SECONDS, make_huey

ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_queue_by_default(tmp_path):
    huey = make_huey(Settings(data_dir=tmp_path, redis_url=""))
    assert isinstance(huey, SqliteHuey)
    assert (tmp_path / "queue.db").exists()


def test_redis_queue_when_configured_keeps_priorities_and_expires_results(tmp_path):
    huey = make_huey(Settings(data_dir=tmp_path, redis_url="redis://127.0.0.1:6379/15"))
    # Plain RedisHuey refuses the priorities every evaluation and interview is enqueued with.
    assert isinstance(huey, PriorityRedisExpireHuey)
    assert huey.storage._expire_time == RESULT_TTL_SECONDS


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


QUEUES = [pytest.param("", id="sqlite")]
if os.environ.get("TRUELEVEL_TEST_REDIS_URL"):
    QUEUES.append(pytest.param(os.environ["TRUELEVEL_TEST_REDIS_URL"], id="redis"))


@pytest.mark.parametrize("redis_url", QUEUES)
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
    consumer = subprocess.Popen(
        [sys.executable, "-m", "huey.bin.huey_consumer", "workers.tasks.huey", "-w", "1", "-n"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
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
        deadline = time.monotonic() + 30
        ours: list[bytes] = []
        while time.monotonic() < deadline and not ours:
            time.sleep(0.2)
            ours = [m for m in inbox.messages if b"TL-ABCD-2345" in m]
        assert ours, "the consumer did not deliver the queued email"
        assert b"casey.candidate@example.com" in ours[0]
    finally:
        consumer.terminate()
        try:
            consumer.wait(timeout=10)
        except subprocess.TimeoutExpired:
            consumer.kill()
        controller.stop()


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
