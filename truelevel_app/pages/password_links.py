"""Forgotten passwords and set-password links: "Forgot password?" on the sign-in page asks for a
reset email; the link in a reset or invite email opens /set-password, where the member chooses
their password (``backend.services.account_links``)."""

from __future__ import annotations

import asyncio
import logging

import reflex as rx

from backend.db import session_scope
from backend.models import LinkPurpose
from backend.services import mail
from backend.services.account_links import SET_PASSWORD_ROUTE, open_link, use_link
from backend.services.errors import DomainError
from backend.services.organisations import get_organisation
from backend.services.password_reset import REQUESTED, request_reset
from backend.services.passwords import PASSWORD_HINT
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.forms import text_field
from truelevel_app.components.layout import full_page_spinner, public_frame
from truelevel_app.pages.auth import FORGOT_PASSWORD_ROUTE, clean_field, form, heading, other_page
from truelevel_app.state import SIGNIN_ROUTE, AuthState, SignedIn, open_web_session

log = logging.getLogger(__name__)


def _request(email: str, client_address: str) -> str | None:
    with session_scope() as session:
        return request_reset(session, email=email, client_address=client_address)


def _deliver(link_id: str) -> None:
    """Send the reset email at once; a failure leaves it queued for the worker's retries."""
    try:
        with session_scope() as session:
            mail.deliver_pending(session, related_ids=[link_id])
    except Exception:
        log.exception("sending a password reset email failed; it stays queued")


class ForgotPasswordState(AuthState):
    error: str = ""
    notice: str = ""
    submitting: bool = False

    @rx.event
    def load(self):
        self.error = self.notice = ""

    @rx.event
    async def submit(self, form_data: dict[str, str]):
        self.error = self.notice = ""
        email = clean_field(form_data, "email")
        if not email:
            self.error = "Enter the email address you sign in with."
            return
        self.submitting = True
        yield
        try:
            link_id = await asyncio.to_thread(_request, email, self.router.session.client_ip)
        except DomainError as exc:
            self.error = exc.message
            return
        finally:
            self.submitting = False
        # The same answer, as soon, whether or not the address has an account: the email
        # leaves after it.
        self.notice = REQUESTED
        yield
        if link_id:
            await asyncio.to_thread(_deliver, link_id)


def _describe(token: str) -> tuple[str, str, str]:
    """The link's purpose, its member's email and organisation name (NotFound when gone)."""
    with session_scope() as session:
        link, member = open_link(session, token)
        return link.purpose, member.email, get_organisation(session, org_id=member.org_id).name


def _set_password(token: str, password: str) -> SignedIn | None:
    """Use the link (a worker thread): an invited member is signed in, a reset is not."""
    with session_scope() as session:
        link, member = use_link(session, token=token, password=password)
        if link.purpose == LinkPurpose.invite.value:
            return open_web_session(session, member)
        return None


class SetPasswordState(AuthState):
    loading: bool = True
    gone: str = ""
    error: str = ""
    invited: bool = False
    email: str = ""
    org_name: str = ""
    submitting: bool = False
    _token: str = ""

    @rx.var
    def title(self) -> str:
        return f"Join {self.org_name}" if self.invited else "Choose a new password"

    @rx.var
    def subtitle(self) -> str:
        if self.invited:
            return "Choose the password you will sign in with."
        return "Every browser signed in to your account will be signed out."

    @rx.event
    def load(self):
        self.loading, self.gone, self.error = True, "", ""
        self._token = self.router.url.query_parameters.get("token", "")[:512]
        try:
            purpose, self.email, self.org_name = _describe(self._token)
            self.invited = purpose == LinkPurpose.invite.value
        except DomainError as exc:
            self.gone = exc.message
        self.loading = False

    @rx.event
    async def submit(self, form_data: dict[str, str]):
        self.error = ""
        password = str(form_data.get("password") or "")
        if password != str(form_data.get("repeat") or ""):
            self.error = "The two passwords are not the same."
            return
        self.submitting = True
        yield
        try:
            signed_in = await asyncio.to_thread(_set_password, self._token, password)
        except DomainError as exc:
            self.error = exc.message
            return
        finally:
            self.submitting = False
        if signed_in is None:
            yield rx.redirect(f"{SIGNIN_ROUTE}?done=password", replace=True)
        else:
            yield self._signed_in(signed_in)


@rx.page(
    route=FORGOT_PASSWORD_ROUTE,
    title="Forgot password · truelevel",
    on_load=ForgotPasswordState.load,
)
def forgot_password_page() -> rx.Component:
    return public_frame(
        heading("Forgot your password?", "We email you a link to choose a new one."),
        error_callout(ForgotPasswordState.error, id="forgot-error"),
        success_callout(ForgotPasswordState.notice, id="forgot-notice"),
        form(
            text_field(
                "Email",
                "email",
                type="email",
                required=True,
                auto_complete="email",
                auto_focus=True,
            ),
            submit_label="Email me a link",
            submitting=ForgotPasswordState.submitting,
            on_submit=ForgotPasswordState.submit,
            id="forgot-form",
        ),
        other_page("Remembered it? ", "Sign in", SIGNIN_ROUTE),
    )


def _set_password_form() -> rx.Component:
    return rx.fragment(
        heading(SetPasswordState.title, SetPasswordState.subtitle),
        rx.text("Account: ", rx.text.strong(SetPasswordState.email), size="2", id="link-email"),
        error_callout(SetPasswordState.error, id="set-password-error"),
        form(
            text_field(
                "New password",
                "password",
                type="password",
                required=True,
                auto_complete="new-password",
                auto_focus=True,
                hint=PASSWORD_HINT,
            ),
            text_field(
                "Repeat the password",
                "repeat",
                type="password",
                required=True,
                auto_complete="new-password",
            ),
            submit_label="Set password",
            submitting=SetPasswordState.submitting,
            on_submit=SetPasswordState.submit,
            id="set-password-form",
        ),
    )


@rx.page(route=SET_PASSWORD_ROUTE, title="Set password · truelevel", on_load=SetPasswordState.load)
def set_password_page() -> rx.Component:
    return rx.cond(
        SetPasswordState.loading,
        full_page_spinner(),
        public_frame(
            rx.cond(
                SetPasswordState.gone != "",
                rx.fragment(
                    heading("This link no longer works", ""),
                    error_callout(SetPasswordState.gone, id="link-gone"),
                    other_page("", "Ask for a new reset link", FORGOT_PASSWORD_ROUTE),
                ),
                _set_password_form(),
            )
        ),
    )
