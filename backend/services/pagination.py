"""Page/size pagination shared by every seed-003 list and the web app's tables.

The response shape is ``{"items": [...], "total": N, "page": P, "size": S, "pages": K}``:
``total`` counts every matching row, ``pages`` is ``ceil(total / size)`` (0 when nothing
matches), and a page past the end answers an empty ``items`` list rather than an error.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from backend.services.errors import InvalidInput

T = TypeVar("T")
U = TypeVar("U")

DEFAULT_PAGE = 1
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Keeps OFFSET far from integer overflow on every database.
MAX_PAGE = 1_000_000


class Page(BaseModel, Generic[T]):
    """One page of a list; ``Page[JobPublic]`` is also the API response model."""

    items: list[T]
    total: int
    page: int
    size: int
    pages: int

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        """The same page with every item converted (rows to public shapes)."""
        return Page[Any](
            items=[convert(item) for item in self.items],
            total=self.total,
            page=self.page,
            size=self.size,
            pages=self.pages,
        )


def check_page(page: int, size: int) -> None:
    """Raise InvalidInput for out-of-range values (the API rejects them earlier with 422)."""
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(f"page must be between 1 and {MAX_PAGE}.")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(f"size must be between 1 and {MAX_PAGE_SIZE}.")


def paginate(
    session: Session,
    statement: SelectOfScalar[T],
    *,
    page: int = DEFAULT_PAGE,
    size: int = DEFAULT_PAGE_SIZE,
    clamp: bool = False,
) -> Page[T]:
    """Run ``statement`` (already filtered and ordered) for one page and count all matches.
    With ``clamp`` a page past the end shows the last page instead (the web app's tables,
    where the last page can empty between two clicks).

    The statement must have a deterministic ORDER BY, or rows can repeat across pages."""
    check_page(page, size)
    total = count_all(session, statement)
    if clamp:
        page = min(page, max(1, math.ceil(total / size)))
    items = list(session.exec(statement.offset((page - 1) * size).limit(size)).all())
    return Page[Any](
        items=items,
        total=total,
        page=page,
        size=size,
        pages=math.ceil(total / size) if total else 0,
    )


def count_all(session: Session, statement: Any) -> int:
    """How many rows ``statement`` (filtered, joined, in any order) selects in all."""
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return int(session.exec(counted).one())


def counted_slice(
    session: Session, statement: Any, *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """The rows ``statement`` (filtered and in a deterministic order) selects from ``offset``,
    at most ``limit`` of them, and the count of all: what a list with page jumps shows."""
    rows = session.exec(statement.offset(offset).limit(limit)).all()
    return list(rows), count_all(session, statement)
