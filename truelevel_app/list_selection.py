"""Rows a recruiter ticks on a list page, to act on them together (export them, decide on them).

Used beside :class:`truelevel_app.list_query.FilteredListState` by a page whose ``rows`` each
have an ``id`` and whose ``_filter()`` returns the list's filter (a pydantic model such as
``EvaluationFilter``). Ticks survive paging, so rows of several pages can be ticked, and are
cleared when the search or a filter changes (``_keep_selection`` in the page's on_load), since
the rows they were chosen among are no longer the list. The export links carry the same filter
to the backend's export route (``EXPORT_PATH``): the ticked rows, or every matching row.
"""

from __future__ import annotations

from typing import Any, ClassVar
from urllib.parse import urlencode

import reflex as rx

# Ticked rows travel in the export link's address: as many as the export route takes.
from backend.api.list_exports import MAX_SELECTED


class SelectableListState(rx.State, mixin=True):
    """Ticked rows of a list page (with FilteredListState and PagedState)."""

    EXPORT_PATH: ClassVar[str] = ""

    selected: rx.Field[list[str]] = rx.field(default_factory=list)
    selection_scope: str = ""
    # What the last bulk action did ("2 decided, 1 skipped: still running"), or why it could not.
    bulk_notice: str = ""
    bulk_error: str = ""

    def _filter(self) -> Any:
        raise NotImplementedError

    def _page_ids(self) -> list[str]:
        return [str(row["id"]) for row in self.rows]  # type: ignore[attr-defined]

    def _keep_selection(self) -> None:
        """On load: keep the ticks while the filters are the same, else start afresh."""
        scope = urlencode(self._query_params())  # type: ignore[attr-defined]
        if scope != self.selection_scope:
            self.selected = []
            self.selection_scope = scope
            self.bulk_notice = self.bulk_error = ""

    def _filter_params(self) -> dict[str, str]:
        """The list's filter as the export route reads it (defaults left out)."""
        values = self._filter().model_dump(mode="json", exclude_defaults=True, exclude_none=True)
        return {
            name: str(value).lower() if isinstance(value, bool) else str(value)
            for name, value in values.items()
        }

    @rx.var(cache=False)
    def selected_count(self) -> int:
        return len(self.selected)

    @rx.var(cache=False)
    def page_selected(self) -> bool:
        """Every row of this page is ticked."""
        ids = self._page_ids()
        return bool(ids) and set(ids) <= set(self.selected)

    @rx.var(cache=False)
    def export_selected_href(self) -> str:
        return f"{self.EXPORT_PATH}?{urlencode({'ids': ','.join(self.selected)})}"

    @rx.var(cache=False)
    def export_matching_href(self) -> str:
        params = self._filter_params()
        return f"{self.EXPORT_PATH}?{urlencode(params)}" if params else self.EXPORT_PATH

    @rx.event
    def tick(self, row_id: str, ticked: bool):
        self.bulk_notice = self.bulk_error = ""
        if not ticked:
            self.selected = [i for i in self.selected if i != row_id]
        elif row_id not in self.selected and row_id in self._page_ids():
            if len(self.selected) >= MAX_SELECTED:
                self.bulk_error = f"At most {MAX_SELECTED} rows can be ticked at once."
                return
            self.selected = [*self.selected, row_id]

    @rx.event
    def tick_page(self, ticked: bool):
        """Tick (or untick) every row of this page."""
        self.bulk_notice = self.bulk_error = ""
        ids = self._page_ids()
        if not ticked:
            self.selected = [i for i in self.selected if i not in ids]
            return
        added = [i for i in ids if i not in self.selected]
        if len(self.selected) + len(added) > MAX_SELECTED:
            self.bulk_error = f"At most {MAX_SELECTED} rows can be ticked at once."
            return
        self.selected = [*self.selected, *added]

    @rx.event
    def clear_selection(self):
        self.selected = []
        self.bulk_notice = self.bulk_error = ""
