"""The organisation's settings (``/settings``, admins only): how long its interview recordings
and browser-interview answers are kept (within the installation's period, which is shown), the
sender name and reply-to address of its candidate invites with a test email to the admin, and
the level new assessments are judged against. Read and saved by
``backend.services.organisation_settings``."""

from __future__ import annotations

import asyncio

import reflex as rx
from pydantic import ValidationError

from backend.db import session_scope
from backend.models.assessments import LEVELS
from backend.models.organisation_settings import OrganisationSettingsInput, Retention
from backend.services.audit import Action, Subject
from backend.services.errors import DomainError
from backend.services.organisation_settings import (
    OrganisationSettingsView,
    read_settings,
    save_settings,
)
from backend.services.settings_test_email import TestEmailResult, send_test_email
from truelevel_app.audit_trail import record_by
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.forms import field_error, labelled, text_field
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.display import when
from truelevel_app.state import SIGNIN_ROUTE, AuthState
from truelevel_app.validation import field_errors

SETTINGS_ROUTE = "/settings"
NOT_ALLOWED = "Only admins can see and change the organisation's settings."
MAIL_OFF = (
    "Mail is off on this installation (no SMTP server is set): invites are not emailed, and "
    "the invite lists show Copy link so you can send each link yourself."
)
LABELS = {
    "recording_retention_days": "Days to keep recordings",
    "answer_retention_days": "Days to keep answers",
    "mail_sender_name": "Sender name",
    "mail_reply_to": "Reply-to address",
    "default_target_level": "Default target level",
}


def _period(days: int | None) -> str:
    return "no time limit" if days is None else f"{days} day{'s' if days != 1 else ''}"


def _choices(retention: Retention) -> list[list[str]]:
    """[value, label] of each retention choice; the installation's period named in words."""
    return [
        ["installation", f"The installation's period ({_period(retention.ceiling_days)})"],
        ["days", "Fewer days"],
        ["after_processing", "Delete right after processing"],
    ]


def _test_email_notice(result: TestEmailResult) -> tuple[str, str]:
    """(notice, error) for the page after a test email."""
    if result.state == "sent":
        return f"A test email was sent to {result.to}. Check its sender and Reply-To.", ""
    if result.state == "mail_off":
        return "", MAIL_OFF
    return "", f"The test email could not be sent: {result.error or 'unknown error'}."


