"""What every worker pipeline does with its lease: keep it alive while it works, and the minute
sweep that hands lapsed work back to the queue (``backend.services.leases`` holds the rules)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlmodel import Session

from backend.db import session_scope
from backend.db_clock import database_now
from backend.models.base import LeasedWork
from backend.services import leases
from backend.settings import get_settings

log = logging.getLogger(__name__)


@contextmanager
def heartbeat(model: type[LeasedWork], work_id: str, owner: str) -> Iterator[None]:
    """Renew ``owner``'s lease on ``work_id`` in the background while the block runs (tests and
    long recordings take minutes); stops by itself once the lease is lost."""
    stop = threading.Event()
    interval = max(1.0, get_settings().work_lease_seconds / 3)

    def beat() -> None:
        while not stop.wait(interval):
            try:
                with session_scope() as session:
                    if not leases.renew(session, model, work_id=work_id, owner=owner):
                        return
            except Exception:  # a missed beat is retried; the lease outlives two of them
                log.exception("renewing the lease of %s failed", work_id)

    thread = threading.Thread(target=beat, name=f"lease-{work_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def requeue_stale(
    model: type[LeasedWork],
    *,
    claimable: Sequence[Any],
    created_column: Any,
    max_attempts: int,
    enqueue: Callable[[str, int], None],
    give_up: Callable[[Session, str, int], bool],
    older_than_s: int = 60,
) -> tuple[int, int]:
    """The minute sweep: enqueue again the claimable work no live worker holds (its worker died,
    or its message was lost); ``give_up`` fails what used up ``max_attempts``. Returns
    (requeued, failed)."""
    requeued = failed = 0
    with session_scope() as session:
        stale = leases.stale(
            session,
            model,
            claimable=claimable,
            older_than=database_now(-older_than_s),
            created_column=created_column,
        )
        for work_id, priority, attempts in stale:
            if attempts >= max_attempts:
                failed += int(give_up(session, work_id, attempts))
                continue
            enqueue(work_id, priority)
            requeued += 1
    return requeued, failed
