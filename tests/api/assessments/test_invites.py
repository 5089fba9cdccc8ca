"""Invite emails, delivered to a real local SMTP server (aiosmtpd), and the outbox's retries."""

from __future__ import annotations

import asyncio
import email
import email.policy
import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from backend.db import session_scope
from backend.models import CandidateKey, OutboundEmail
from backend.services.mail import deliver_pending
from backend.settings import get_settings
from tests.api.assessments.helpers import create_assessment, generate_keys
from tests.helpers import make_org


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message and refuses the addresses in ``refuse``."""

    messages: list[email.message.EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 Message accepted"

    def to(self, address: str) -> email.message.EmailMessage:
        matches = [m for m in self.messages if m["To"] == address]
        assert len(matches) == 1, [m["To"] for m in self.messages]
        return matches[0]


def _point_smtp_at(port: int | None) -> dict[str, str | None]:
    """Set (or with None, clear) the SMTP settings; returns the previous values to restore."""
    names = ("TRUELEVEL_SMTP_HOST", "TRUELEVEL_SMTP_PORT")
    previous = {name: os.environ.get(name) for name in names}
    if port is None:
        for name in names:
            os.environ.pop(name, None)
    else:
        os.environ["TRUELEVEL_SMTP_HOST"] = "127.0.0.1"
        os.environ["TRUELEVEL_SMTP_PORT"] = str(port)
    get_settings.cache_clear()
    return previous


def _restore(previous: dict[str, str | None]) -> None:
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    get_settings.cache_clear()


@pytest.fixture()
def inbox() -> Iterator[Inbox]:
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    previous = _point_smtp_at(port)
    try:
        yield handler
    finally:
        controller.stop()
        _restore(previous)


def _emails_for(db, key_ids: list[str]) -> list[OutboundEmail]:
    db.expire_all()
    return list(db.exec(select(OutboundEmail).where(OutboundEmail.related_id.in_(key_ids))))


def test_invite_reaches_the_candidate(client, db, inbox):
    org = make_org("Acme Robotics")
    a = create_assessment(
        client,
        org,
        title="Backend API Challenge",
        role="Senior Backend Engineer",
        timeLimitMinutes=90,
    )
    keys = generate_keys(
        client,
        org,
        a["id"],
        count=2,
        candidateEmails=["zoe@example.com", "bob@example.com"],
        candidateNames=["Zoë Ångström", "Bob"],
    )
    assert len(inbox.messages) == 2

    message = inbox.to("zoe@example.com")
    text = message.get_body(preferencelist=("plain",)).get_content()
    key = keys[0]["key"]
    assert key in text
    assert f"{get_settings().public_url}/candidate?key={key}" in text
    assert "Zoë Ångström" in text
    assert "Acme Robotics" in text
    assert "Backend API Challenge" in text and "Senior Backend Engineer" in text
    assert "90 minutes" in text
    assert keys[0]["expiresAt"][:10] in text
    assert "automated tools help evaluate" in text
    assert "alternative process" in text and "reply to this email" in text
    assert "Backend API Challenge" in message["Subject"]
    assert message["Reply-To"] == org.admin_email
    assert keys[1]["key"] in inbox.to("bob@example.com").get_content()

    rows = _emails_for(db, [k["id"] for k in keys])
    assert {r.status for r in rows} == {"sent"}
    assert all(r.purpose == "candidate_invite" and r.attempts == 1 for r in rows)
    assert all(db.get(CandidateKey, k["id"]).invite_sent_at is not None for k in keys)


def test_org_name_in_the_request_wins(client, inbox):
    org = make_org("Legal Name GmbH")
    a = create_assessment(client, org)
    generate_keys(client, org, a["id"], candidateEmails=["c@example.com"], orgName="Acme")
    text = inbox.to("c@example.com").get_content()
    assert "Acme" in text and "Legal Name GmbH" not in text
    assert "Hello," in text  # no name given


def test_keys_without_emails_send_nothing(client, db, inbox):
    org = make_org()
    a = create_assessment(client, org)
    keys = generate_keys(client, org, a["id"], count=3)
    assert inbox.messages == []
    assert _emails_for(db, [k["id"] for k in keys]) == []


def test_without_smtp_settings_invites_wait_in_the_outbox(client, db):
    previous = _point_smtp_at(None)
    try:
        org = make_org()
        a = create_assessment(client, org)
        keys = generate_keys(client, org, a["id"], candidateEmails=["wait@example.com"])
    finally:
        _restore(previous)
    (row,) = _emails_for(db, [keys[0]["id"]])
    assert row.status == "pending"
    assert row.last_error == "mail not configured"
    assert row.attempts == 0
    assert keys[0]["key"] in row.body_text


def test_unreachable_server_leaves_invites_pending_until_a_later_run(client, db):
    previous = _point_smtp_at(_free_port())  # nothing listens there
    try:
        org = make_org()
        a = create_assessment(client, org)
        keys = generate_keys(client, org, a["id"], candidateEmails=["later@example.com"])
    finally:
        _restore(previous)
    (row,) = _emails_for(db, [keys[0]["id"]])
    assert row.status == "pending"
    assert "could not connect" in row.last_error

    # The worker's next run, with the server up, delivers it.
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    previous = _point_smtp_at(port)
    try:
        assert deliver_pending(db, related_ids=[keys[0]["id"]]) == 1
    finally:
        controller.stop()
        _restore(previous)
    assert keys[0]["key"] in handler.to("later@example.com").get_content()
    (row,) = _emails_for(db, [keys[0]["id"]])
    assert row.status == "sent" and row.last_error is None


def test_refused_recipient_is_retried_with_backoff(client, db, inbox):
    inbox.refuse.add("bounce@example.com")
    org = make_org()
    a = create_assessment(client, org)
    keys = generate_keys(
        client, org, a["id"], count=2, candidateEmails=["bounce@example.com", "ok@example.com"]
    )
    # One refusal does not stop the rest of the batch.
    assert [m["To"] for m in inbox.messages] == ["ok@example.com"]
    bounced = next(r for r in _emails_for(db, [keys[0]["id"]]))
    assert bounced.status == "pending" and bounced.attempts == 1
    assert "550" in bounced.last_error

    # Not due again straight away ...
    assert deliver_pending(db, related_ids=[keys[0]["id"]]) == 0
    # ... but once its backoff has passed, and the mailbox accepts, it goes out.
    bounced.created_at = bounced.created_at - timedelta(hours=1)
    db.add(bounced)
    db.commit()
    inbox.refuse.clear()
    assert deliver_pending(db, related_ids=[keys[0]["id"]]) == 1
    assert inbox.to("bounce@example.com") is not None


class SlowInbox(Inbox):
    """Takes a moment over each message, as a real SMTP server does, so senders overlap."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.05)
        return await super().handle_DATA(server, session, envelope)


def test_two_concurrent_senders_send_each_invite_exactly_once(client, db):
    previous = _point_smtp_at(None)  # the invites wait in the outbox
    try:
        org = make_org()
        a = create_assessment(client, org)
        addresses = [f"twice-{n}@example.com" for n in range(12)]
        keys = generate_keys(client, org, a["id"], count=12, candidateEmails=addresses)
    finally:
        _restore(previous)
    key_ids = [k["id"] for k in keys]

    handler = SlowInbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    previous = _point_smtp_at(port)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sender() -> None:
        try:
            start.wait()
            for _ in range(4):  # overlapping runs, as two workers' sweeps are
                with session_scope() as session:
                    deliver_pending(session, limit=5, related_ids=key_ids)
        except BaseException as exc:  # surfaced in the test's thread below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        controller.stop()
        _restore(previous)

    assert not errors, errors
    assert sorted(m["To"] for m in handler.messages) == sorted(addresses)
    rows = _emails_for(db, key_ids)
    assert {(r.status, r.attempts) for r in rows} == {("sent", 1)}
