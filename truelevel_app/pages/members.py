"""Members of the organisation: who they are, their role, and (for admins) managing them:
inviting people by email (``backend.services.member_invites``), roles, deactivation."""

from __future__ import annotations

import asyncio
import logging
from typing import TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models import Member, Role
from backend.services import mail
from backend.services.audit import Action, Subject
from backend.services.errors import DomainError
from backend.services.invite_delivery import mail_enabled
from backend.services.member_invites import (
    MemberInvite,
    invite_member,
    member_invites,
    resend_invite,
)
from backend.services.organisations import change_role, deactivate_member, page_of_members
from truelevel_app.audit_trail import record_by
from truelevel_app.components.badges import status_badge
from truelevel_app.components.dialogs import confirm_dialog
from truelevel_app.components.feedback import copy_link_button, error_callout, success_callout
from truelevel_app.components.forms import select_field, text_field
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.tables import data_table, pagination
from truelevel_app.display import when
from truelevel_app.paging import page_count
from truelevel_app.state import ROLE_LABELS, SIGNIN_ROUTE, AuthState, PagedState, role_can

log = logging.getLogger(__name__)
ROLES = [role.value for role in Role]
PAGE_SIZE = 25
NOT_ALLOWED = "Only admins can manage members."


class MemberRow(TypedDict):
    id: str
    name: str
    email: str
    role: str
    status: str
    active: bool
    is_you: bool
    invite: str  # "Pending until …", "Expired …" or "" (for admins only)
    invite_link: str  # while pending (for admins only)
    can_resend: bool


def _status(member: Member, invite: MemberInvite | None) -> str:
    if not member.is_active:
        return "Deactivated"
    if invite is not None and invite.state == "pending":
        return "Invited"
    if invite is not None and invite.state == "expired":
        return "Invite expired"
    return "Active"


def _invite_text(invite: MemberInvite | None) -> str:
    if invite is None or invite.state == "accepted":
        return ""
    if invite.state == "expired":
        return f"Invite expired {when(invite.expires_at)}"
    sent = "emailed" if invite.emailed else "not emailed: copy the link"
    return f"Invite {sent}; works until {when(invite.expires_at)}"


def _row(member: Member, you: str, invite: MemberInvite | None, admin: bool) -> MemberRow:
    """One table row; what an invite says (and its link) only for an admin."""
    open_invite = admin and member.is_active and invite is not None and invite.state != "accepted"
    return MemberRow(
        id=member.id,
        name=member.name or "—",
        email=member.email,
        role=member.role.value,
        status=_status(member, invite),
        active=member.is_active,
        is_you=member.id == you,
        invite=_invite_text(invite) if open_invite else "",
        invite_link=(invite.url or "") if open_invite and invite is not None else "",
        can_resend=open_invite,
    )


def _deliver(link_id: str) -> None:
    """Send the invite at once where mail is on; a failure leaves it queued for the worker."""
    try:
        with session_scope() as session:
            mail.deliver_pending(session, related_ids=[link_id])
    except Exception:
        log.exception("sending a member invite failed; it stays queued for the worker")


def _invite(
    org_id: str, email: str, name: str, role: str, inviter: str
) -> tuple[str, str, str, str]:
    """Add the member and queue their invite (a worker thread); how the notice names them,
    their role, the invite's link id and the member's id."""
    with session_scope() as session:
        member, link = invite_member(
            session, org_id=org_id, email=email, name=name, role=role, inviter=inviter
        )
        label, role_label = member.name or member.email, ROLE_LABELS[member.role.value].lower()
        return label, role_label, link.id, member.id


def _invite_notice(label: str, role: str) -> str:
    if mail_enabled():
        return (
            f"{label} is invited as {role}: the email's link lets them choose a password "
            "within 7 days."
        )
    return (
        f"{label} is invited as {role}. Email is not set up on this server: copy their invite "
        "link below and send it to them yourself."
    )


