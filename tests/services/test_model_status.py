"""Model status follows workers that are alive: a worker busy with jobs for longer than the live
window keeps saying so (its heartbeat), so the status does not turn "degraded" under it."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from sqlmodel import col, update

from backend.db import session_scope
from backend.models.base import utcnow
from backend.models.interviews import WorkerModelState
from backend.services.interviews.model_status import (
    LIVE_WINDOW,
    model_status,
    report_model_state,
    worker_alive,
)
from workers.interviews import loaded_models


def _age(worker_id: str, by: timedelta) -> None:
    with session_scope() as session:
        session.exec(
            update(WorkerModelState)
            .where(col(WorkerModelState.worker_id) == worker_id)
            .values(updated_at=utcnow() - by)
        )
        session.commit()


def _listed(worker_id: str) -> list[tuple[str, str]]:
    with session_scope() as session:
        models = model_status(session)["models"]
    return [(m["role"], m["state"]) for m in models if m["worker_id"] == worker_id]


def test_a_busy_worker_that_says_it_is_alive_stays_listed():
    worker = f"gpu-{uuid.uuid4().hex[:8]}"
    with session_scope() as session:
        report_model_state(
            session, worker_id=worker, role="asr", name="tiny.en", device="cpu", state="warm"
        )
        report_model_state(
            session, worker_id=worker, role="embeddings", name="mini", device="cpu", state="warm"
        )
    # Loaded at start, then busy for longer than the live window: without a beat it is gone.
    _age(worker, LIVE_WINDOW + timedelta(minutes=1))
    assert _listed(worker) == []

    with session_scope() as session:
        assert worker_alive(session, worker_id=worker) == 2
    assert sorted(_listed(worker)) == [("asr", "warm"), ("embeddings", "warm")]


def test_a_worker_that_never_reported_has_nothing_to_renew():
    with session_scope() as session:
        assert worker_alive(session, worker_id=f"gpu-{uuid.uuid4().hex[:8]}") == 0


def test_the_worker_process_renews_its_reports_while_it_runs():
    me = loaded_models.process_identity()
    with session_scope() as session:
        report_model_state(
            session, worker_id=me, role="asr", name="tiny.en", device="cpu", state="warm"
        )
    _age(me, LIVE_WINDOW + timedelta(minutes=1))
    thread = loaded_models.keep_saying_alive(interval_s=0.2)
    assert loaded_models.keep_saying_alive(interval_s=0.2) is thread  # one per process
    deadline = time.monotonic() + 10
    while not _listed(me) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _listed(me) == [("asr", "warm")]  # renewed, its state kept
