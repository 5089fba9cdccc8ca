"""Ticking rows of a list and acting on them together: the row and "whole page" tick boxes, and
the bar above the table with "N selected", the exports and a page's own bulk actions."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.list_selection import SelectableListState


def page_tick_box(state: type[SelectableListState]) -> rx.Component:
    """The header cell's box: tick (or untick) every row on this page."""
    return rx.checkbox(
        checked=state.page_selected,
        on_change=state.tick_page,
        aria_label="Select all on this page",
        id="select-page",
    )


def row_tick_box(state: type[SelectableListState], row: Var, label: Var[str]) -> rx.Component:
    """A row's box, named for the row's candidate (``label``) for screen readers."""
    return rx.checkbox(
        checked=state.selected.contains(row["id"]),
        on_change=lambda ticked: state.tick(row["id"], ticked),
        aria_label="Select " + label.to(str),
        class_name="row-tick",
    )


def _file_link(label: str, href: Var[str], *, id: str) -> rx.Component:
    return rx.el.a(
        rx.button(rx.icon("download", size=14), label, variant="soft", size="2"),
        href=href,
        download="",
        id=id,
        # A file from the API, not a page: the browser fetches it, not the router.
        custom_attrs={"reloadDocument": True},
    )


def bulk_bar(
    state: type[SelectableListState], *, noun: str, actions: list[rx.Component] | None = None
) -> rx.Component:
    """ "N selected", export the ticked rows or every row matching the filters, the page's own
    ``actions`` on the ticked rows, and what the last bulk action did."""
    return rx.vstack(
        rx.flex(
            rx.text(
                state.selected_count,
                " selected",
                size="2",
                weight="medium",
                id="selected-count",
            ),
            rx.cond(
                state.selected_count > 0,
                rx.fragment(
                    _file_link("Export selected", state.export_selected_href, id="export-selected"),
                    *(actions or []),
                    rx.button(
                        "Clear selection",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=state.clear_selection,
                        id="clear-selection",
                    ),
                ),
            ),
            rx.spacer(),
            _file_link(f"Export all matching {noun}", state.export_matching_href, id="export-all"),
            wrap="wrap",
            gap="2",
            align="center",
            width="100%",
            class_name="bulk-bar",
        ),
        success_callout(state.bulk_notice, id="bulk-notice"),
        error_callout(state.bulk_error, id="bulk-error"),
        spacing="2",
        width="100%",
    )
