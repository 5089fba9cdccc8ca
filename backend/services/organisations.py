"""Organisations, members, sign-in and browser sessions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from backend.models import Member, Organization, Role, WebSession
from backend.models.base import new_id, utcnow
from backend.models.email_addresses import InvalidEmail, normalised_email
from backend.services.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    Unauthorized,
    commit_or_conflict,
)
from backend.services.hashing import sha256_hex
from backend.services.ownership import get_owned
from backend.services.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.passwords import hash_password, password_problem, verify_password
from backend.settings import get_settings


def normalise_email(email: str) -> str:
    """A member's address as stored and compared: normal form, lower case (one account per
    mailbox however it is typed)."""
    try:
        return normalised_email(email).lower()
    except InvalidEmail as exc:
        raise InvalidInput(f"That email address is not valid: {exc.reason}") from exc


_DUMMY_HASH = hash_password("timing-equaliser")
_EMAIL_TAKEN = "An account with this email already exists. Sign in instead."
_ALREADY_MEMBER = "Someone with this email is already a member of an organisation."


def parse_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput("Role must be admin, reviewer or viewer.") from None


def create_organisation(
    session: Session,
    *,
    name: str,
    admin_email: str,
    admin_password: str | None = None,
    admin_name: str = "",
) -> tuple[Organization, Member]:
    """Create an organisation and its first admin (sign-up, CLI and demo all come here)."""
    name = name.strip()
    if not name or len(name) > 255:
        raise InvalidInput("The organisation needs a name of 1 to 255 characters.")
    email = normalise_email(admin_email)
    if admin_password is not None and (
        problem := password_problem(admin_password, about_the_person=(email, admin_name, name))
    ):
        raise InvalidInput(problem, code="weak_password")
    if session.exec(select(Member).where(Member.email == email)).first():
        raise Conflict(_EMAIL_TAKEN, code="email_taken")
    org = Organization(name=name)
    session.add(org)
    session.flush()  # the organisation row first: the admin refers to it
    admin = Member(
        org_id=org.id,
        email=email,
        name=admin_name.strip()[:255],
        role=Role.admin,
        password_hash=hash_password(admin_password) if admin_password else None,
    )
    session.add(admin)
    commit_or_conflict(session, message=_EMAIL_TAKEN, code="email_taken")
    session.refresh(org)
    session.refresh(admin)
    return org, admin


def get_organisation(session: Session, *, org_id: str) -> Organization:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("Organisation not found.")
    return org


def add_member(
    session: Session,
    *,
    org_id: str,
    email: str,
    role: Role | str,
    name: str = "",
    password: str | None = None,
) -> Member:
    email = normalise_email(email)
    role = parse_role(role)
    if password is not None and (
        problem := password_problem(password, about_the_person=(email, name))
    ):
        raise InvalidInput(problem, code="weak_password")
    if session.exec(select(Member).where(Member.email == email)).first():
        raise Conflict(_ALREADY_MEMBER, code="email_taken")
    member = Member(
        org_id=org_id,
        email=email,
        name=name.strip()[:255],
        role=role,
        password_hash=hash_password(password) if password else None,
    )
    session.add(member)
    commit_or_conflict(session, message=_ALREADY_MEMBER, code="email_taken")
    session.refresh(member)
    return member


def _members(org_id: str) -> SelectOfScalar[Member]:
    return select(Member).where(Member.org_id == org_id).order_by(Member.created_at, Member.id)


def list_members(session: Session, *, org_id: str) -> list[Member]:
    return list(session.exec(_members(org_id)))


def page_of_members(
    session: Session, *, org_id: str, page: int, size: int = DEFAULT_PAGE_SIZE
) -> Page[Member]:
    """One page of ``list_members``, oldest first (the web app's table)."""
    return paginate(session, _members(org_id), page=page, size=size, clamp=True)


def _member_in_org(session: Session, *, org_id: str, member_id: str) -> Member:
    return get_owned(session, Member, member_id, org_id=org_id, message="Member not found.")


def _admin_count(session: Session, *, org_id: str) -> int:
    admins = session.exec(
        select(Member).where(
            Member.org_id == org_id,
            Member.role == Role.admin,
            Member.is_active == True,  # noqa: E712
        )
    ).all()
    return len(admins)


def change_role(session: Session, *, org_id: str, member_id: str, role: Role | str) -> Member:
    member = _member_in_org(session, org_id=org_id, member_id=member_id)
    role = parse_role(role)
    if (
        member.role == Role.admin
        and role != Role.admin
        and _admin_count(session, org_id=org_id) <= 1
    ):
        raise Forbidden("An organisation keeps at least one admin.")
    member.role = role
    session.add(member)
    session.commit()
    session.refresh(member)
    return member


def deactivate_member(session: Session, *, org_id: str, member_id: str) -> Member:
    member = _member_in_org(session, org_id=org_id, member_id=member_id)
    if member.role == Role.admin and _admin_count(session, org_id=org_id) <= 1:
        raise Forbidden("An organisation keeps at least one admin.")
    member.is_active = False
    session.add(member)
    for web_session in session.exec(select(WebSession).where(WebSession.member_id == member.id)):
        web_session.revoked_at = utcnow()
        session.add(web_session)
    session.commit()
    session.refresh(member)
    return member


def authenticate(session: Session, *, email: str, password: str) -> Member:
    """The member with these credentials, or Unauthorized with one message for every failure."""
    try:
        email = normalise_email(email)
    except InvalidInput:
        raise Unauthorized("Email or password is incorrect.") from None
    member = session.exec(select(Member).where(Member.email == email)).first()
    if member is None or not member.is_active or not member.password_hash:
        # Spend the same hashing time as for a real account, so timing reveals nothing.
        verify_password(password, _DUMMY_HASH)
        raise Unauthorized("Email or password is incorrect.")
    if not verify_password(password, member.password_hash):
        raise Unauthorized("Email or password is incorrect.")
    member.last_sign_in_at = utcnow()
    session.add(member)
    session.commit()
    session.refresh(member)
    return member


def start_web_session(session: Session, *, member: Member, session_id: str | None = None) -> str:
    """A new browser session for the member; returns the raw token (only its hash is stored).
    ``session_id`` names the row (a sign-in ticket's, so that it starts one session only)."""
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            id=session_id or new_id(),
            token_hash=sha256_hex(token),
            member_id=member.id,
            expires_at=utcnow() + timedelta(days=get_settings().web_session_days),
        )
    )
    session.commit()
    return token


