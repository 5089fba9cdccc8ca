"""The bar above a list: a search box, select filters, the order, and "Clear filters". Their
values belong to a page state with :class:`truelevel_app.list_query.FilteredListState`."""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import Var

from backend.services.search_words import MAX_SEARCH
from truelevel_app.list_query import ANY, FilteredListState


def search_box(state: type[FilteredListState], *, placeholder: str, id: str) -> rx.Component:
    """Search on Enter or with the button; the box shows what the list is searched for."""
    return rx.form(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=14)),
                name="search",
                default_value=state.search,
                # A new search in the address (a reload, "Clear filters") refills the box.
                key=state.search,
                placeholder=placeholder,
                type="search",
                aria_label=placeholder,
                max_length=MAX_SEARCH,
                id=id,
                width="100%",
            ),
            rx.button("Search", type="submit", variant="soft", size="2"),
            spacing="2",
            width="100%",
        ),
        on_submit=state.search_for,
        reset_on_submit=False,
        flex="1 1 260px",
    )


def filter_select(
    state: type[FilteredListState],
    name: str,
    *,
    label: str,
    items: list[tuple[str, str]],
    id: str,
    dynamic: Var[list[dict[str, str]]] | None = None,
) -> rx.Component:
    """One filter: ``items`` as (value, label), then ``dynamic`` rows ({"value", "label"}) read
    from the database, such as the organisation's assessments."""
    options: list[Any] = [rx.select.item(text, value=value) for value, text in items]
    if dynamic is not None:
        options.append(
            rx.foreach(dynamic, lambda row: rx.select.item(row["label"], value=row["value"]))
        )
    return rx.select.root(
        rx.select.trigger(aria_label=label, id=id, min_width="150px"),
        rx.select.content(rx.select.group(rx.select.label(label), *options)),
        value=getattr(state, name),
        on_change=lambda value: state.choose(name, value),  # type: ignore[call-arg]
    )


def filter_bar(state: type[FilteredListState], *controls: rx.Component) -> rx.Component:
    return rx.flex(
        *controls,
        rx.cond(
            state.filtered,
            rx.button(
                rx.icon("x", size=14),
                "Clear filters",
                variant="ghost",
                color_scheme="gray",
                on_click=state.clear_filters,
                id="clear-filters",
            ),
        ),
        wrap="wrap",
        gap="2",
        align="center",
        width="100%",
        class_name="filter-bar",
    )


def any_of(label: str) -> tuple[str, str]:
    """The choice that does not filter."""
    return (ANY, label)
