"""Sign-up, sign-in and the root redirect."""

from __future__ import annotations

import asyncio

import reflex as rx
from reflex.vars import Var

from backend.db import session_scope
from backend.services.errors import DomainError
from backend.services.organisations import create_organisation
from backend.services.passwords import PASSWORD_HINT
from backend.services.sign_in import sign_in
from backend.settings import get_settings
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.forms import text_field
from truelevel_app.components.layout import full_page_spinner, public_frame
from truelevel_app.state import HOME_ROUTE, AuthState, SignedIn, open_web_session

OIDC_LOGIN_PATH = "/auth/oidc/login"
FORGOT_PASSWORD_ROUTE = "/forgot-password"
# The ?error= text comes from the address bar; keep a crafted link from filling the page.
MAX_URL_ERROR = 300


def clean_field(form_data: dict, key: str) -> str:
    return str(form_data.get(key) or "").strip()


def _sign_up(org_name: str, email: str, password: str, name: str) -> SignedIn:
    """Create the organisation and its admin and start the admin's session (a worker thread)."""
    with session_scope() as session:
        _org, admin = create_organisation(
            session, name=org_name, admin_email=email, admin_password=password, admin_name=name
        )
        return open_web_session(session, admin)


def _sign_in(email: str, password: str, client_address: str) -> SignedIn:
    """Check the password (refused while the account or the address is locked) and start a
    session (a worker thread)."""
    with session_scope() as session:
        member = sign_in(session, email=email, password=password, client_address=client_address)
        return open_web_session(session, member)


class SignUpState(AuthState):
    error: str = ""
    submitting: bool = False

    @rx.event
    def load(self):
        self.error = ""
        if self._resolve_member() is not None:
            return rx.redirect(HOME_ROUTE, replace=True)
        return None

    @rx.event
    async def submit(self, form_data: dict[str, str]):
        self.error = ""
        org_name = clean_field(form_data, "org_name")
        name = clean_field(form_data, "name")
        email = clean_field(form_data, "email")
        password = str(form_data.get("password") or "")
        if not org_name:
            self.error = "Enter the name of your organisation."
            return
        if not email:
            self.error = "Enter your email address."
            return
        self.submitting = True
        yield
        try:
            # Hashing the password takes tens of milliseconds of CPU: off the event loop.
            signed_in = await asyncio.to_thread(_sign_up, org_name, email, password, name)
        except DomainError as exc:
            self.error = exc.message
            return
        finally:
            self.submitting = False
        yield self._signed_in(signed_in)


# /signin?done=password: where a password reset ends (a fixed text, never one from the address).
PASSWORD_SET_NOTICE = "Your new password is set. Sign in with it."


class SignInState(AuthState):
    error: str = ""
    notice: str = ""
    submitting: bool = False
    sso_enabled: bool = False
    sso_label: str = ""

    @rx.event
    def load(self):
        settings = get_settings()
        self.sso_enabled = settings.oidc_enabled
        self.sso_label = f"Sign in with {settings.oidc_display_name}"
        # The single sign-on callback lands here with ?error=... when it fails.
        query = self.router.url.query_parameters
        self.error = query.get("error", "")[:MAX_URL_ERROR]
        self.notice = PASSWORD_SET_NOTICE if query.get("done") == "password" else ""
        if self._resolve_member() is not None:
            return rx.redirect(HOME_ROUTE, replace=True)
        return None

    @rx.event
    async def submit(self, form_data: dict[str, str]):
        self.error = self.notice = ""
        email = clean_field(form_data, "email")
        password = str(form_data.get("password") or "")
        if not email or not password:
            self.error = "Enter your email and password."
            return
        self.submitting = True
        yield
        try:
            # Checking the password takes tens of milliseconds of CPU: off the event loop.
            signed_in = await asyncio.to_thread(
                _sign_in, email, password, self.router.session.client_ip
            )
        except DomainError as exc:
            self.error = exc.message
            return
        finally:
            self.submitting = False
        yield self._signed_in(signed_in)


def heading(title: str | Var[str], text: str | Var[str]) -> rx.Component:
    return rx.vstack(
        rx.heading(title, size="5"),
        rx.text(text, size="2", color_scheme="gray"),
        spacing="1",
    )


def form(*fields: rx.Component, submit_label: str, submitting, on_submit, id: str) -> rx.Component:
    """The fields above a full-width submit button."""
    return rx.form(
        rx.vstack(
            *fields,
            rx.button(submit_label, type="submit", size="3", width="100%", loading=submitting),
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
        width="100%",
        id=id,
    )


def other_page(question: str, label: str, href: str) -> rx.Component:
    return rx.text(question, rx.link(label, href=href), size="2", align="center", width="100%")


@rx.page(route="/signup", title="Create your organisation · truelevel", on_load=SignUpState.load)
def signup_page() -> rx.Component:
    return public_frame(
        heading(
            "Create your organisation", "You will be its first admin. Invite your team afterwards."
        ),
        error_callout(SignUpState.error, id="signup-error"),
        form(
            text_field(
                "Organisation name",
                "org_name",
                required=True,
                placeholder="Acme Engineering",
                auto_focus=True,
            ),
            text_field("Your name", "name", placeholder="Ada Lovelace"),
            text_field(
                "Work email",
                "email",
                type="email",
                required=True,
                placeholder="you@company.com",
                auto_complete="email",
            ),
            text_field(
                "Password",
                "password",
                type="password",
                required=True,
                auto_complete="new-password",
                hint=PASSWORD_HINT,
            ),
            submit_label="Create organisation",
            submitting=SignUpState.submitting,
            on_submit=SignUpState.submit,
            id="signup-form",
        ),
        other_page("Already have an account? ", "Sign in", "/signin"),
    )


@rx.page(route="/signin", title="Sign in · truelevel", on_load=SignInState.load)
def signin_page() -> rx.Component:
    return public_frame(
        heading("Sign in", "Welcome back to truelevel."),
        success_callout(SignInState.notice, id="signin-notice"),
        error_callout(SignInState.error, id="signin-error"),
        form(
            text_field(
                "Email",
                "email",
                type="email",
                required=True,
                auto_complete="email",
                auto_focus=True,
            ),
            text_field(
                "Password",
                "password",
                type="password",
                required=True,
                auto_complete="current-password",
            ),
            submit_label="Sign in",
            submitting=SignInState.submitting,
            on_submit=SignInState.submit,
            id="signin-form",
        ),
        rx.link("Forgot password?", href=FORGOT_PASSWORD_ROUTE, size="2", id="forgot-password"),
        rx.cond(
            SignInState.sso_enabled,
            rx.vstack(
                rx.hstack(
                    rx.separator(size="4"),
                    rx.text("or", size="1", color_scheme="gray"),
                    rx.separator(size="4"),
                    align="center",
                    width="100%",
                ),
                rx.button(
                    rx.el.a(
                        rx.icon("shield-check", size=16),
                        SignInState.sso_label,
                        href=OIDC_LOGIN_PATH,
                        # A server route, not a page: the browser must load it itself.
                        reload_document=True,
                        id="sso-button",
                    ),
                    as_child=True,
                    variant="outline",
                    size="3",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
        ),
        other_page("New to truelevel? ", "Create an organisation", "/signup"),
    )


@rx.page(route="/", title="truelevel", on_load=AuthState.route_home)
def index() -> rx.Component:
    return full_page_spinner()
