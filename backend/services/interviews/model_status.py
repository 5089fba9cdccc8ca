"""What the speech workers have loaded, and how much work waits (seed 004 ``GET
/models/status``, public).

Workers are other processes, possibly on other machines: each reports its models here
(``report_model_state``) as it loads them, and the web process only reads the table. While it
runs, busy with a job or idle, a worker also says every few minutes that it is still alive
(``worker_alive``), so a report older than ``LIVE_WINDOW`` is from a worker that stopped or died
and is left out.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from backend.models.base import iso, utcnow
from backend.models.interviews import (
    ACTIVE_STATUSES,
    InterviewJob,
    InterviewJobStatus,
    WorkerModelState,
)
from backend.services.errors import InvalidInput

LIVE_WINDOW = timedelta(minutes=10)
# How often a running worker says it is alive: several beats fit in LIVE_WINDOW, so a missed
# one (a database hiccup) never makes a live worker look gone.
HEARTBEAT = LIVE_WINDOW / 5
# Queued work older than this means nobody is taking it: the service is degraded.
WAIT_DEGRADED = timedelta(minutes=5)
ROLES = ("asr", "diarization", "embeddings")
STATES = ("cold", "loading", "warm", "failed")


def _model_row(row: WorkerModelState) -> dict[str, Any]:
    return {
        "worker_id": row.worker_id,
        "role": row.role,
        "name": row.name,
        "device": row.device,
        "state": row.state,
        "footprint_mib": row.footprint_mib,
        "detail": row.detail,
        "updated_at": iso(row.updated_at),
    }


def model_status(session: Session) -> dict[str, Any]:
    """``{"models": [...], "queue_depths": {"queued", "loading_weights",
    "processing_inference"}, "degraded": bool}``. Degraded: no live worker has a speech model
    (warm, or cold and ready to load), or a job has waited in the queue for over 5 minutes."""
    now = utcnow()
    rows = session.exec(
        select(WorkerModelState)
        .where(col(WorkerModelState.updated_at) >= now - LIVE_WINDOW)
        .order_by(col(WorkerModelState.role), col(WorkerModelState.worker_id))
    ).all()
    counts = dict(
        session.exec(
            select(InterviewJob.status, func.count())
            .where(col(InterviewJob.status).in_([s.value for s in ACTIVE_STATUSES]))
            .group_by(col(InterviewJob.status))
        ).all()
    )
    depths = {s.value: int(counts.get(s.value, 0)) for s in ACTIVE_STATUSES}
    oldest_queued = session.exec(
        select(func.min(InterviewJob.created_at)).where(
            col(InterviewJob.status) == InterviewJobStatus.queued.value
        )
    ).one()
    if oldest_queued is not None and oldest_queued.tzinfo is None:  # func.min skips the type
        oldest_queued = oldest_queued.replace(tzinfo=now.tzinfo)
    speech_ready = any(r.role == "asr" and r.state in ("warm", "cold") for r in rows)
    waiting_too_long = oldest_queued is not None and now - oldest_queued > WAIT_DEGRADED
    return {
        "models": [_model_row(r) for r in rows],
        "queue_depths": depths,
        "degraded": (not speech_ready) or waiting_too_long,
    }


def worker_alive(session: Session, *, worker_id: str) -> int:
    """The heartbeat of a running worker: what it reported stays current (its states are kept,
    their time is now). Returns how many of its reports there were."""
    result = session.exec(  # type: ignore[call-overload]
        update(WorkerModelState)
        .where(col(WorkerModelState.worker_id) == worker_id[:128])
        .values(updated_at=utcnow())
    )
    session.commit()
    return int(result.rowcount or 0)


def report_model_state(
    session: Session,
    *,
    worker_id: str,
    role: str,
    name: str,
    device: str | None,
    state: str,
    footprint_mib: int | None = None,
    detail: str | None = None,
) -> WorkerModelState:
    """Record (insert or update) what worker ``worker_id`` has for ``role``; workers call this
    when a model starts loading, is warm, failed, and now and then to say they are alive."""
    if role not in ROLES:
        raise InvalidInput(f"role must be one of {', '.join(ROLES)}.")
    if state not in STATES:
        raise InvalidInput(f"state must be one of {', '.join(STATES)}.")
    values = {
        "name": name[:255],
        "device": device[:32] if device else None,
        "state": state,
        "footprint_mib": footprint_mib,
        "detail": detail[:500] if detail else None,
        "updated_at": utcnow(),
    }
    for _ in range(2):  # a concurrent first report by the same worker wins the insert
        row = session.exec(
            select(WorkerModelState).where(
                col(WorkerModelState.worker_id) == worker_id[:128],
                col(WorkerModelState.role) == role,
            )
        ).first()
        if row is None:
            row = WorkerModelState(worker_id=worker_id[:128], role=role, **values)
        else:
            for key, value in values.items():
                setattr(row, key, value)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        session.refresh(row)
        return row
    raise InvalidInput("The model state could not be recorded; try again.")
