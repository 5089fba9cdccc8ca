"""Organisation API keys: list, create (the raw key is shown once), revoke."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from backend.db import session_scope
from backend.models import ApiKey, ApiScope
from backend.services.api_keys import create_api_key, page_of_api_keys, revoke_api_key
from backend.services.audit import Action, Subject
from backend.services.errors import DomainError
from backend.settings import get_settings
from truelevel_app.audit_trail import record_by
from truelevel_app.components.badges import status_badge
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.forms import select_field, text_field
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.tables import data_table, list_pagination
from truelevel_app.display import when
from truelevel_app.paging import page_count
from truelevel_app.state import SIGNIN_ROUTE, AuthState, PagedState

SCOPES = [scope.value for scope in ApiScope]
PAGE_SIZE = 25
NOT_ALLOWED = "Only admins can manage API keys."


class ApiKeyRow(TypedDict):
    id: str
    name: str
    scope: str
    prefix: str
    created: str
    last_used: str
    status: str
    revoked: bool


def _row(key: ApiKey) -> ApiKeyRow:
    return ApiKeyRow(
        id=key.id,
        name=key.name or "—",
        scope=key.scope.value,
        prefix=key.display_prefix,
        created=when(key.created_at),
        last_used=when(key.last_used_at, "never"),
        status=f"Revoked {when(key.revoked_at)}" if key.revoked_at else "Active",
        revoked=key.revoked_at is not None,
    )


class ApiKeysState(PagedState, AuthState):
    rows: rx.Field[list[ApiKeyRow]] = rx.field(default_factory=list)
    loading: bool = True
    error: str = ""
    form_error: str = ""
    notice: str = ""
    creating: bool = False
    # The raw key of the key just created. Shown once; cleared when dismissed or on reload.
    new_key: str = ""
    new_key_name: str = ""
    base_url: str = ""

    @rx.var
    def curl_example(self) -> str:
        key = self.new_key or "$TRUELEVEL_API_KEY"
        return f'curl -H "Authorization: Bearer {key}" \\\n  {self.base_url}/api/v1/assessments'

    @rx.var
    def total_pages(self) -> int:
        return page_count(self.total, PAGE_SIZE)

    def _reload(self, org_id: str) -> None:
        with session_scope() as session:
            # Newest first: the key someone just made is at the top.
            result = page_of_api_keys(session, org_id=org_id, page=self.page, size=PAGE_SIZE)
            self.total, self.page, shown = result.total, result.page, result.items
            self.rows = [_row(k) for k in shown]

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
        self.base_url = get_settings().public_url.rstrip("/")
        self.error = self.form_error = self.notice = self.new_key = ""
        try:
            self._reload(member.org_id)
        except Exception:
            self.error = "The API keys could not be loaded. Try again in a moment."
        self.loading = False
        return None

    @rx.event
    def create(self, form_data: dict[str, str]):
        self.form_error = self.notice = self.new_key = ""
        admin = self._authorise("manage_api_keys")
        if admin is None:
            self.form_error = NOT_ALLOWED
            return
        name = str(form_data.get("name") or "").strip()
        if not name:
            self.form_error = "Give the key a name, such as the integration that will use it."
            return
        self.creating = True
        yield
        try:
            with session_scope() as session:
                key, raw = create_api_key(
                    session,
                    org_id=admin.org_id,
                    scope=str(form_data.get("scope") or ApiScope.all.value),
                    name=name,
                    created_by=admin.email,
                )
            record_by(admin, Action.changed, Subject.api_key, key.id, "API key created")
            self.new_key, self.new_key_name = raw, name
            self._reload(admin.org_id)
        except DomainError as exc:
            self.form_error = exc.message
        finally:
            self.creating = False

    @rx.event
    def dismiss_new_key(self):
        self.new_key = ""

    @rx.event
    def revoke(self, key_id: str):
        self.error = self.notice = ""
        admin = self._authorise("manage_api_keys")
        if admin is None:
            self.error = NOT_ALLOWED
            return
        try:
            with session_scope() as session:
                key = revoke_api_key(session, org_id=admin.org_id, key_id=key_id)
                self.notice = f"The key “{key.name or key.display_prefix}” was revoked."
            record_by(admin, Action.changed, Subject.api_key, key_id, "API key revoked")
        except DomainError as exc:
            self.error = exc.message
        self._reload(admin.org_id)


def _row_view(row, admin: bool) -> rx.Component:
    cells = [
        rx.table.row_header_cell(row["name"]),
        rx.table.cell(rx.badge(row["scope"], variant="surface")),
        rx.table.cell(rx.code(row["prefix"], variant="ghost")),
        rx.table.cell(row["created"], white_space="nowrap"),
        rx.table.cell(row["last_used"], white_space="nowrap"),
        rx.table.cell(status_badge(row["status"])),
    ]
    if admin:
        cells.append(
            rx.table.cell(
                rx.cond(
                    ~row["revoked"].to(bool),
                    rx.button(
                        "Revoke",
                        size="1",
                        variant="soft",
                        color_scheme="red",
                        on_click=ApiKeysState.revoke(row["id"]),
                        class_name="revoke-key",
                    ),
                )
            )
        )
    return rx.table.row(*cells, class_name="api-key-row")


COLUMNS = ["Name", "Scope", "Prefix", "Created", "Last used", "Status"]


def _table(admin: bool) -> rx.Component:
    return data_table(
        columns=[*COLUMNS, ""] if admin else COLUMNS,
        rows=ApiKeysState.rows,
        render_row=lambda row: _row_view(row, admin),
        loading=ApiKeysState.loading,
        error=ApiKeysState.error,
        empty_title="No API keys yet",
        empty_hint="Create a key for each integration, scoped to the product area it uses.",
        empty_icon="key-round",
        table_id="api-keys-table",
    )


def _new_key_callout() -> rx.Component:
    return rx.cond(
        ApiKeysState.new_key != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.vstack(
                rx.text(
                    "Copy the key “",
                    ApiKeysState.new_key_name,
                    "” now. It is shown only "
                    "once: truelevel keeps a hash, so nobody can show it to you again.",
                    weight="medium",
                ),
                rx.hstack(
                    rx.code(
                        ApiKeysState.new_key, size="3", id="new-api-key", word_break="break-all"
                    ),
                    rx.button(
                        rx.icon("copy", size=14),
                        "Copy",
                        size="1",
                        variant="surface",
                        on_click=[
                            rx.set_clipboard(ApiKeysState.new_key),
                            rx.toast.success("API key copied to the clipboard."),
                        ],
                        id="copy-api-key",
                    ),
                    align="center",
                    wrap="wrap",
                    spacing="3",
                ),
                rx.button(
                    "I have stored it safely",
                    size="1",
                    variant="soft",
                    on_click=ApiKeysState.dismiss_new_key,
                    id="dismiss-api-key",
                ),
                spacing="3",
                align="start",
            ),
            color_scheme="amber",
            width="100%",
            id="new-api-key-callout",
        ),
    )


def _create_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Create an API key", size="3"),
            error_callout(ApiKeysState.form_error, id="api-key-error"),
            rx.form(
                rx.hstack(
                    rx.box(
                        text_field("Name", "name", required=True, placeholder="Greenhouse sync"),
                        flex="2",
                        min_width="12rem",
                    ),
                    rx.box(
                        select_field("Scope", "scope", SCOPES, default=ApiScope.all.value),
                        flex="1",
                        min_width="10rem",
                    ),
                    rx.button("Create key", type="submit", loading=ApiKeysState.creating),
                    align="end",
                    spacing="3",
                    width="100%",
                    wrap="wrap",
                ),
                on_submit=ApiKeysState.create,
                reset_on_submit=True,
                width="100%",
                id="create-api-key-form",
            ),
            rx.text(
                "Scopes: evaluations, assessments, pipeline and interviews each open one product "
                "area of the REST API; all opens every area.",
                size="1",
                color_scheme="gray",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="create-api-key",
    )


def _usage_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Using a key", size="3"),
            rx.text("Send the key as a bearer token:", size="2", color_scheme="gray"),
            rx.el.pre(
                ApiKeysState.curl_example,
                id="curl-example",
                style={
                    "background": rx.color("gray", 3),
                    "border_radius": "var(--radius-2)",
                    "padding": "0.75rem 1rem",
                    "font_family": "var(--code-font-family)",
                    "font_size": "var(--font-size-2)",
                    "white_space": "pre-wrap",
                    "word_break": "break-all",
                    "width": "100%",
                    "margin": "0",
                },
            ),
            rx.text(
                "The API reference is at ",
                rx.link(
                    ApiKeysState.base_url,
                    "/api/v1/docs",
                    href=ApiKeysState.base_url + "/api/v1/docs",
                    is_external=True,
                ),
                ".",
                size="2",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


@rx.page(route="/api-keys", title="API keys · truelevel", on_load=ApiKeysState.load)
def api_keys_page() -> rx.Component:
    return app_shell(
        page_header("API keys", "Keys let your ATS and scripts use the truelevel REST API."),
        success_callout(ApiKeysState.notice, id="api-keys-notice"),
        rx.cond(AuthState.can_manage_api_keys, rx.fragment(_new_key_callout(), _create_card())),
        rx.cond(AuthState.can_manage_api_keys, _table(True), _table(False)),
        list_pagination(ApiKeysState, "API keys"),
        _usage_card(),
    )
