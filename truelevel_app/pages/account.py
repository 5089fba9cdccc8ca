"""The signed-in member's own account: their password (the current one required; other browsers
are signed out) and the time zone every page shows times in."""

from __future__ import annotations

import asyncio

import reflex as rx

from backend.db import session_scope
from backend.models.base import utcnow
from backend.services.account_settings import (
    UTC_NAME,
    change_password,
    set_timezone,
    timezone_names,
)
from backend.services.errors import DomainError
from backend.services.passwords import PASSWORD_HINT
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.forms import labelled, text_field
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.display import when
from truelevel_app.state import SIGNIN_ROUTE, AuthState

ACCOUNT_ROUTE = "/account"
_BROWSER_ZONE_SCRIPT = "Intl.DateTimeFormat().resolvedOptions().timeZone"


def _change_password(
    member_id: str, current: str, new: str, token: str, client_address: str
) -> None:
    with session_scope() as session:
        change_password(
            session,
            member_id=member_id,
            current=current,
            new=new,
            token=token,
            client_address=client_address,
        )


class AccountState(AuthState):
    password_error: str = ""
    password_notice: str = ""
    changing: bool = False
    zone_error: str = ""
    zone_notice: str = ""
    chosen_zone: str = UTC_NAME
    browser_zone: str = ""
    now_text: str = ""

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.password_error = self.password_notice = self.zone_error = self.zone_notice = ""
        self.chosen_zone = member.timezone or UTC_NAME
        self.now_text = when(utcnow())
        return rx.call_script(_BROWSER_ZONE_SCRIPT, callback=AccountState.got_browser_zone)

    @rx.event
    def got_browser_zone(self, name: str):
        """The browser's own zone: offered, and pre-selected while none was chosen."""
        name = str(name or "")
        self.browser_zone = name if name in timezone_names() else ""
        if self.browser_zone and not self.member.timezone:
            self.chosen_zone = self.browser_zone

    @rx.event
    def choose_zone(self, name: str):
        self.chosen_zone = name

    @rx.event
    def save_zone(self):
        self.zone_error = self.zone_notice = ""
        member = self._authorise()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        try:
            with session_scope() as session:
                set_timezone(session, member_id=member.id, name=self.chosen_zone)
        except DomainError as exc:
            self.zone_error = exc.message
            return None
        self._resolve_member()  # times from now on in the new zone
        self.now_text = when(utcnow())
        self.zone_notice = f"Times are now shown in {self.chosen_zone}."
        return None

    @rx.event
    async def submit_password(self, form_data: dict[str, str]):
        self.password_error = self.password_notice = ""
        member = self._authorise()
        if member is None:
            yield rx.redirect(SIGNIN_ROUTE, replace=True)
            return
        new = str(form_data.get("new_password") or "")
        if new != str(form_data.get("repeat") or ""):
            self.password_error = "The two new passwords are not the same."
            return
        self.changing = True
        yield
        try:
            await asyncio.to_thread(
                _change_password,
                member.id,
                str(form_data.get("current_password") or ""),
                new,
                self._session_token(),
                self.router.session.client_ip,
            )
        except DomainError as exc:
            self.password_error = exc.message
            return
        finally:
            self.changing = False
        self.password_notice = "Your password is changed. Your other browsers were signed out."
        yield rx.call_script("document.getElementById('password-form')?.reset()")


def _password_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Password", size="3"),
            rx.text(
                "Changing it signs you out of every other browser.", size="2", color_scheme="gray"
            ),
            error_callout(AccountState.password_error, id="password-error"),
            success_callout(AccountState.password_notice, id="password-notice"),
            rx.form(
                rx.vstack(
                    text_field(
                        "Current password",
                        "current_password",
                        type="password",
                        required=True,
                        auto_complete="current-password",
                    ),
                    text_field(
                        "New password",
                        "new_password",
                        type="password",
                        required=True,
                        auto_complete="new-password",
                        hint=PASSWORD_HINT,
                    ),
                    text_field(
                        "Repeat the new password",
                        "repeat",
                        type="password",
                        required=True,
                        auto_complete="new-password",
                    ),
                    rx.button("Change password", type="submit", loading=AccountState.changing),
                    spacing="3",
                    width="100%",
                    max_width="26rem",
                ),
                on_submit=AccountState.submit_password,
                reset_on_submit=False,
                id="password-form",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="password-card",
    )


def _zone_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Time zone", size="3"),
            rx.text(
                "Every page shows times in this zone. It is now ",
                rx.text.strong(AccountState.now_text, id="account-now"),
                ".",
                size="2",
                color_scheme="gray",
            ),
            error_callout(AccountState.zone_error, id="zone-error"),
            success_callout(AccountState.zone_notice, id="zone-notice"),
            rx.hstack(
                labelled(
                    "Time zone",
                    rx.el.select(
                        *[rx.el.option(name, value=name) for name in timezone_names()],
                        value=AccountState.chosen_zone,
                        on_change=AccountState.choose_zone,
                        name="timezone",
                        id="timezone",
                        style={"padding": "0.35rem", "min_width": "16rem"},
                    ),
                    hint="Your browser's zone is chosen until you save another one.",
                ),
                rx.button("Save time zone", on_click=AccountState.save_zone, id="save-zone"),
                align="end",
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="zone-card",
    )


@rx.page(route=ACCOUNT_ROUTE, title="Your account · truelevel", on_load=AccountState.load)
def account_page() -> rx.Component:
    return app_shell(
        page_header("Your account", AuthState.member.email),
        _password_card(),
        _zone_card(),
    )
