"""The audit log (``backend.services.audit``) from the web app's event handlers: the signed-in
member as the actor, and a row for what they did, on a session of its own after their change
was saved."""

from __future__ import annotations

import logging

from backend.db import session_scope
from backend.services import audit
from backend.services.audit import Action, Actor, Subject
from truelevel_app.state import MemberView

log = logging.getLogger(__name__)


def _actor(member: MemberView) -> Actor:
    return Actor.member(member.id, member.email)


def record_by(
    member: MemberView, action: Action, subject: Subject, subject_id: str = "", detail: str = ""
) -> None:
    """A row for what ``member`` did."""
    with session_scope() as session:
        audit.record_as(session, _actor(member), member.org_id, action, subject, subject_id, detail)


def each_recorded_by(
    member: MemberView, action: Action, subject: Subject, subject_ids: list[str], detail: str
) -> None:
    """One row per subject (a bulk action), written together."""
    with session_scope() as session:
        actor = _actor(member)
        for subject_id in subject_ids:
            audit.record_as(
                session, actor, member.org_id, action, subject, subject_id, detail, commit=False
            )
        session.commit()


def viewed_by(member: MemberView, subject: Subject, subject_id: str, detail: str) -> None:
    """A ``viewed`` row for a page ``member`` opened, once per window (``audit.read_is_due``). A
    failure to write it is logged, never shown: the page itself was read."""
    actor = _actor(member)
    if not audit.read_is_due(
        org_id=member.org_id, actor=actor, subject=subject, subject_id=subject_id
    ):
        return
    try:
        record_by(member, Action.viewed, subject, subject_id, detail)
    except Exception:
        log.exception("could not record that %s viewed %s %s", member.id, subject, subject_id)
