"""Set-password links: how a member chooses a password from an email, after asking to reset
it or being invited by an admin.

The address is ``{public_url}/set-password?token=<token>``. The token is the link's id signed
with the installation's secret (``itsdangerous``, its own salt), so it can be neither guessed nor
altered, and the page can show an admin the same address again while the link is open (no raw
token is stored). The row decides whether it still works: not used, not superseded, not past
``expires_at``. Every password change goes through :func:`replace_password`, which closes every
open link of the member, so a link also stops working once the password changed another way."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import update
from sqlmodel import Session, col, select

from backend.models import AccountLink, LinkPurpose, Member, Organization, WebSession
from backend.models.base import utcnow
from backend.secret_key import secret_key
from backend.services.errors import InvalidInput, NotFound
from backend.services.hashing import sha256_hex
from backend.services.passwords import hash_password, password_problem
from backend.settings import get_settings

LIFETIMES: dict[LinkPurpose, timedelta] = {
    LinkPurpose.reset: timedelta(hours=1),
    LinkPurpose.invite: timedelta(days=7),
}
SET_PASSWORD_ROUTE = "/set-password"
_SALT = "truelevel set-password link v1"
GONE = (
    "This link has expired or was already used. Ask for a new one: on the sign-in page "
    '("Forgot password?"), or from the admin who invited you.'
)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt=_SALT)


def link_url(link: AccountLink) -> str:
    token = _serializer().dumps(link.id)
    return f"{get_settings().public_url.rstrip('/')}{SET_PASSWORD_ROUTE}?token={quote(token)}"


def is_open(link: AccountLink) -> bool:
    return link.used_at is None and link.revoked_at is None and link.expires_at > utcnow()


def _close_open_links(session: Session, member_id: str, purpose: LinkPurpose | None = None):
    query = select(AccountLink).where(
        AccountLink.member_id == member_id,
        col(AccountLink.used_at).is_(None),
        col(AccountLink.revoked_at).is_(None),
    )
    if purpose is not None:
        query = query.where(AccountLink.purpose == purpose.value)
    now = utcnow()
    for link in session.exec(query):
        link.revoked_at = now
        session.add(link)


def issue_link(session: Session, *, member: Member, purpose: LinkPurpose) -> AccountLink:
    """A new link for ``member``; an earlier open link of the same purpose stops working. Added
    to the session, not committed: the caller commits it with the email that carries it."""
    _close_open_links(session, member.id, purpose)
    now = utcnow()
    link = AccountLink(
        org_id=member.org_id,
        member_id=member.id,
        purpose=purpose.value,
        created_at=now,
        expires_at=now + LIFETIMES[purpose],
    )
    session.add(link)
    session.flush()
    return link


def open_link(session: Session, token: str) -> tuple[AccountLink, Member]:
    """The link ``token`` names and its member; NotFound (with :data:`GONE`) when the token is
    forged, or the link expired, was used or superseded, or the member was deactivated."""
    try:
        link_id = _serializer().loads(token)
    except BadSignature:
        raise NotFound(GONE, code="link_gone") from None
    link = session.get(AccountLink, link_id) if isinstance(link_id, str) else None
    member = session.get(Member, link.member_id) if link is not None else None
    if link is None or member is None or not member.is_active or not is_open(link):
        raise NotFound(GONE, code="link_gone")
    return link, member


def _refuse_weak(session: Session, member: Member, password: str) -> None:
    org = session.get(Organization, member.org_id)
    about = (member.email, member.name, org.name if org else "")
    if problem := password_problem(password, about_the_person=about):
        raise InvalidInput(problem, code="weak_password")


def replace_password(
    session: Session, *, member: Member, password: str, keep_token: str | None = None
) -> None:
    """Set ``member``'s password (the policy of ``backend.services.passwords`` applies) and
    commit: every open set-password link stops working, and every web session but the one of
    ``keep_token`` (the browser that changes it) is signed out. The one place a member's
    password changes."""
    _refuse_weak(session, member, password)
    member.password_hash = hash_password(password)
    session.add(member)
    _close_open_links(session, member.id)
    now = utcnow()
    for web_session in session.exec(
        select(WebSession).where(
            WebSession.member_id == member.id, col(WebSession.revoked_at).is_(None)
        )
    ):
        if keep_token is None or web_session.token_hash != sha256_hex(keep_token):
            web_session.revoked_at = now
            session.add(web_session)
    session.commit()
    session.refresh(member)


def use_link(session: Session, *, token: str, password: str) -> tuple[AccountLink, Member]:
    """Choose the password through the link ``token``: the link is used up (claimed with one
    conditional update, so of two tries at once only one succeeds), and the member is signed
    out everywhere (a reset is how a stolen session is ended too)."""
    link, member = open_link(session, token)
    _refuse_weak(session, member, password)
    now = utcnow()
    claimed = session.execute(
        update(AccountLink)
        .where(
            col(AccountLink.id) == link.id,
            col(AccountLink.used_at).is_(None),
            col(AccountLink.revoked_at).is_(None),
            col(AccountLink.expires_at) > now,
        )
        .values(used_at=now)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise NotFound(GONE, code="link_gone")
    replace_password(session, member=member, password=password)
    session.refresh(link)
    return link, member
