"""Member invites: an admin names a person's email and role; they get an email with a
set-password link that works once, for seven days (``backend.services.account_links``), choose
their password and are signed in. Until then the member exists without a password (nobody can
sign in as them) and the members page shows the invite as pending, accepted or expired; with mail
off (no SMTP host, the default) the admin copies the link and sends it themselves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from backend.models import AccountLink, LinkPurpose, Member, OutboundEmail, Role
from backend.services import mail
from backend.services.account_links import LIFETIMES, is_open, issue_link, link_url
from backend.services.errors import Conflict
from backend.services.organisations import add_member, get_organisation

MEMBER_INVITE = "member_invite"
InviteState = Literal["pending", "accepted", "expired"]


class MemberInvite(BaseModel):
    """The latest invite of one member. ``url`` only while it is pending (an admin may copy it);
    ``emailed``: whether its email left (False with mail off or while it waits to be sent)."""

    member_id: str
    state: InviteState
    sent_at: datetime
    expires_at: datetime
    url: str | None = None
    emailed: bool = False


def invite_email(*, org_name: str, inviter: str, role: Role, url: str) -> tuple[str, str]:
    """Subject and plain-text body of a member invite."""
    days = LIFETIMES[LinkPurpose.invite].days
    body = "\n".join(
        [
            "Hello,",
            "",
            f"{inviter} invites you to join {org_name} on truelevel as {role.value}.",
            "",
            f"Choose your password with this link (it works once, for {days} days):",
            "",
            url,
            "",
            "If you did not expect this invite, ignore this email.",
        ]
    )
    return f"Join {org_name} on truelevel", body


def _send(session: Session, *, member: Member, inviter: str) -> AccountLink:
    link = issue_link(session, member=member, purpose=LinkPurpose.invite)
    org = get_organisation(session, org_id=member.org_id)
    subject, body = invite_email(
        org_name=org.name, inviter=inviter, role=Role(member.role), url=link_url(link)
    )
    mail.queue_email(
        session,
        org_id=member.org_id,
        to=member.email,
        subject=subject,
        body=body,
        purpose=MEMBER_INVITE,
        related_id=link.id,
        commit=False,
    )
    session.commit()
    session.refresh(link)
    return link


def invite_member(
    session: Session, *, org_id: str, email: str, role: Role | str, name: str = "", inviter: str
) -> tuple[Member, AccountLink]:
    """Add the member without a password and queue their invite (``inviter``: who the email
    says invites them)."""
    member = add_member(session, org_id=org_id, email=email, role=role, name=name)
    return member, _send(session, member=member, inviter=inviter)


def resend_invite(
    session: Session, *, org_id: str, member_id: str, inviter: str
) -> tuple[Member, AccountLink]:
    """A new invite link for a member who has not chosen a password yet (the earlier link stops
    working); Conflict once they have one."""
    member = session.get(Member, member_id)
    if member is None or member.org_id != org_id or not member.is_active:
        raise Conflict("This member can no longer be invited.")
    if member.password_hash or member.oidc_subject:
        raise Conflict(f"{member.name or member.email} has already joined.")
    return member, _send(session, member=member, inviter=inviter)


def _state(link: AccountLink, member: Member) -> InviteState:
    if link.used_at is not None or member.password_hash or member.oidc_subject:
        return "accepted"
    return "pending" if is_open(link) else "expired"


def member_invites(session: Session, *, members: Sequence[Member]) -> dict[str, MemberInvite]:
    """The latest invite of each member that was invited, by member id, in two queries."""
    by_id = {m.id: m for m in members}
    if not by_id:
        return {}
    links = session.exec(
        select(AccountLink)
        .where(
            col(AccountLink.member_id).in_(list(by_id)),
            AccountLink.purpose == LinkPurpose.invite.value,
        )
        .order_by(col(AccountLink.created_at), col(AccountLink.id))
    )
    latest = {link.member_id: link for link in links}
    sent = set(
        session.exec(
            select(OutboundEmail.related_id).where(
                col(OutboundEmail.related_id).in_([link.id for link in latest.values()]),
                OutboundEmail.status == mail.SENT,
            )
        )
    )
    out: dict[str, MemberInvite] = {}
    for member_id, link in latest.items():
        state = _state(link, by_id[member_id])
        out[member_id] = MemberInvite(
            member_id=member_id,
            state=state,
            sent_at=link.created_at,
            expires_at=link.expires_at,
            url=link_url(link) if state == "pending" else None,
            emailed=link.id in sent,
        )
    return out
