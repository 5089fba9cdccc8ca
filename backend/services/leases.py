"""Leases on durable work (code evaluations, interview jobs): the one place that reads and writes
the ``LeasedWork`` columns.

A Huey message only says "look at row X". The row is the truth: a worker may work on it only
after an atomic compare-and-set gave it the lease, renews the lease while it works, and every
write it makes is guarded by still holding it. A worker that dies stops renewing; once its lease
has lapsed, the periodic sweep hands the row to the queue again and another worker claims it.
``attempts`` counts claims, so work that keeps killing its workers is failed, not retried forever.

Lease times are the database's (``backend.db_clock``), never a worker's: workers on several hosts
compare each other's leases, and a worker whose clock runs ahead would take live work from
another, one whose clock lags would keep work whose lease has lapsed.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, or_
from sqlmodel import Session, col, select, update

from backend.db_clock import database_now
from backend.models.base import LeasedWork
from backend.settings import get_settings


def worker_identity() -> str:
    """Who holds a lease: host, process and thread, so two threads of one consumer differ."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:128]


def _lease_until() -> database_now:
    return database_now(get_settings().work_lease_seconds)


def unheld(model: type[LeasedWork]) -> ColumnElement[bool]:
    """SQL condition: no live worker holds the row (never leased, released, or its lease has
    lapsed by the database's clock). Every check of a lease's life is this one."""
    return or_(col(model.lease_owner).is_(None), col(model.lease_expires_at) < database_now())


def claim(
    session: Session,
    model: type[LeasedWork],
    *,
    work_id: str,
    owner: str,
    claimable: Sequence[Any],
    max_attempts: int | None = None,
) -> bool:
    """Take the lease on ``work_id`` when it is claimable (``claimable``: extra WHERE conditions
    saying the row still needs this kind of worker) and nobody holds a live lease. One UPDATE,
    so of two workers racing for the same row exactly one wins."""
    conditions = [col(model.id) == work_id, *claimable, unheld(model)]  # type: ignore[attr-defined]
    if max_attempts is not None:
        conditions.append(col(model.attempts) < max_attempts)
    result = session.exec(
        update(model)
        .where(*conditions)
        .values(
            lease_owner=owner,
            lease_expires_at=_lease_until(),
            attempts=col(model.attempts) + 1,
        )
    )
    session.commit()
    return result.rowcount == 1


def renew(session: Session, model: type[LeasedWork], *, work_id: str, owner: str) -> bool:
    """Extend the lease ``owner`` holds; False when it was lost (another worker took over)."""
    result = session.exec(
        update(model)
        .where(col(model.id) == work_id, col(model.lease_owner) == owner)  # type: ignore[attr-defined]
        .values(lease_expires_at=_lease_until())
    )
    session.commit()
    return result.rowcount == 1


def stale(
    session: Session,
    model: type[LeasedWork],
    *,
    claimable: Sequence[Any],
    older_than: datetime | ColumnElement[datetime],
    created_column: Any,
    limit: int = 100,
) -> list[tuple[str, int, int]]:
    """Claimable rows that no live worker holds, created before ``older_than`` (a time, or
    ``database_now(-seconds)``): their worker died or their queue message was lost.
    ``(id, priority, attempts)``, highest priority first."""
    rows = session.exec(
        select(model.id, model.priority, model.attempts)  # type: ignore[attr-defined]
        .where(*claimable, unheld(model), created_column < older_than)
        .order_by(col(model.priority).desc(), created_column)
        .limit(limit)
    ).all()
    return [(row[0], int(row[1]), int(row[2])) for row in rows]
