"""Invite delivery as the assessment page reports it: read from the real outbox, with mail off
(the default) and with a real local SMTP server (aiosmtpd) that accepts or refuses addresses."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from backend.models import CandidateKey, OutboundEmail
from backend.models.assessments import AssessmentCreate, KeysCreate
from backend.services import mail
from backend.services.assessments import create_assessment
from backend.services.candidate_keys import generate_keys
from backend.services.invite_delivery import invite_deliveries, mail_enabled
from backend.settings import get_settings
from tests.helpers import make_org

REFUSED = "nobody@example.com"


class _Inbox:
    """Accepts every address but ``REFUSED``."""

    def __init__(self) -> None:
        self.received: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.extend(envelope.rcpt_tos)
        return "250 Message accepted"


@pytest.fixture()
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Inbox]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("TRUELEVEL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("TRUELEVEL_SMTP_PORT", str(port))
    get_settings.cache_clear()
    try:
        yield inbox
    finally:
        controller.stop()
        monkeypatch.undo()
        get_settings.cache_clear()


def _keys(db: Session, emails: list[str]) -> list[CandidateKey]:
    """Two or more keys: one per email, plus one without a candidate."""
    org = make_org()
    assessment = create_assessment(
        db,
        org_id=org.org_id,
        data=AssessmentCreate.model_validate(
            {"title": "Rate limiter", "role": "Backend Engineer", "taskBrief": "Build it."}
        ),
    )
    with_email = generate_keys(
        db,
        org_id=org.org_id,
        assessment_id=assessment.id,
        data=KeysCreate(count=len(emails), candidate_emails=emails),
    )
    without = generate_keys(
        db, org_id=org.org_id, assessment_id=assessment.id, data=KeysCreate(count=1)
    )
    return [*with_email, *without]


def test_with_mail_off_an_invite_is_reported_not_sent(db: Session):
    assert not mail_enabled()
    grace, no_candidate = _keys(db, ["grace@example.com"])
    mail.deliver_pending(db, related_ids=[grace.id])  # what the worker does: nothing leaves

    found = invite_deliveries(db, keys=[grace, no_candidate])
    assert found[grace.id].state == "not_sent"
    assert found[grace.id].last_error == mail.NOT_CONFIGURED
    assert found[grace.id].sent_at is None
    assert found[no_candidate.id].state == "none"


def test_with_mail_on_each_invite_says_queued_sent_or_failed(db: Session, smtp: _Inbox):
    assert mail_enabled()
    grace, nobody, _ = _keys(db, ["grace@example.com", REFUSED])
    before = invite_deliveries(db, keys=[grace, nobody])
    assert (before[grace.id].state, before[nobody.id].state) == ("queued", "queued")

    mail.deliver_pending(db, related_ids=[grace.id, nobody.id])  # not other tests' emails
    db.expire_all()
    after = invite_deliveries(db, keys=[grace, nobody])
    assert smtp.received == ["grace@example.com"]
    assert after[grace.id].state == "sent" and after[grace.id].sent_at is not None
    assert after[nobody.id].state == "queued"
    assert after[nobody.id].attempts == 1
    assert "550" in (after[nobody.id].last_error or "")

    # After the last retry the outbox gives up: the page must say so, with the reason.
    email = db.exec(select(OutboundEmail).where(OutboundEmail.related_id == nobody.id)).one()
    email.status, email.attempts = mail.FAILED, mail.MAX_ATTEMPTS
    db.add(email)
    db.commit()
    failed = invite_deliveries(db, keys=[nobody])[nobody.id]
    assert failed.state == "failed" and failed.attempts == mail.MAX_ATTEMPTS
    assert "550" in (failed.last_error or "")
