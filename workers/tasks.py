"""Thin tasks: each calls a backend service and records what happened."""

from __future__ import annotations

import logging

from huey import crontab

from backend.db import session_scope
from workers.queue import huey

log = logging.getLogger(__name__)


@huey.task(retries=3, retry_delay=30)
def deliver_outbox() -> int:
    """Send queued emails (candidate invites); failures stay queued for the next run."""
    from backend.services.mail import deliver_pending

    with session_scope() as session:
        sent = deliver_pending(session)
    if sent:
        log.info("delivered %d queued emails", sent)
    return sent


@huey.task()
def expire_overdue_sessions() -> int:
    """Store 'expired' on candidate sessions past their deadline."""
    from backend.services.candidate_sessions import expire_overdue_sessions as expire

    with session_scope() as session:
        changed = expire(session)
    if changed:
        log.info("expired %d overdue candidate sessions", changed)
    return changed


@huey.periodic_task(crontab(minute="*"))
def every_minute() -> None:
    deliver_outbox.call_local()
    expire_overdue_sessions.call_local()
