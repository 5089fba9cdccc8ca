"""Accounts: a forgotten password is reset through an emailed link that works once and for an
hour; admins invite members by email; members change their password and choose the time zone
their pages use. Emails go through a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session, select

from backend.models import AccountLink, Member, OutboundEmail
from backend.services import mail
from backend.services.account_links import GONE, open_link, use_link
from backend.services.account_settings import WRONG_PASSWORD, change_password, set_timezone
from backend.services.errors import Conflict, InvalidInput, NotFound, Unauthorized
from backend.services.member_invites import invite_member as invite
from backend.services.member_invites import member_invites, resend_invite
from backend.services.organisations import member_for_token, start_web_session
from backend.services.password_reset import request_reset
from backend.services.sign_in import sign_in
from backend.services.throttle import ACCOUNT_RESET, Throttled
from backend.settings import get_settings
from tests.helpers import make_org
from tests.mailbox import Mailbox, body_of, link_in

HOME = "198.51.100.20"
NEW_PASSWORD = "amber kettle whistles"


@pytest.fixture()
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailbox]:
    box = Mailbox().start()
    for name, value in box.env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        yield box
    finally:
        box.stop()
        monkeypatch.undo()
        get_settings.cache_clear()


def _token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def _emailed_link(db: Session, box: Mailbox, link_id: str, to: str, subject: str) -> str:
    mail.deliver_pending(db, related_ids=[link_id])
    return link_in(box.wait_for(to, subject))


def _signs_in(db: Session, email: str, password: str) -> bool:
    try:
        sign_in(db, email=email, password=password, client_address=HOME)
    except Unauthorized:
        return False
    return True


# -- password reset ------------------------------------------------------------------------------


def test_a_reset_link_from_the_email_sets_a_new_password_once(db: Session, mailbox: Mailbox):
    org = make_org()
    browser = start_web_session(db, member=db.get(Member, org.admin_id))
    link_id = request_reset(db, email=org.admin_email.upper(), client_address=HOME)
    assert link_id
    url = _emailed_link(db, mailbox, link_id, org.admin_email, "Reset your truelevel password")
    assert url.startswith(get_settings().public_url + "/set-password?token=")
    assert "within 1 hour" in body_of(mailbox.messages[-1])

    with pytest.raises(InvalidInput, match="at least 12 characters"):
        use_link(db, token=_token(url), password="short")
    use_link(db, token=_token(url), password=NEW_PASSWORD)

    assert _signs_in(db, org.admin_email, NEW_PASSWORD)
    assert not _signs_in(db, org.admin_email, org.password)
    # The reset signed the account out everywhere.
    assert member_for_token(db, token=browser) is None
    # The link worked once.
    with pytest.raises(NotFound, match="expired or was already used"):
        use_link(db, token=_token(url), password="another fine passphrase")


def test_an_unknown_address_gets_the_same_answer_and_no_email(db: Session):
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    assert request_reset(db, email=unknown, client_address=HOME) is None
    assert db.exec(select(OutboundEmail).where(OutboundEmail.to_address == unknown)).first() is None


def test_a_reset_link_stops_after_an_hour_a_newer_link_or_a_password_change(db: Session):
    org = make_org()
    first = _token_of(db, request_reset(db, email=org.admin_email, client_address=HOME))
    second = _token_of(db, request_reset(db, email=org.admin_email, client_address=HOME))
    with pytest.raises(NotFound, match="expired or was already used"):
        open_link(db, first)  # superseded by the newer one

    row = db.exec(select(AccountLink).where(AccountLink.member_id == org.admin_id)).all()[-1]
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.add(row)
    db.commit()
    with pytest.raises(NotFound):
        open_link(db, second)

    third = _token_of(db, request_reset(db, email=org.admin_email, client_address=HOME))
    token = start_web_session(db, member=db.get(Member, org.admin_id))
    change_password(
        db,
        member_id=org.admin_id,
        current=org.password,
        new=NEW_PASSWORD,
        token=token,
        client_address=HOME,
    )
    with pytest.raises(NotFound):
        open_link(db, third)
    with pytest.raises(NotFound, match=GONE[:20]):
        open_link(db, third[:-2] + "xx")  # a forged token


def _token_of(db: Session, link_id: str | None) -> str:
    assert link_id
    email = db.exec(select(OutboundEmail).where(OutboundEmail.related_id == link_id)).one()
    return _token(link_in_text(email.body_text))


def link_in_text(text: str) -> str:
    return next(word for word in text.split() if word.startswith("http"))


def test_reset_requests_are_limited_per_address_typed(db: Session):
    org = make_org()
    for _ in range(ACCOUNT_RESET.limit):
        request_reset(db, email=org.admin_email, client_address=HOME)
    with pytest.raises(Throttled, match="Too many password reset requests"):
        request_reset(db, email=org.admin_email, client_address="192.0.2.8")
    # The same limit for an address without an account: the limit reveals nothing.
    unknown = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    for _ in range(ACCOUNT_RESET.limit):
        request_reset(db, email=unknown, client_address="192.0.2.9")
    with pytest.raises(Throttled):
        request_reset(db, email=unknown, client_address="192.0.2.10")


# -- member invites ------------------------------------------------------------------------------


def test_an_invited_member_chooses_a_password_from_the_email(db: Session, mailbox: Mailbox):
    org = make_org(name=f"Invite Co {uuid.uuid4().hex[:6]}")
    email = f"rhea-{uuid.uuid4().hex[:8]}@example.com"
    member, link = invite(
        db, org_id=org.org_id, email=email, role="reviewer", name="Rhea", inviter="Ada Admin"
    )
    assert not _signs_in(db, email, "")  # no password until they choose one
    pending = member_invites(db, members=[member])[member.id]
    assert pending.state == "pending" and pending.url and not pending.emailed
    assert pending.expires_at - pending.sent_at == timedelta(days=7)

    url = _emailed_link(db, mailbox, link.id, email, "Join Invite Co")
    assert url == pending.url
    body = body_of(mailbox.messages[-1])
    assert "Ada Admin invites you to join Invite Co" in body and "as reviewer" in body
    assert member_invites(db, members=[member])[member.id].emailed

    used, joined = use_link(db, token=_token(url), password=NEW_PASSWORD)
    assert used.purpose == "invite" and joined.id == member.id
    assert _signs_in(db, email, NEW_PASSWORD)
    accepted = member_invites(db, members=[db.get(Member, member.id)])[member.id]
    assert accepted.state == "accepted" and accepted.url is None
    with pytest.raises(Conflict, match="already joined"):
        resend_invite(db, org_id=org.org_id, member_id=member.id, inviter="Ada")


def test_an_expired_invite_shows_as_expired_and_can_be_sent_again(db: Session):
    org = make_org()
    member, link = invite(
        db,
        org_id=org.org_id,
        email=f"vic-{uuid.uuid4().hex[:8]}@example.com",
        role="viewer",
        inviter="Ada",
    )
    link.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.add(link)
    db.commit()
    expired = member_invites(db, members=[member])[member.id]
    assert expired.state == "expired" and expired.url is None

    _, again = resend_invite(db, org_id=org.org_id, member_id=member.id, inviter="Ada")
    assert member_invites(db, members=[member])[member.id].state == "pending"
    assert again.id != link.id
    # Another organisation's admin cannot re-invite them.
    with pytest.raises(Conflict):
        resend_invite(db, org_id=make_org().org_id, member_id=member.id, inviter="Mallory")


def test_inviting_an_existing_member_is_refused(db: Session):
    org = make_org()
    with pytest.raises(Conflict, match="already a member"):
        invite(db, org_id=org.org_id, email=org.admin_email, role="viewer", inviter="Ada")


# -- password change and time zone ---------------------------------------------------------------


def test_changing_the_password_needs_the_current_one_and_signs_out_other_browsers(db: Session):
    org = make_org()
    admin = db.get(Member, org.admin_id)
    here = start_web_session(db, member=admin)
    elsewhere = start_web_session(db, member=admin)

    def change(current: str, new: str) -> None:
        change_password(
            db, member_id=org.admin_id, current=current, new=new, token=here, client_address=HOME
        )

    with pytest.raises(InvalidInput, match=WRONG_PASSWORD):
        change("not my password at all", NEW_PASSWORD)
    with pytest.raises(InvalidInput, match="too easy to guess"):
        change(org.password, "password1234")
    change(org.password, NEW_PASSWORD)

    assert _signs_in(db, org.admin_email, NEW_PASSWORD)
    assert member_for_token(db, token=here) is not None
    assert member_for_token(db, token=elsewhere) is None


def test_a_member_chooses_an_iana_time_zone(db: Session):
    org = make_org()
    assert set_timezone(db, member_id=org.admin_id, name="Europe/Paris").timezone == "Europe/Paris"
    with pytest.raises(InvalidInput, match="time zone"):
        set_timezone(db, member_id=org.admin_id, name="Mars/Olympus_Mons")
    assert set_timezone(db, member_id=org.admin_id, name="UTC").timezone is None


def test_pages_show_times_in_the_members_zone():
    import contextvars

    from truelevel_app.display import show_times_in, when

    moment = datetime(2026, 5, 4, 14, 3, tzinfo=UTC)

    def in_zone(name: str | None) -> str:
        show_times_in(name)
        return when(moment)

    assert contextvars.copy_context().run(in_zone, "Europe/Paris") == "2026-05-04 16:03 CEST"
    assert contextvars.copy_context().run(in_zone, None) == "2026-05-04 14:03 UTC"
    assert when(moment) == "2026-05-04 14:03 UTC"  # another event's setting does not leak here
