"""Outgoing email through an outbox: an email is written to the database first and sent later,
so a failed or unconfigured SMTP server loses nothing; a later ``deliver_pending`` retries it.

The table is an outbox (``backend.services.outbox``) without a due time: an email is due by its
age and attempt count, and each attempt is claimed on ``attempts`` (compared with the value the
sender read before any commit), so of two processes sending at once (the web app's background
task and a worker, or two workers) exactly one sends a given email; a crash between sending and
recording the send is the only way an email goes out twice.
"""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from sqlmodel import Session, col, select

from backend.models import CandidateKey, Member, OutboundEmail, Role
from backend.models.base import utcnow
from backend.services import outbox, smtp_adapter
from backend.services.organisation_settings import MailIdentity, mail_identity
from backend.services.outbox import Attempt
from backend.settings import get_settings

PENDING, SENT, FAILED = "pending", "sent", "failed"
NOT_CONFIGURED = "mail not configured"
CANDIDATE_INVITE = "candidate_invite"
INTERVIEW_INVITE = "interview_invite"
SETTINGS_TEST = "settings_test"
# What a candidate receives (and an admin's test of it): sent with the organisation's sender name
# and reply-to address (its Settings page) instead of the installation's name and the first admin.
CANDIDATE_FACING = frozenset({CANDIDATE_INVITE, INTERVIEW_INVITE, SETTINGS_TEST})
# After this many failed attempts an email is marked failed and no longer retried.
MAX_ATTEMPTS = 10
# Pending emails looked at per run; bounds the work when many are waiting for a retry.
_SCAN_LIMIT = 1000


def queue_email(
    session: Session,
    *,
    org_id: str | None,
    to: str,
    subject: str,
    body: str,
    purpose: str,
    related_id: str | None,
    commit: bool = True,
) -> OutboundEmail:
    """Put an email in the outbox. With ``commit=False`` it is saved by the caller's commit,
    together with whatever it is about (e.g. the candidate key it invites to)."""
    email = OutboundEmail(
        org_id=org_id,
        to_address=to,
        # Headers cannot carry line breaks; a title with one must not make the email unsendable.
        subject=" ".join(subject.split())[:512],
        body_text=body,
        purpose=purpose[:64],
        related_id=related_id,
    )
    session.add(email)
    if commit:
        session.commit()
        session.refresh(email)
    return email


def _due(email: OutboundEmail, now: datetime) -> bool:
    """Exponential backoff from creation: retries at about 2, 6, 14, 30 ... minutes."""
    if email.attempts == 0:
        return True
    return now >= email.created_at + timedelta(minutes=2 * (2**email.attempts - 1))


def _connection_broken(exc: Exception) -> bool:
    # smtplib's errors subclass OSError; a bare OSError (timeout, reset) or a disconnect means
    # the rest of the batch would fail the same way.
    return isinstance(exc, smtplib.SMTPServerDisconnected) or (
        isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
    )


def _first_admin(session: Session, org_id: str | None) -> str | None:
    """The organisation's first admin, so a reply reaches a person."""
    admin = session.exec(
        select(Member)
        .where(
            Member.org_id == org_id,
            Member.role == Role.admin,
            col(Member.is_active).is_(True),
        )
        .order_by(col(Member.created_at))
    ).first()
    return admin.email if admin is not None else None


class _Senders:
    """Per batch: each organisation's first admin and its own sender name and reply-to."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._admins: dict[str | None, str | None] = {}
        self._identities: dict[str, MailIdentity] = {}

    def _admin(self, org_id: str | None) -> str | None:
        if org_id not in self._admins:
            self._admins[org_id] = _first_admin(self._session, org_id)
        return self._admins[org_id]

    def of(self, email: OutboundEmail) -> tuple[str | None, str | None]:
        """The email's sender name (None: the installation's) and Reply-To."""
        if email.org_id is None or email.purpose not in CANDIDATE_FACING:
            return None, self._admin(email.org_id)
        if email.org_id not in self._identities:
            self._identities[email.org_id] = mail_identity(self._session, org_id=email.org_id)
        identity = self._identities[email.org_id]
        return identity.sender_name, identity.reply_to or self._admin(email.org_id)


def _note_invite_sent(session: Session, email: OutboundEmail, now: datetime) -> None:
    if email.purpose == CANDIDATE_INVITE and email.related_id:
        key = session.get(CandidateKey, email.related_id)
        if key is not None:
            key.invite_sent_at = now
            session.add(key)


OUTBOX: outbox.Outbox[OutboundEmail] = outbox.Outbox(
    name="email",
    table=OutboundEmail,
    state="status",
    next_at=None,
    delivered_at="sent_at",
    states=outbox.States(pending=PENDING, delivered=SENT, failed=FAILED),
    max_attempts=MAX_ATTEMPTS,
    error_limit=1000,
    on_delivered=_note_invite_sent,
)


def _send(
    connection: smtp_adapter.SmtpConnection,
    senders: _Senders,
    session: Session,
    email: OutboundEmail,
) -> Attempt:
    try:
        sender_name, reply_to = senders.of(email)
        connection.send(
            to=email.to_address,
            subject=email.subject,
            body=email.body_text,
            reply_to=reply_to,
            sender_name=sender_name,
        )
    except Exception as exc:
        return Attempt(error=f"{type(exc).__name__}: {exc}", stop=_connection_broken(exc))
    return Attempt()


def _note(session: Session, emails: Sequence[OutboundEmail], error: str) -> None:
    """Record why nothing was attempted, without counting an attempt."""
    for email in emails:
        if email.last_error != error:
            email.last_error = error
            session.add(email)
    session.commit()


def deliver_pending(
    session: Session, *, limit: int = 50, related_ids: Sequence[str] | None = None
) -> int:
    """Send up to ``limit`` pending emails that are due (all of them, or only those about
    ``related_ids``) and return how many were sent. Failures stay pending for a later run;
    without SMTP settings every email stays pending with ``last_error`` "mail not configured"."""
    query = select(OutboundEmail).where(OutboundEmail.status == PENDING)
    if related_ids is not None:
        query = query.where(col(OutboundEmail.related_id).in_(list(related_ids)))
    now = utcnow()
    due = [
        email
        for email in session.exec(
            query.order_by(col(OutboundEmail.created_at), col(OutboundEmail.id)).limit(_SCAN_LIMIT)
        )
        if _due(email, now)
    ][: max(limit, 0)]
    if not due:
        return 0
    settings = get_settings()
    if not settings.mail_enabled:
        _note(session, due, NOT_CONFIGURED)
        return 0
    try:
        connection = smtp_adapter.connect(settings)
    except Exception as exc:  # any failure to connect: the whole batch waits for the next run
        _note(session, due, f"could not connect to the SMTP server: {exc}")
        return 0

    # Plain values, read before the first commit (which expires every loaded row).
    seen = [outbox.Due(email.id, email.attempts) for email in due]
    senders = _Senders(session)
    with connection:
        return outbox.deliver(session, OUTBOX, seen, partial(_send, connection, senders), now=now)
