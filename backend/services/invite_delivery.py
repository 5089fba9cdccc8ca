"""Whether each candidate key's (or browser interview's) invite email actually left: read from
the outbox (the ``OutboundEmail`` rows about the key) and the key's ``invite_sent_at``, so a page
can say
"queued", "sent", "failed" or "not sent" instead of assuming a queued email was delivered.
With mail off (no SMTP host, the default) an invite waits in the outbox and never leaves:
its state is ``not_sent``, with the reason "mail not configured"."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models import CandidateKey, OutboundEmail
from backend.services import mail
from backend.settings import get_settings

InviteState = Literal["none", "queued", "sent", "failed", "not_sent"]


class InviteDelivery(BaseModel):
    """One key's invite: ``none`` when the key has no candidate email (nothing to send);
    ``not_sent`` when it waits in the outbox of an installation that sends no mail."""

    key_id: str  # the candidate key's id (a browser interview's: the call's id)
    state: InviteState
    attempts: int = 0
    last_error: str | None = None
    sent_at: datetime | None = None


def mail_enabled() -> bool:
    """Whether this installation sends email at all (an SMTP host is configured)."""
    return get_settings().mail_enabled


def _latest_invites(
    session: Session, key_ids: list[str], purpose: str = mail.CANDIDATE_INVITE
) -> dict[str, OutboundEmail]:
    """The newest invite email (of ``purpose``) per related id, in one query."""
    if not key_ids:
        return {}
    rows = session.exec(
        select(OutboundEmail)
        .where(
            col(OutboundEmail.purpose) == purpose,
            col(OutboundEmail.related_id).in_(key_ids),
        )
        .order_by(col(OutboundEmail.created_at), col(OutboundEmail.id))
    )
    return {row.related_id: row for row in rows if row.related_id}


def _delivery(key: CandidateKey, email: OutboundEmail | None, mail_on: bool) -> InviteDelivery:
    if key.invite_sent_at is not None:
        return InviteDelivery(
            key_id=key.id,
            state="sent",
            attempts=email.attempts if email else 0,
            sent_at=key.invite_sent_at,
        )
    return _email_delivery(key.id, email, mail_on)


def _email_delivery(row_id: str, email: OutboundEmail | None, mail_on: bool) -> InviteDelivery:
    if email is None:
        return InviteDelivery(key_id=row_id, state="none")
    state: InviteState = {mail.SENT: "sent", mail.FAILED: "failed"}.get(email.status, "queued")
    last_error = email.last_error
    if state == "queued" and not mail_on:
        state, last_error = "not_sent", mail.NOT_CONFIGURED
    return InviteDelivery(
        key_id=row_id,
        state=state,
        attempts=email.attempts,
        last_error=last_error,
        sent_at=email.sent_at,
    )


def invite_deliveries(
    session: Session, *, keys: Sequence[CandidateKey]
) -> dict[str, InviteDelivery]:
    """Each key's invite delivery, by key id."""
    emails = _latest_invites(session, [k.id for k in keys if k.candidate_email])
    mail_on = mail_enabled()
    return {key.id: _delivery(key, emails.get(key.id), mail_on) for key in keys}


def call_invite_deliveries(
    session: Session, *, call_ids: Sequence[str]
) -> dict[str, InviteDelivery]:
    """Each browser interview's invite email (``mail.INTERVIEW_INVITE``), by call id (in
    ``key_id``): ``none`` when the candidate has no email address to send the link to."""
    emails = _latest_invites(session, list(call_ids), purpose=mail.INTERVIEW_INVITE)
    mail_on = mail_enabled()
    return {call_id: _email_delivery(call_id, emails.get(call_id), mail_on) for call_id in call_ids}
