"""Search and filters of a list page, kept in the address bar.

A list page's filters are fields of its state (``search`` and the names in ``FILTERS``). The URL's
query string is where they live between visits: a change (a search submitted, a filter chosen)
navigates to the same page with the new query string, and the page's on_load reads it back with
:meth:`FilteredListState._read_query`, so a reload or a shared link shows the same list. Values
that are not among a filter's choices are ignored. The page number is in the address too
(``&page=3``): paging navigates as well, and a new filter starts again from page 1.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import urlencode

import reflex as rx
from sqlmodel import Session

from backend.services.assessments import list_assessments
from backend.services.search_words import clean_search

MAX_ID = 64
# The value of a select that does not filter (Radix selects cannot hold an empty value).
ANY = "any"
SEARCH_PARAM = "q"
PAGE_PARAM = "page"
MAX_PAGE = 1_000_000


class FilteredListState(rx.State, mixin=True):
    """The search box and the select filters of a list page (used with PagedState).

    A page sets ``FILTERS`` (filter field → its choices, the first being the default; ``None``
    for an id chosen from rows, such as an assessment, whose default is ``ANY``) and reads them
    with ``_read_query()`` in its on_load."""

    FILTERS: ClassVar[dict[str, tuple[str, ...] | None]] = {}

    search: str = ""
    filtered: bool = False

    def _defaults(self) -> dict[str, str]:
        """Each filter's value when the URL does not name one (the first choice unless a page
        says otherwise, as the review queue's order does)."""
        return {name: choices[0] if choices else ANY for name, choices in self.FILTERS.items()}

    def _allowed(self, name: str, value: str) -> bool:
        choices = self.FILTERS.get(name, ())
        if choices is None:
            return 0 < len(value) <= MAX_ID and value.isprintable()
        return value in choices

    def _read_query(self) -> None:
        """The filters and the page the address names (page 1 when it names none)."""
        params = self.router.url.query_parameters
        wanted_page = str(params.get(PAGE_PARAM, ""))
        page = int(wanted_page) if wanted_page.isdigit() and len(wanted_page) <= 7 else 1
        self.page = min(max(1, page), MAX_PAGE)  # type: ignore[attr-defined]
        self.search = clean_search(str(params.get(SEARCH_PARAM, "")))
        for name in self.FILTERS:  # in order: a default may depend on an earlier filter
            wanted = str(params.get(name, ""))
            setattr(self, name, wanted if self._allowed(name, wanted) else self._defaults()[name])
        defaults = self._defaults()
        self.filtered = bool(self.search) or any(
            getattr(self, name) != defaults[name] for name in self.FILTERS
        )

    def _query_params(self) -> dict[str, str]:
        """The query string for the current filters (defaults left out)."""
        defaults = self._defaults()
        params = {SEARCH_PARAM: self.search} if self.search else {}
        params.update(
            {
                name: getattr(self, name)
                for name in self.FILTERS
                if getattr(self, name) != defaults[name]
            }
        )
        return params

    def _show_page(self, page: int):
        """Page through the list by address too, so a reload stays on the page."""
        params = self._query_params()
        if page > 1:
            params[PAGE_PARAM] = str(min(page, MAX_PAGE))
        return self._go(params)

    def _show_query(self):
        """New filters start from the first page."""
        return self._go(self._query_params())

    def _go(self, params: dict[str, str]):
        path = self.router.url.path
        return rx.redirect(f"{path}?{urlencode(params)}" if params else path, replace=True)

    @rx.event
    def search_for(self, form: dict):
        self.search = clean_search(str(form.get("search", "")))
        return self._show_query()

    @rx.event
    def choose(self, name: str, value: str):
        if name in self.FILTERS and self._allowed(name, value):
            setattr(self, name, value)
        return self._show_query()

    @rx.event
    def clear_filters(self):
        self.search = ""
        for name, value in self._defaults().items():
            setattr(self, name, value)
        return self._show_query()


def assessment_options(session: Session, *, org_id: str) -> list[dict[str, str]]:
    """The organisation's assessments as choices of an assessment filter."""
    return [{"value": a.id, "label": a.title} for a in list_assessments(session, org_id=org_id)]
