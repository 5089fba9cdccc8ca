"""Tables with their loading, error and empty states, and page controls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from reflex.vars import Var

from truelevel_app.components.feedback import empty_state, error_callout, loading_row
from truelevel_app.state import PagedState


def data_table(
    *,
    columns: list[str | rx.Component],
    rows: Var[list[Any]],
    render_row: Callable[[Var], rx.Component],
    loading: Var[bool],
    error: Var[str],
    empty_title: str,
    empty_hint: str = "",
    empty_icon: str = "inbox",
    table_id: str,
) -> rx.Component:
    """A bordered table, or the one message that explains why there is nothing to show."""
    table = rx.table.root(
        rx.table.header(
            rx.table.row(*[rx.table.column_header_cell(name) for name in columns]),
        ),
        rx.table.body(rx.foreach(rows, render_row)),
        variant="surface",
        size="2",
        width="100%",
        id=table_id,
    )
    return rx.box(
        error_callout(error),
        rx.cond(
            rows.length() > 0,  # type: ignore[attr-defined]
            table,
            rx.cond(
                loading,
                rx.card(loading_row(), width="100%"),
                rx.cond(
                    error == "",
                    rx.card(empty_state(empty_title, empty_hint, empty_icon), width="100%"),
                ),
            ),
        ),
        width="100%",
    )


def singular(noun: str) -> str:
    """ "evaluations" → "evaluation", "candidate keys" → "candidate key"."""
    return noun[:-1] if noun.endswith("s") else noun


def pagination(
    *,
    page: Var[int],
    total_pages: Var[int],
    total: Var[int],
    noun: str,
    on_previous: Any,
    on_next: Any,
    on_first: Any = None,
    on_last: Any = None,
) -> rx.Component:
    """Previous / next buttons (and first / last when given) with "Page x of y" and the total
    count."""

    def jump(label: str, icon: str, handler: Any, disabled: Var[bool], class_name: str):
        return rx.icon_button(
            rx.icon(icon, size=14),
            variant="soft",
            color_scheme="gray",
            size="1",
            disabled=disabled,
            on_click=handler,
            aria_label=label,
            title=label,
            class_name=class_name,
        )

    return rx.hstack(
        rx.text(
            total,
            " ",
            rx.cond(total == 1, singular(noun), noun),
            size="2",
            color_scheme="gray",
            class_name="result-count",
        ),
        rx.spacer(),
        *(
            [jump("First page", "chevrons-left", on_first, page <= 1, "page-first")]
            if on_first is not None
            else []
        ),
        rx.button(
            rx.icon("chevron-left", size=14),
            "Previous",
            variant="soft",
            color_scheme="gray",
            size="1",
            disabled=page <= 1,
            on_click=on_previous,
            class_name="page-previous",
        ),
        rx.text("Page ", page, " of ", total_pages, size="2", class_name="page-indicator"),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=14),
            variant="soft",
            color_scheme="gray",
            size="1",
            disabled=page >= total_pages,
            on_click=on_next,
            class_name="page-next",
        ),
        *(
            [jump("Last page", "chevrons-right", on_last, page >= total_pages, "page-last")]
            if on_last is not None
            else []
        ),
        align="center",
        spacing="3",
        width="100%",
    )


def list_pagination(state: type[PagedState], noun: str) -> rx.Component:
    """The pagination under a list page's table, once the list has rows. ``state`` is a page
    state with PagedState and a ``total_pages`` var."""
    return rx.cond(
        state.total > 0,
        pagination(
            page=state.page,
            total_pages=state.total_pages,  # type: ignore[attr-defined]
            total=state.total,
            noun=noun,
            on_previous=state.previous_page,
            on_next=state.next_page,
            on_first=state.first_page,
            on_last=state.last_page,
        ),
    )


def paged_table(
    state: type[PagedState],
    *,
    noun: str,
    columns: list[str | rx.Component],
    render_row: Callable[[Var], rx.Component],
    empty_title: str | Var[str],
    empty_hint: str = "",
    empty_icon: str = "inbox",
    table_id: str,
) -> rx.Component:
    """A list page's table of ``state.rows`` (with its ``loading`` and ``error``), and the
    pagination under it. ``state`` is a page state as :func:`list_pagination` takes it."""
    return rx.fragment(
        data_table(
            columns=columns,
            rows=state.rows,  # type: ignore[attr-defined]
            render_row=render_row,
            loading=state.loading,  # type: ignore[attr-defined]
            error=state.error,  # type: ignore[attr-defined]
            empty_title=empty_title,  # type: ignore[arg-type]
            empty_hint=empty_hint,
            empty_icon=empty_icon,
            table_id=table_id,
        ),
        list_pagination(state, noun),
    )