class MembersState(PagedState, AuthState):
    rows: rx.Field[list[MemberRow]] = rx.field(default_factory=list)
    loading: bool = True
    error: str = ""
    form_error: str = ""
    notice: str = ""
    adding: bool = False
    confirm_id: str = ""
    confirm_name: str = ""

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    def _reload(self, org_id: str) -> None:
        with session_scope() as session:
            result = page_of_members(session, org_id=org_id, page=self.page, size=PAGE_SIZE)
            self.total, self.page, shown = result.total, result.page, result.items
            admin = role_can(self.member.role, "manage_members")
            invites = member_invites(session, members=shown) if admin else {}
            self.rows = [_row(m, self.member.id, invites.get(m.id), admin) for m in shown]

    def _refresh(self):  # on previous / next (PagedState)
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self._reload(member.org_id)
        return None

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = self.form_error = self.notice = ""
        self.confirm_id = ""
        try:
            self._reload(member.org_id)
        except Exception:
            self.error = "The member list could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    async def invite(self, form_data: dict[str, str]):
        self.form_error = self.notice = ""
        admin = self._authorise("manage_members")
        if admin is None:
            self.form_error = NOT_ALLOWED
            return
        self.adding = True
        yield
        try:
            label, role, link_id, added_id = await asyncio.to_thread(
                _invite,
                admin.org_id,
                str(form_data.get("email") or ""),
                str(form_data.get("name") or ""),
                str(form_data.get("role") or Role.viewer.value),
                admin.name or admin.email,
            )
        except DomainError as exc:
            self.form_error = exc.message
            return
        finally:
            self.adding = False
        record_by(admin, Action.changed, Subject.member, added_id, f"invited as {role}")
        self.notice = _invite_notice(label, role)
        yield rx.call_script("document.getElementById('invite-member-form')?.reset()")
        await asyncio.to_thread(_deliver, link_id)
        self._reload(admin.org_id)

    @rx.event
    async def resend(self, member_id: str):
        self.error = self.notice = ""
        admin = self._authorise("manage_members")
        if admin is None:
            self.error = NOT_ALLOWED
            return
        try:
            with session_scope() as session:
                member, link = resend_invite(
                    session,
                    org_id=admin.org_id,
                    member_id=member_id,
                    inviter=admin.name or admin.email,
                )
                label, role = member.name or member.email, ROLE_LABELS[member.role.value].lower()
                link_id = link.id
        except DomainError as exc:
            self.error = exc.message
            return
        self.notice = _invite_notice(label, role)
        self._reload(admin.org_id)
        yield
        await asyncio.to_thread(_deliver, link_id)
        self._reload(admin.org_id)

    @rx.event
    def change_role(self, member_id: str, role: str):
        self.error = self.notice = ""
        admin = self._authorise("manage_members")
        if admin is None:
            self.error = NOT_ALLOWED
            return
        try:
            with session_scope() as session:
                changed = change_role(session, org_id=admin.org_id, member_id=member_id, role=role)
                self.notice = f"{changed.name or changed.email} is now {ROLE_LABELS[role].lower()}."
            record_by(admin, Action.changed, Subject.member, member_id, f"role set to {role}")
        except DomainError as exc:
            self.error = getattr(exc, "message", "That role does not exist.")
        self._reload(admin.org_id)
        # Demoting yourself changes what this page may show.
        self._resolve_member()

    @rx.event
    def ask_deactivate(self, member_id: str, label: str):
        self.confirm_id = member_id
        self.confirm_name = label

    @rx.event
    def cancel_deactivate(self):
        self.confirm_id = ""

    @rx.event
    def confirm_deactivate(self):
        member_id, self.confirm_id = self.confirm_id, ""
        self.error = self.notice = ""
        admin = self._authorise("manage_members")
        if admin is None:
            self.error = NOT_ALLOWED
            return None
        try:
            with session_scope() as session:
                gone = deactivate_member(session, org_id=admin.org_id, member_id=member_id)
                self.notice = f"{gone.name or gone.email} was deactivated and signed out."
            record_by(admin, Action.changed, Subject.member, member_id, "deactivated")
        except DomainError as exc:
            self.error = exc.message
        self._reload(admin.org_id)
        if self._resolve_member() is None:  # an admin deactivated themselves
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        return None


def _name_cell(row) -> rx.Component:
    return rx.table.row_header_cell(
        rx.hstack(
            rx.text(row["name"]),
            rx.cond(row["is_you"], rx.badge("you", variant="outline", size="1")),
            spacing="2",
            align="center",
        )
    )


