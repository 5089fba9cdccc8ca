"""The audit log: who viewed, exported, changed, shared or erased what, in one organisation.

:func:`record_as` is the one way a row is written, from the API routes, the web app's event
handlers and the command line alike. A row names its actor (:class:`Actor`: a member, an API key,
or the system/command line) and its subject by kind and id only; a detail is a short fixed
phrase ("report.pdf", "link revoked"), never a candidate's name or email, so erasing a person
clears every trace of them here by clearing their ids (:func:`forget_subjects`).

Reads are many and cheap: an evaluation read by API costs ~200 µs, and a row written each time
would cost more than the read. :func:`read_is_due` lets one ``viewed`` row through per actor and
subject every ``TRUELEVEL_AUDIT_READ_WINDOW_MINUTES`` (10) in each process, decided in memory;
only then is a row written (:func:`record_view`). Every export and change is recorded each time.

Rows older than ``TRUELEVEL_AUDIT_RETENTION_DAYS`` (730; 0 keeps them) are deleted by the daily
sweep (:func:`delete_expired_events`).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from backend.models import AuditEvent
from backend.models.base import utcnow
from backend.services.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from backend.settings import get_settings


class Action(StrEnum):
    viewed = "viewed"
    exported = "exported"
    changed = "changed"
    shared = "shared"
    erased = "erased"


class Subject(StrEnum):
    evaluation = "evaluation"
    interview = "interview"
    candidate = "candidate"
    assessment = "assessment"
    rubric = "rubric"
    settings = "settings"
    api_key = "api_key"
    member = "member"
    list = "list"


SYSTEM = "system"
ERASED = "erased"


@dataclass(frozen=True)
class Actor:
    """Who did it: ``kind`` is member, api_key or system; ``label`` the member's email or the
    key's name as they were then."""

    kind: str
    id: str = ""
    label: str = ""

    @classmethod
    def member(cls, member_id: str, email: str) -> Actor:
        return cls("member", member_id, email)

    @classmethod
    def api_key(cls, key_id: str | None, name: str = "") -> Actor:
        return cls("api_key", key_id or "", name)

    @classmethod
    def system(cls, label: str = SYSTEM) -> Actor:
        return cls(SYSTEM, "", label)


def record_as(
    session: Session,
    actor: Actor,
    org_id: str,
    action: Action,
    subject: Subject,
    subject_id: str = "",
    detail: str = "",
    *,
    commit: bool = True,
) -> None:
    """Add one row for what ``actor`` did in ``org_id``; committed unless the caller commits it
    with its own change (``commit=False``)."""
    session.add(
        AuditEvent(
            org_id=org_id,
            actor_kind=actor.kind,
            actor_id=actor.id[:64],
            actor_label=actor.label[:320],
            action=action.value,
            subject_kind=subject.value,
            subject_id=subject_id[:64],
            detail=detail[:255],
        )
    )
    if commit:
        session.commit()


# -- reads, at most once per window ------------------------------------------------------------

MAX_REMEMBERED = 100_000
_last_recorded: OrderedDict[tuple[str, ...], float] = OrderedDict()
_lock = threading.Lock()


def read_is_due(*, org_id: str, actor: Actor, subject: Subject, subject_id: str) -> bool:
    """Whether a read of ``subject_id`` by ``actor`` should be recorded now: the first in this
    process within the window (one dictionary look-up otherwise). Saying yes starts the window."""
    window_s = get_settings().audit_read_window_minutes * 60
    key = (org_id, actor.kind, actor.id, subject.value, subject_id)
    now = time.monotonic()
    with _lock:
        last = _last_recorded.get(key)
        if last is not None and now - last < window_s:
            return False
        _last_recorded[key] = now
        _last_recorded.move_to_end(key)
        if len(_last_recorded) > MAX_REMEMBERED:
            _last_recorded.popitem(last=False)
    return True


def record_view(
    session: Session, *, org_id: str, actor: Actor, subject: Subject, subject_id: str, detail: str
) -> None:
    """A ``viewed`` row unless the same actor's read of the subject was recorded within the
    window."""
    if read_is_due(org_id=org_id, actor=actor, subject=subject, subject_id=subject_id):
        record_as(session, actor, org_id, Action.viewed, subject, subject_id, detail)


def api_key_actor(session: Session, key_id: str | None) -> Actor:
    """The API key as an actor, with its name."""
    from backend.models import ApiKey

    key = session.get(ApiKey, key_id) if key_id else None
    return Actor.api_key(key_id, key.name if key is not None else "")


# -- reading the log ---------------------------------------------------------------------------


def page_of_events(
    session: Session,
    *,
    org_id: str,
    action: str | None = None,
    subject: str | None = None,
    search: str | None = None,
    since: datetime | None = None,
    page: int = 1,
    size: int = DEFAULT_PAGE_SIZE,
) -> Page[AuditEvent]:
    """The organisation's events, newest first: of one action or subject kind, by an actor or
    about a subject whose id, email or name contains ``search``, from ``since``."""
    statement = select(AuditEvent).where(AuditEvent.org_id == org_id)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if subject:
        statement = statement.where(AuditEvent.subject_kind == subject)
    if since is not None:
        statement = statement.where(col(AuditEvent.occurred_at) >= since)
    if search and (needle := search.strip().casefold()):
        statement = statement.where(
            or_(
                col(AuditEvent.actor_label).ilike(f"%{needle}%"),
                AuditEvent.actor_id == needle,
                AuditEvent.subject_id == needle,
            )
        )
    newest_first = statement.order_by(col(AuditEvent.occurred_at).desc(), col(AuditEvent.id).desc())
    return paginate(session, newest_first, page=page, size=size, clamp=True)


# -- erasure and retention ---------------------------------------------------------------------


def forget_subjects(session: Session, *, org_id: str, subject_ids: Iterable[str]) -> int:
    """Clear the subject of every row about one of ``subject_ids`` (an erased person's keys,
    evaluations, interviews …): the row stays, saying what was done and by whom, to no one
    (not committed: the erasure commits it with its deletions)."""
    ids = sorted({i for i in subject_ids if i})
    cleared = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        result = session.execute(
            update(AuditEvent)
            .where(AuditEvent.org_id == org_id, col(AuditEvent.subject_id).in_(chunk))
            .values(subject_id=ERASED, detail="")
        )
        cleared += result.rowcount or 0
    return cleared


def delete_expired_events(session: Session, *, now: datetime | None = None) -> int:
    """Delete rows older than the installation's audit retention (none when it is 0)."""
    days = get_settings().audit_retention_days
    if not days:
        return 0
    before = (now or utcnow()) - timedelta(days=days)
    result = session.execute(delete(AuditEvent).where(col(AuditEvent.occurred_at) < before))
    session.commit()
    return result.rowcount or 0
