"""Members of the organisation: who they are, their role, and (for admins) managing them."""

from __future__ import annotations

import asyncio
from typing import TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models import Member, Role
from backend.services.errors import DomainError
from backend.services.organisations import (
    add_member,
    change_role,
    deactivate_member,
    page_of_members,
)
from backend.services.passwords import PASSWORD_HINT
from truelevel_app.components.badges import status_badge
from truelevel_app.components.dialogs import confirm_dialog
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.forms import select_field, text_field
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.tables import data_table, pagination
from truelevel_app.paging import page_count
from truelevel_app.state import ROLE_LABELS, SIGNIN_ROUTE, AuthState, PagedState

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


def _row(member: Member, you: str) -> MemberRow:
    return MemberRow(
        id=member.id,
        name=member.name or "—",
        email=member.email,
        role=member.role.value,
        status="Active" if member.is_active else "Deactivated",
        active=member.is_active,
        is_you=member.id == you,
    )


def _add_member(org_id: str, email: str, name: str, role: str, password: str) -> tuple[str, str]:
    """Add the member (a worker thread); how the notice names them and their role."""
    with session_scope() as session:
        added = add_member(
            session, org_id=org_id, email=email, name=name, role=role, password=password
        )
        return added.name or added.email, ROLE_LABELS[added.role.value].lower()


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
            self.rows = [_row(m, self.member.id) for m in shown]

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
    async def add(self, form_data: dict[str, str]):
        self.form_error = self.notice = ""
        admin = self._authorise("manage_members")
        if admin is None:
            self.form_error = NOT_ALLOWED
            return
        password = str(form_data.get("password") or "")
        if not password:
            self.form_error = "Give them a temporary password."
            return
        self.adding = True
        yield
        try:
            # Hashing the password takes tens of milliseconds of CPU: off the event loop.
            label, role = await asyncio.to_thread(
                _add_member,
                admin.org_id,
                str(form_data.get("email") or ""),
                str(form_data.get("name") or ""),
                str(form_data.get("role") or Role.viewer.value),
                password,
            )
            self.notice = f"{label} can now sign in as {role} with the temporary password."
            self._reload(admin.org_id)
        except DomainError as exc:
            self.form_error = exc.message
            return
        finally:
            self.adding = False
        yield rx.call_script("document.getElementById('add-member-form')?.reset()")

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
        rx.table.cell(status_badge(row["status"])),
        rx.table.cell(
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


def _add_member_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Add a member", size="3"),
            rx.text(
                "Give them a temporary password to sign in with; ask them to keep it private.",
                size="2",
                color_scheme="gray",
            ),
            error_callout(MembersState.form_error, id="add-member-error"),
            rx.form(
                rx.grid(
                    text_field("Email", "email", type="email", required=True),
                    text_field("Name", "name"),
                    select_field("Role", "role", ROLES, default=Role.reviewer.value),
                    text_field(
                        "Temporary password",
                        "password",
                        type="password",
                        required=True,
                        auto_complete="new-password",
                        hint=PASSWORD_HINT,
                    ),
                    columns=rx.breakpoints(initial="1", md="2"),
                    spacing="3",
                    width="100%",
                ),
                rx.button(
                    "Add member", type="submit", loading=MembersState.adding, margin_top="0.75rem"
                ),
                on_submit=MembersState.add,
                reset_on_submit=False,
                id="add-member-form",
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
        rx.cond(AuthState.can_manage_members, _add_member_card()),
        _confirm_dialog(),
    )
