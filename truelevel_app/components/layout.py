"""The signed-in shell: a sidebar with the organisation, navigation and the member, and a page
header. Reads only identity from AuthState; no data access."""

from __future__ import annotations

from typing import Any

import reflex as rx

from truelevel_app.state import AuthState

NAV_ITEMS: list[tuple[str, str, str]] = [
    ("Dashboard", "/dashboard", "layout-dashboard"),
    ("Jobs", "/jobs", "briefcase"),
    ("Assessments", "/assessments", "clipboard-list"),
    ("Rubrics", "/rubrics", "list-checks"),
    ("Issue library", "/issues", "bug"),
    ("Candidates", "/candidates", "users"),
    ("Evaluations", "/evaluations", "file-code"),
    ("Interviews", "/interviews", "mic"),
    ("Models", "/models", "cpu"),
    ("Members", "/members", "user-cog"),
    ("API keys", "/api-keys", "key-round"),
]
# Shown only to members who may manage them (admins).
WEBHOOKS_NAV_ITEM: tuple[str, str, str] = ("Webhooks", "/webhooks", "webhook")
BILLING_NAV_ITEM: tuple[str, str, str] = ("Billing", "/billing", "credit-card")
SETTINGS_NAV_ITEM: tuple[str, str, str] = ("Settings", "/settings", "settings")
AUDIT_NAV_ITEM: tuple[str, str, str] = ("Audit log", "/audit", "scroll-text")

SIDEBAR_WIDTH = "15rem"


def brand() -> rx.Component:
    return rx.hstack(
        rx.box(
            rx.icon("gauge", size=18, color="white"),
            background=rx.color("accent", 9),
            border_radius="var(--radius-2)",
            padding="5px",
            line_height="0",
        ),
        rx.text("truelevel", weight="bold", size="5", letter_spacing="-0.01em"),
        align="center",
        spacing="2",
    )


def _nav_link(label: str, href: str, icon: str) -> rx.Component:
    path = rx.State.router.url.path
    active = (path == href) | path.startswith(href + "/")
    return rx.link(
        rx.hstack(
            rx.icon(icon, size=16),
            rx.text(label, size="2", weight=rx.cond(active, "medium", "regular")),
            align="center",
            spacing="3",
            padding_x="0.75rem",
            padding_y="0.5rem",
            border_radius="var(--radius-2)",
            background=rx.cond(active, rx.color("accent", 3), "transparent"),
            color=rx.cond(active, rx.color("accent", 11), rx.color("gray", 11)),
            _hover={"background": rx.color("gray", 3), "color": rx.color("gray", 12)},
            width="100%",
        ),
        href=href,
        underline="none",
        width="100%",
        aria_current=rx.cond(active, "page", "false"),
    )