class SettingsState(AuthState):
    allowed: bool = False
    loading: bool = True
    error: str = ""
    notice: str = ""
    errors: rx.Field[dict[str, str]] = rx.field(default_factory=dict)
    saving: bool = False
    # The form, as saved (and as edited).
    recording_retention: str = "installation"
    recording_retention_days: str = ""
    recording_choices: rx.Field[list[list[str]]] = rx.field(default_factory=list)
    recording_ceiling: str = ""
    recording_now: str = ""
    answer_retention: str = "installation"
    answer_retention_days: str = ""
    answer_choices: rx.Field[list[list[str]]] = rx.field(default_factory=list)
    answer_ceiling: str = ""
    answer_now: str = ""
    mail_sender_name: str = ""
    mail_reply_to: str = ""
    default_target_level: str = "mid"
    # The installation's mail.
    mail_enabled: bool = False
    mail_from: str = ""
    mail_from_address: str = ""
    saved_line: str = ""
    testing: bool = False
    test_notice: str = ""
    test_error: str = ""

    def _show(self, view: OrganisationSettingsView) -> None:
        for kind, retention in (("recording", view.recordings), ("answer", view.answers)):
            setattr(self, f"{kind}_retention", retention.choice)
            days = retention.days if retention.choice == "days" else None
            setattr(self, f"{kind}_retention_days", "" if days is None else str(days))
            setattr(self, f"{kind}_choices", _choices(retention))
            setattr(self, f"{kind}_ceiling", _period(retention.ceiling_days))
            setattr(self, f"{kind}_now", retention.sentence)
        self.mail_sender_name = view.mail.sender_name or ""
        self.mail_reply_to = view.mail.reply_to or ""
        self.default_target_level = view.default_target_level
        self.mail_enabled = view.mail_enabled
        self.mail_from = view.mail_from
        self.mail_from_address = view.mail_from_address
        self.saved_line = (
            f"Last saved {when(view.updated_at)} by {view.updated_by or 'an admin'}."
            if view.updated_at
            else "Not saved yet: the installation's values apply."
        )

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = self.notice = self.test_notice = self.test_error = ""
        self.errors = {}
        self.allowed = self._authorise("manage_settings") is not None
        if self.allowed:
            try:
                with session_scope() as session:
                    self._show(read_settings(session, org_id=member.org_id))
            except Exception:
                self.error = "The settings could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def set_field(self, name: str, value: str):
        """A control changed: keep its value (the form is saved as shown)."""
        if name in _EDITABLE:
            setattr(self, name, str(value))

    @rx.event
    def save(self, form_data: dict[str, str]):
        self.error = self.notice = ""
        self.errors = {}
        admin = self._authorise("manage_settings")
        if admin is None:
            self.error = NOT_ALLOWED
            return
        values = {name: getattr(self, name) for name in _EDITABLE}
        values.update({k: v for k, v in form_data.items() if k in _EDITABLE})
        try:
            data = OrganisationSettingsInput.model_validate(values)
        except ValidationError as exc:
            found = field_errors(exc, LABELS)
            self.error = found.pop("", "") or "Check the fields marked below."
            self.errors = found
            return
        self.saving = True
        yield
        try:
            with session_scope() as session:
                view = save_settings(session, org_id=admin.org_id, data=data, by=admin.email)
            record_by(admin, Action.changed, Subject.settings, admin.org_id, "settings saved")
            self._show(view)
            self.notice = "Settings saved."
        except DomainError as exc:
            self.error = exc.message
        finally:
            self.saving = False

    @rx.event
    async def send_test(self):
        self.test_notice = self.test_error = ""
        admin = self._authorise("manage_settings")
        if admin is None:
            self.test_error = NOT_ALLOWED
            return
        self.testing = True
        yield
        try:
            result = await asyncio.to_thread(_send_test, admin.org_id, admin.email)
            self.test_notice, self.test_error = _test_email_notice(result)
        finally:
            self.testing = False


_EDITABLE = (
    "recording_retention",
    "recording_retention_days",
    "answer_retention",
    "answer_retention_days",
    "mail_sender_name",
    "mail_reply_to",
    "default_target_level",
)


def _send_test(org_id: str, to: str) -> TestEmailResult:
    with session_scope() as session:
        return send_test_email(session, org_id=org_id, to=to)


S = SettingsState


def _select(name: str, options, value) -> rx.Component:
    """A native select bound to ``S.<name>``; ``options`` a list var of [value, label]."""
    return rx.el.select(
        rx.foreach(options, lambda o: rx.el.option(o[1], value=o[0])),
        value=value,
        name=name,
        id=name.replace("_", "-"),
        on_change=lambda v: S.set_field(name, v),
        style={"padding": "0.35rem", "min_width": "16rem"},
    )