def member_for_token(session: Session, *, token: str) -> Member | None:
    if not token:
        return None
    web_session = session.exec(
        select(WebSession).where(WebSession.token_hash == sha256_hex(token))
    ).first()
    if web_session is None or web_session.revoked_at is not None:
        return None
    if web_session.expires_at <= utcnow():
        return None
    member = session.get(Member, web_session.member_id)
    if member is None or not member.is_active:
        return None
    return member


def end_web_session(session: Session, *, token: str) -> None:
    web_session = session.exec(
        select(WebSession).where(WebSession.token_hash == sha256_hex(token))
    ).first()
    if web_session is not None and web_session.revoked_at is None:
        web_session.revoked_at = utcnow()
        session.add(web_session)
        session.commit()


def member_for_oidc(
    session: Session,
    *,
    subject: str,
    email: str | None,
    email_verified: bool = False,
    name: str = "",
) -> Member:
    """The member signing in through OpenID Connect: matched by subject, then by email; a new
    person joins the configured default organisation, if any.

    An email links or creates an account only when the provider vouches for it
    (``email_verified``, or the ``oidc_trust_email`` setting for providers that never send the
    claim), and a member already linked to another subject is never taken over."""
    member = session.exec(select(Member).where(Member.oidc_subject == subject)).first()
    if member is None and email:
        if not (email_verified or get_settings().oidc_trust_email):
            raise Forbidden(
                "Your identity provider has not verified your email address, so it cannot be "
                "linked to a truelevel account."
            )
        member = session.exec(select(Member).where(Member.email == normalise_email(email))).first()
        if member is not None and member.oidc_subject not in (None, subject):
            raise Forbidden("This account is linked to another single sign-on identity.")
    if member is None:
        settings = get_settings()
        if not settings.oidc_default_org_id or not email:
            raise Forbidden(
                "No truelevel account is linked to this identity. Ask an admin to add your email "
                "as a member first."
            )
        get_organisation(session, org_id=settings.oidc_default_org_id)
        member = add_member(
            session,
            org_id=settings.oidc_default_org_id,
            email=email,
            role=settings.oidc_default_role,
            name=name,
        )
    if not member.is_active:
        raise Forbidden("This account has been deactivated.")
    member.oidc_subject = subject
    if name and not member.name:
        member.name = name[:255]
    member.last_sign_in_at = utcnow()
    session.add(member)
    session.commit()
    session.refresh(member)
    return member