def _member_card() -> rx.Component:
    return rx.vstack(
        rx.separator(),
        rx.hstack(
            rx.avatar(
                fallback=AuthState.member_display_name[:1].upper(),
                size="2",
                radius="full",
                variant="soft",
            ),
            rx.vstack(
                rx.text(
                    AuthState.member_display_name,
                    size="2",
                    weight="medium",
                    trim="both",
                    id="member-name",
                ),
                rx.badge(AuthState.role_label, variant="soft", size="1", id="member-role"),
                spacing="1",
                align="start",
                min_width="0",
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.link(
            rx.hstack(rx.icon("user-round-cog", size=14), "Your account", align="center"),
            href="/account",
            size="2",
            color_scheme="gray",
            id="account-link",
        ),
        rx.button(
            rx.icon("log-out", size=14),
            "Sign out",
            variant="soft",
            color_scheme="gray",
            size="2",
            width="100%",
            on_click=AuthState.logout,
            id="sign-out",
        ),
        spacing="3",
        width="100%",
    )


def sidebar() -> rx.Component:
    return rx.vstack(
        brand(),
        rx.box(
            rx.text("Organisation", size="1", color_scheme="gray"),
            rx.text(AuthState.member.org_name, size="2", weight="medium", id="org-name"),
            padding_x="0.25rem",
        ),
        rx.vstack(
            *[_nav_link(*item) for item in NAV_ITEMS],
            rx.cond(AuthState.can_manage_webhooks, _nav_link(*WEBHOOKS_NAV_ITEM)),
            rx.cond(AuthState.can_manage_billing, _nav_link(*BILLING_NAV_ITEM)),
            rx.cond(AuthState.can_manage_settings, _nav_link(*SETTINGS_NAV_ITEM)),
            rx.cond(AuthState.can_read_audit_log, _nav_link(*AUDIT_NAV_ITEM)),
            spacing="1",
            width="100%",
            as_="nav",
            aria_label="Main",
        ),
        rx.spacer(),
        _member_card(),
        spacing="5",
        padding="1.25rem 1rem",
        height="100vh",
        # Its own scroll when the screen is shorter than the navigation and the member card.
        overflow_y="auto",
        # Below the md breakpoint (phones, small tablets) the top bar's menu replaces it.
        display=rx.breakpoints(initial="none", md="flex"),
        width=SIDEBAR_WIDTH,
        min_width=SIDEBAR_WIDTH,
        position="sticky",
        top="0",
        border_right=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
    )


def _menu_item(label: str, href: str, icon: str) -> rx.Component:
    return rx.menu.item(
        rx.hstack(rx.icon(icon, size=16), label, align="center", spacing="2"),
        on_click=rx.redirect(href),
    )


def top_bar() -> rx.Component:
    """On narrow screens, instead of the sidebar: the brand and a menu of the same links (its
    items exist only while it is open, so nothing is in the page twice)."""
    return rx.hstack(
        brand(),
        rx.spacer(),
        rx.menu.root(
            rx.menu.trigger(
                rx.icon_button(rx.icon("menu", size=18), variant="soft", aria_label="Menu")
            ),
            rx.menu.content(
                rx.text(AuthState.member.org_name, size="1", color_scheme="gray", padding="0.5rem"),
                *[_menu_item(*item) for item in NAV_ITEMS],
                rx.cond(AuthState.can_manage_webhooks, _menu_item(*WEBHOOKS_NAV_ITEM)),
                rx.cond(AuthState.can_manage_billing, _menu_item(*BILLING_NAV_ITEM)),
                rx.cond(AuthState.can_manage_settings, _menu_item(*SETTINGS_NAV_ITEM)),
                rx.cond(AuthState.can_read_audit_log, _menu_item(*AUDIT_NAV_ITEM)),
                rx.menu.separator(),
                _menu_item("Your account", "/account", "user-round-cog"),
                rx.menu.item(
                    rx.hstack(rx.icon("log-out", size=16), "Sign out", align="center", spacing="2"),
                    on_click=AuthState.logout,
                ),
                align="end",
            ),
        ),
        display=rx.breakpoints(initial="flex", md="none"),
        align="center",
        width="100%",
    )


def page_header(title: str, description: str = "", *actions: rx.Component) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.heading(title, size="6", weight="bold"),
            rx.cond(description != "", rx.text(description, color_scheme="gray", size="2")),
            spacing="1",
            align="start",
        ),
        rx.spacer(),
        *actions,
        align="center",
        width="100%",
        wrap="wrap",
        spacing="3",
    )


def new_button(label: str, *, on_click: Any, id: str) -> rx.Component:
    """A header button that opens a "create" form; shown only to members who may edit."""
    return rx.cond(
        AuthState.can_edit,
        rx.button(rx.icon("plus", size=16), label, on_click=on_click, id=id),
    )


def live_marker(state: Any) -> rx.Component:
    """Put on a page whose state follows what it shows (``FollowingState``, ``LiveState``):
    leaving the page ends the state's refresh loop."""
    return rx.box(on_unmount=state.stop_following, display="none")


def full_page_spinner() -> rx.Component:
    return rx.center(
        rx.hstack(rx.spinner(size="3"), rx.text("Loading…", color_scheme="gray")),
        height="100vh",
        width="100%",
    )


def app_shell(*children: rx.Component) -> rx.Component:
    """The page frame for signed-in pages. Content appears only once the member is known."""
    return rx.cond(
        AuthState.is_signed_in,
        rx.hstack(
            sidebar(),
            rx.box(
                rx.vstack(top_bar(), *children, spacing="5", width="100%", max_width="72rem"),
                padding=rx.breakpoints(initial="1rem", md="2rem 2.5rem"),
                width="100%",
                min_width="0",
            ),
            spacing="0",
            align="start",
            width="100%",
            min_height="100vh",
        ),
        full_page_spinner(),
    )


def public_frame(*children: rx.Component, max_width: str = "26rem") -> rx.Component:
    """A centred card on a quiet background, for sign-in, sign-up and the candidate page."""
    return rx.center(
        rx.vstack(
            brand(),
            rx.card(
                rx.vstack(*children, spacing="4", width="100%"),
                size="3",
                width="100%",
            ),
            spacing="5",
            align="center",
            width="100%",
            max_width=max_width,
            padding_y="3rem",
        ),
        min_height="100vh",
        width="100%",
        padding_x="1rem",
        background=rx.color("gray", 2),
    )
