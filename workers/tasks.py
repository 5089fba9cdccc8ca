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


@huey.periodic_task(crontab(minute="*"))
def deliver_outbox_every_minute() -> None:
    deliver_outbox.call_local()
