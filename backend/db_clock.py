"""The database's clock as a SQL expression: every host that compares times stored by other
hosts (lease expiry) asks the one clock they share instead of its own, which may be skewed.

``database_now(seconds)`` is the database's current UTC time plus ``seconds``, compiled per
dialect into a value comparable with the ``UTCDateTime`` columns:

- PostgreSQL: ``statement_timestamp()`` (a ``timestamptz``; not the transaction's start);
- SQLite: ``strftime('%Y-%m-%d %H:%M:%f', 'now')`` padded to microseconds, the text format
  SQLAlchemy stores those columns in, so comparisons of the text order as times do.
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from backend.models.base import UTCDateTime


class database_now(FunctionElement):
    """The database's UTC time now, plus ``seconds`` (an integer, may be negative)."""

    type = UTCDateTime()
    inherit_cache = True
    # ``seconds`` is part of the SQL text, so it must be part of the statement cache key too.
    _traverse_internals: ClassVar = [
        *FunctionElement._traverse_internals,
        ("seconds", InternalTraversal.dp_plain_obj),
    ]
    name = "database_now"

    def __init__(self, seconds: int = 0) -> None:
        self.seconds = int(seconds)
        super().__init__()


@compiles(database_now)
def _postgresql(element: database_now, compiler: Any, **kw: Any) -> str:
    if not element.seconds:
        return "statement_timestamp()"
    return f"(statement_timestamp() + make_interval(secs => {element.seconds}))"


@compiles(database_now, "sqlite")
def _sqlite(element: database_now, compiler: Any, **kw: Any) -> str:
    return f"(strftime('%Y-%m-%d %H:%M:%f', 'now', '{element.seconds:+d} seconds') || '000')"
