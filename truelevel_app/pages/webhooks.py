"""Webhooks (``/webhooks``, admins only): the organisation's tenant webhooks (seed 003) with
their newest deliveries; a test event per webhook and a replay per delivery. Webhooks are made
and changed through the REST API (the page shows how); the state is in ``webhooks_state``."""

from __future__ import annotations

import reflex as rx

from truelevel_app.components.feedback import empty_state, error_callout, success_callout
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.tables import list_pagination
from truelevel_app.pages.evaluations import coloured_badge
from truelevel_app.pages.webhooks_state import NOT_ALLOWED, WebhooksState

S = WebhooksState
_STATE_COLOURS = [("delivered", "green"), ("pending", "blue"), ("failed", "red")]
DELIVERY_COLUMNS = ["Queued", "Action", "State", "Attempts", "Status", "Answer", "Last error", ""]


def _flag(on, yes: str, no: str, class_name: str) -> rx.Component:
    return rx.cond(
        on,
        rx.badge(yes, color_scheme="green", variant="soft", class_name=class_name),
        rx.badge(no, color_scheme="gray", variant="soft", class_name=class_name),
    )


def _delivery_view(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["created"], white_space="nowrap"),
        rx.table.cell(rx.code(row["action"], variant="ghost", size="1")),
        rx.table.cell(
            rx.vstack(
                coloured_badge(
                    row["state"], row["state"], _STATE_COLOURS, "gray", class_name="delivery-state"
                ),
                rx.cond(
                    row["next_try"] != "",
                    rx.text("retry ", row["next_try"], size="1", color_scheme="gray"),
                ),
                spacing="1",
                align="start",
            )
        ),
        rx.table.cell(row["attempts"], class_name="delivery-attempts"),
        rx.table.cell(row["status_code"], class_name="delivery-status-code"),
        rx.table.cell(rx.text(row["answer"], size="1", word_break="break-all")),
        rx.table.cell(rx.text(row["error"], size="1", color_scheme="red")),
        rx.table.cell(
            rx.button(
                "Replay",
                size="1",
                variant="soft",
                on_click=S.replay(row["webhook_id"], row["id"]),
                class_name="replay-delivery",
            )
        ),
        class_name="delivery-row",
        custom_attrs={"data-delivery-id": row["id"]},
    )


def _deliveries(card) -> rx.Component:
    return rx.cond(
        card["deliveries"].length() > 0,
        rx.vstack(
            rx.text("Deliveries: ", card["shown"], size="1", color_scheme="gray"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(c) for c in DELIVERY_COLUMNS])
                ),
                rx.table.body(rx.foreach(card["deliveries"], _delivery_view)),
                variant="surface",
                size="1",
                width="100%",
                class_name="deliveries-table",
            ),
            spacing="2",
            width="100%",
        ),
        rx.text(
            "No deliveries yet. Send a test event to try the endpoint.",
            size="2",
            color_scheme="gray",
            class_name="no-deliveries",
        ),
    )


def _facts(card) -> rx.Component:
    return rx.hstack(
        rx.badge(card["event"], variant="surface", class_name="webhook-event"),
        _flag(card["subscribed"], "Subscribed", "Unsubscribed", "webhook-subscribed"),
        _flag(card["active"], "Active", "Inactive", "webhook-active"),
        _flag(card["has_secret"], "Signed", "Unsigned", "webhook-signed"),
        rx.text(
            card["method"], " · ", card["content_type"], " · tenant ", card["tenant_id"], size="1"
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _webhook_view(card) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.code(card["url"], size="2", word_break="break-all", class_name="webhook-url"),
                rx.spacer(),
                rx.button(
                    rx.icon("send", size=14),
                    "Send test event",
                    size="2",
                    variant="surface",
                    disabled=~card["subscribed"].to(bool),
                    on_click=S.send_test(card["id"]),
                    class_name="send-test-event",
                ),
                align="center",
                width="100%",
                spacing="3",
            ),
            _facts(card),
            rx.hstack(
                rx.text("Fields:", size="1", color_scheme="gray"),
                rx.foreach(
                    card["fields"], lambda f: rx.code(f, size="1", class_name="webhook-field")
                ),
                spacing="1",
                wrap="wrap",
                align="center",
            ),
            _deliveries(card),
            spacing="3",
            width="100%",
        ),
        width="100%",
        class_name="webhook-card",
        custom_attrs={"data-webhook-id": card["id"]},
    )


def _usage_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Adding or changing a webhook", size="3"),
            rx.text(
                "Webhooks are set through the REST API with a key of scope pipeline (see API "
                "keys); the same tenant, event and type updates the existing one. "
                "POST /tenant-webhook/subscribe/{id} and /unsubscribe/{id} switch one on and off.",
                size="2",
                color_scheme="gray",
            ),
            rx.el.pre(
                S.curl_example,
                id="webhook-curl-example",
                style={
                    "background": rx.color("gray", 3),
                    "border_radius": "var(--radius-2)",
                    "padding": "0.75rem 1rem",
                    "font_family": "var(--code-font-family)",
                    "font_size": "var(--font-size-1)",
                    "white_space": "pre-wrap",
                    "word_break": "break-all",
                    "width": "100%",
                    "margin": "0",
                },
            ),
            rx.text(
                "A test event carries the webhook's fields of a sample application or call "
                '(ids starting test-) plus "test": true, signed and retried like real events.',
                size="1",
                color_scheme="gray",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _webhooks() -> rx.Component:
    return rx.vstack(
        error_callout(S.error, id="webhooks-error"),
        rx.cond(
            S.webhooks.length() > 0,
            rx.vstack(rx.foreach(S.webhooks, _webhook_view), spacing="4", width="100%"),
            rx.cond(
                ~S.loading & (S.error == ""),
                rx.card(
                    empty_state(
                        "No tenant webhooks yet",
                        "Add one through the REST API, as shown below.",
                        "webhook",
                    ),
                    width="100%",
                ),
            ),
        ),
        list_pagination(S, "webhooks"),
        _usage_card(),
        spacing="4",
        width="100%",
    )


@rx.page(route="/webhooks", title="Webhooks · truelevel", on_load=WebhooksState.load)
def webhooks_page() -> rx.Component:
    return app_shell(
        page_header(
            "Webhooks",
            "Where your tenants' call and application activity is sent, and how each delivery "
            "went.",
        ),
        success_callout(S.notice, id="webhooks-notice"),
        rx.cond(
            S.allowed,
            _webhooks(),
            rx.cond(~S.loading, error_callout(NOT_ALLOWED, id="webhooks-not-allowed")),
        ),
        rx.box(on_unmount=S.stop_following, display="none"),
    )