def _readonly_row(row) -> rx.Component:
    return rx.table.row(
        _name_cell(row),
        rx.table.cell(row["email"]),
        rx.table.cell(rx.badge(row["role"], variant="soft", color_scheme="indigo")),
        rx.table.cell(status_badge(row["status"])),
        class_name="member-row",
    )


def _admin_row(row) -> rx.Component:
    return rx.table.row(
        _name_cell(row),
        rx.table.cell(row["email"]),
        rx.table.cell(
            rx.select(
                ROLES,
                value=row["role"],
                on_change=lambda role: MembersState.change_role(row["id"], role),
                size="1",
                disabled=~row["active"].to(bool),
                aria_label="Role",
            )
        ),
        rx.table.cell(
            rx.vstack(
                status_badge(row["status"]),
                rx.cond(
                    row["invite"] != "",
                    rx.text(row["invite"], size="1", color_scheme="gray", class_name="invite"),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    row["invite_link"] != "",
                    copy_link_button(
                        row["invite_link"],
                        copied="Invite link copied to the clipboard.",
                        aria_label="Copy invite link",
                        class_name="copy-member-invite",
                        tooltip=False,
                    ),
                ),
                rx.cond(
                    row["can_resend"],
                    rx.button(
                        "Send again",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=MembersState.resend(row["id"]),
                        class_name="resend-invite",
                    ),
                ),
                rx.cond(
                    row["active"],
                    rx.button(
                        "Deactivate",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=MembersState.ask_deactivate(row["id"], row["email"]),
                        class_name="deactivate-member",
                    ),
                ),
                spacing="2",
            )
        ),
        class_name="member-row",
    )


def _confirm_dialog() -> rx.Component:
    return confirm_dialog(
        open=MembersState.confirm_id != "",
        title="Deactivate member",
        description=rx.fragment(
            "Deactivate ",
            rx.text.strong(MembersState.confirm_name),
            "? They are signed out everywhere and can no longer sign in.",
        ),
        confirm_label="Deactivate",
        on_confirm=MembersState.confirm_deactivate,
        on_cancel=MembersState.cancel_deactivate,
        confirm_id="confirm-deactivate",
    )


def _invite_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Invite a member", size="3"),
            rx.text(
                "They get an email with a link to choose their password; it works for 7 days.",
                size="2",
                color_scheme="gray",
            ),
            error_callout(MembersState.form_error, id="invite-member-error"),
            rx.form(
                rx.grid(
                    text_field("Email", "email", type="email", required=True),
                    text_field("Name", "name"),
                    select_field("Role", "role", ROLES, default=Role.reviewer.value),
                    columns=rx.breakpoints(initial="1", md="3"),
                    spacing="3",
                    width="100%",
                ),
                rx.button(
                    "Send invite", type="submit", loading=MembersState.adding, margin_top="0.75rem"
                ),
                on_submit=MembersState.invite,
                reset_on_submit=False,
                id="invite-member-form",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="add-member",
    )


def _table(render_row, columns: list[str]) -> rx.Component:
    return data_table(
        columns=columns,
        rows=MembersState.rows,
        render_row=render_row,
        loading=MembersState.loading,
        error=MembersState.error,
        empty_title="No members yet",
        table_id="members-table",
    )


@rx.page(route="/members", title="Members · truelevel", on_load=MembersState.load)
def members_page() -> rx.Component:
    return app_shell(
        page_header("Members", "People who can sign in to this organisation."),
        success_callout(MembersState.notice, id="members-notice"),
        rx.cond(
            AuthState.can_manage_members,
            _table(_admin_row, ["Name", "Email", "Role", "Status", ""]),
            _table(_readonly_row, ["Name", "Email", "Role", "Status"]),
        ),
        pagination(
            page=MembersState.page,
            total_pages=MembersState.total_pages,
            total=MembersState.total,
            noun="members",
            on_previous=MembersState.previous_page,
            on_next=MembersState.next_page,
        ),
        rx.cond(AuthState.can_manage_members, _invite_card()),
        _confirm_dialog(),
    )
