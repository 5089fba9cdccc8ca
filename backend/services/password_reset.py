"""Forgotten passwords: a member asks on the sign-in page, gets an email with a set-password link
that works once, for an hour (``backend.services.account_links``), and chooses a new password.

The answer to a request is the same whether or not the address has an account, and requests are
limited per typed address and per client address (``throttle.ACCOUNT_RESET`` and
``ADDRESS_RESET``), whether or not an account exists, so neither the answer nor the limit tells
anything about who has an account."""

from __future__ import annotations

from sqlmodel import Session, select

from backend.models import LinkPurpose, Member
from backend.models.base import utcnow
from backend.services import mail, throttle
from backend.services.account_links import LIFETIMES, issue_link, link_url
from backend.services.organisations import normalise_email
from backend.services.throttle import ACCOUNT_RESET, ADDRESS_RESET, Throttled

PASSWORD_RESET = "password_reset"
REQUESTED = (
    "If an account uses this address, an email with a link to choose a new password is on "
    "its way. The link works for one hour."
)


def reset_email(link_url_text: str) -> tuple[str, str]:
    """Subject and plain-text body of the reset email."""
    hours = int(LIFETIMES[LinkPurpose.reset].total_seconds() // 3600)
    body = "\n".join(
        [
            "Hello,",
            "",
            "Someone asked to reset the password of your truelevel account. To choose a new "
            f"password, open this link within {hours} hour{'s' if hours != 1 else ''}:",
            "",
            link_url_text,
            "",
            "The link works once. If you did not ask for this, ignore this email: your password "
            "stays as it is.",
        ]
    )
    return "Reset your truelevel password", body


def request_reset(session: Session, *, email: str, client_address: str) -> str | None:
    """Queue a reset email when ``email`` belongs to an active member; the id of the link sent
    (to deliver its email at once), or None. Throttled (429) past the limits; InvalidInput for
    something that is not an email address."""
    address = normalise_email(email)
    checks = [(ACCOUNT_RESET, address), (ADDRESS_RESET, client_address or "unknown")]
    if closed := throttle.first_closed(session, checks):
        wait = throttle.minutes_text(closed.retry_after(utcnow()))
        raise Throttled(
            f"Too many password reset requests. Try again in {wait}.",
            retry_after=closed.retry_after(utcnow()),
        )
    throttle.record(session, checks)
    member = session.exec(select(Member).where(Member.email == address)).first()
    if member is None or not member.is_active:
        return None
    link = issue_link(session, member=member, purpose=LinkPurpose.reset)
    subject, body = reset_email(link_url(link))
    mail.queue_email(
        session,
        org_id=member.org_id,
        to=member.email,
        subject=subject,
        body=body,
        purpose=PASSWORD_RESET,
        related_id=link.id,
        commit=False,
    )
    session.commit()
    return link.id