def _retention_block(kind: str, title: str, what: str) -> rx.Component:
    choice, days = f"{kind}_retention", f"{kind}_retention_days"
    return rx.vstack(
        rx.heading(title, size="2"),
        rx.text(
            what,
            " The installation keeps them ",
            rx.text.strong(getattr(S, f"{kind}_ceiling"), class_name="retention-ceiling"),
            " at most; you may keep them for less, never longer.",
            size="2",
            color_scheme="gray",
        ),
        rx.hstack(
            labelled("Kept", _select(choice, getattr(S, f"{kind}_choices"), getattr(S, choice))),
            rx.cond(
                getattr(S, choice) == "days",
                text_field(
                    LABELS[days],
                    days,
                    type="number",
                    min="1",
                    value=getattr(S, days),
                    on_change=lambda v: S.set_field(days, v),
                    errors=S.errors,
                    id=days.replace("_", "-"),
                ),
            ),
            align="start",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        rx.text(
            "Now: ",
            getattr(S, f"{kind}_now"),
            size="1",
            color_scheme="gray",
            id=f"{kind}-retention-now",
        ),
        spacing="2",
        width="100%",
    )


def _retention_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Recording retention", size="3"),
            _retention_block(
                "recording",
                "Interview recordings",
                "Recordings of interviews sent as files, after their interview is processed.",
            ),
            rx.separator(),
            _retention_block(
                "answer",
                "Browser interview answers",
                "Each recorded answer of a browser interview, which the report plays.",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="retention-card",
    )


def _mail_status() -> rx.Component:
    return rx.cond(
        S.mail_enabled,
        rx.text(
            "Invites are sent from ",
            rx.code(S.mail_from_address),
            " through the installation's mail server.",
            size="2",
            color_scheme="gray",
            id="mail-on",
        ),
        rx.callout(MAIL_OFF, icon="mail-x", color_scheme="amber", size="1", id="mail-off"),
    )


def _mail_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Mail", size="3"),
            _mail_status(),
            rx.hstack(
                text_field(
                    LABELS["mail_sender_name"],
                    "mail_sender_name",
                    value=S.mail_sender_name,
                    on_change=lambda v: S.set_field("mail_sender_name", v),
                    placeholder="Acme Hiring",
                    hint="Shown as the sender of candidate invites. Empty: the installation's.",
                    errors=S.errors,
                    id="mail-sender-name",
                ),
                text_field(
                    LABELS["mail_reply_to"],
                    "mail_reply_to",
                    value=S.mail_reply_to,
                    on_change=lambda v: S.set_field("mail_reply_to", v),
                    placeholder="jobs@example.com",
                    hint="Where a candidate's reply goes. Empty: your organisation's first admin.",
                    errors=S.errors,
                    id="mail-reply-to",
                ),
                spacing="3",
                width="100%",
                flex_direction=rx.breakpoints(initial="column", sm="row"),
            ),
            rx.hstack(
                rx.button(
                    rx.icon("send", size=14),
                    "Send test email",
                    type="button",
                    variant="surface",
                    on_click=S.send_test,
                    loading=S.testing,
                    id="send-test-email",
                ),
                rx.text(
                    "To you, as a candidate receives an invite (save changes first).",
                    size="1",
                    color_scheme="gray",
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            success_callout(S.test_notice, id="test-email-notice"),
            error_callout(S.test_error, id="test-email-error"),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="mail-card",
    )


def _level_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Default target level", size="3"),
            labelled(
                LABELS["default_target_level"],
                rx.el.select(
                    *[rx.el.option(level.capitalize(), value=level) for level in LEVELS],
                    value=S.default_target_level,
                    name="default_target_level",
                    id="default-target-level",
                    on_change=lambda v: S.set_field("default_target_level", v),
                    style={"padding": "0.35rem", "min_width": "10rem"},
                ),
                hint="New assessments (here or through the API) without a level are judged "
                "against it.",
                error=field_error(
                    S.errors.get("default_target_level", "").to(str),
                    id="default_target_level-error",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="level-card",
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            error_callout(S.error, id="settings-error"),
            success_callout(S.notice, id="settings-notice"),
            _retention_card(),
            _mail_card(),
            _level_card(),
            rx.hstack(
                rx.button("Save settings", type="submit", loading=S.saving, id="save-settings"),
                rx.text(S.saved_line, size="1", color_scheme="gray", id="settings-saved-line"),
                align="center",
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=S.save,
        reset_on_submit=False,
        id="settings-form",
        width="100%",
    )


@rx.page(route=SETTINGS_ROUTE, title="Settings · truelevel", on_load=SettingsState.load)
def settings_page() -> rx.Component:
    return app_shell(
        page_header(
            "Settings",
            "How your organisation keeps interview media, sends invites and judges take-homes.",
        ),
        rx.cond(
            S.allowed,
            _form(),
            rx.cond(~S.loading, error_callout(NOT_ALLOWED, id="settings-not-allowed")),
        ),
    )
