"""The audit log (``backend.services.audit``) from the API's side: who the calling key or the
signed-in member is, as an actor, and a row for what they did."""

from __future__ import annotations

from fastapi.concurrency import run_in_threadpool
from sqlmodel import Session

from backend.api.deps import Principal
from backend.db import session_scope
from backend.models import Member
from backend.services import audit
from backend.services.audit import Action, Actor, Subject


def by_key(
    session: Session,
    who: Principal,
    action: Action,
    subject: Subject,
    subject_id: str = "",
    detail: str = "",
) -> None:
    """A row for what the calling organisation key did."""
    actor = audit.api_key_actor(session, who.api_key_id)
    audit.record_as(session, actor, who.org_id, action, subject, subject_id, detail)


def by_member(
    session: Session,
    member: Member,
    action: Action,
    subject: Subject,
    subject_id: str = "",
    detail: str = "",
) -> None:
    """A row for what the signed-in member did (the web session's downloads)."""
    actor = Actor.member(member.id, member.email)
    audit.record_as(session, actor, member.org_id, action, subject, subject_id, detail)


async def key_read(who: Principal, subject: Subject, subject_id: str, detail: str) -> None:
    """After a successful API read on the hot path: nothing but a look-up in memory, unless this
    key's read of the subject is the first in the window (``audit.read_is_due``); then a row,
    written in one thread hop on a session of its own."""
    actor = Actor.api_key(who.api_key_id)
    due = audit.read_is_due(org_id=who.org_id, actor=actor, subject=subject, subject_id=subject_id)
    if not due:
        return

    def write() -> None:
        with session_scope() as session:
            by_key(session, who, Action.viewed, subject, subject_id, detail)

    await run_in_threadpool(write)
