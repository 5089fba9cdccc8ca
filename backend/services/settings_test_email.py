"""The Settings page's "Send test email": an email to the admin, sent at once through the outbox
the way a candidate invite is (with the organisation's sender name and reply-to address), so the
admin sees in their inbox what a candidate will see."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session

from backend.models import Organization, OutboundEmail
from backend.models.base import new_id
from backend.services import mail
from backend.settings import get_settings

TestEmailState = Literal["sent", "failed", "mail_off"]


class TestEmailResult(BaseModel):
    state: TestEmailState
    to: str
    error: str | None = None  # why it was not sent (it stays in the outbox and is retried)


def send_test_email(session: Session, *, org_id: str, to: str) -> TestEmailResult:
    """Queue a test email to ``to`` and try to send it now. With mail off nothing is queued."""
    if not get_settings().mail_enabled:
        return TestEmailResult(state="mail_off", to=to, error=mail.NOT_CONFIGURED)
    org = session.get(Organization, org_id)
    company = org.name if org is not None else "your organisation"
    marker = new_id()
    queued = mail.queue_email(
        session,
        org_id=org_id,
        to=to,
        subject=f"Test email from {company} on truelevel",
        body=(
            "This is a test email from the Settings page of truelevel.\n\n"
            "Candidate invites of your organisation are sent like this one: with the sender "
            "name and the reply-to address your settings name.\n"
        ),
        purpose=mail.SETTINGS_TEST,
        related_id=marker,
    )
    email_id = queued.id
    mail.deliver_pending(session, limit=1, related_ids=[marker])
    sent = session.get(OutboundEmail, email_id)
    if sent is not None and sent.status == mail.SENT:
        return TestEmailResult(state="sent", to=to)
    return TestEmailResult(
        state="failed", to=to, error=(sent.last_error if sent is not None else None)
    )
