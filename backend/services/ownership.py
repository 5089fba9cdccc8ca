"""Organisation isolation in one place: an organisation reads and changes only its own rows,
and another organisation's id is answered exactly like a missing one."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Select, bindparam, select
from sqlalchemy.engine import Row as ColumnsRow
from sqlmodel import Session

from backend.models.base import plausible_id
from backend.services.errors import NotFound


class _Owned(Protocol):
    org_id: str


Row = TypeVar("Row", bound=_Owned)


def find_owned(
    session: Session, model: type[Row], row_id: str | None, *, org_id: str
) -> Row | None:
    """The row with this id when it belongs to the organisation; None otherwise."""
    if not plausible_id(row_id):
        return None
    row = session.get(model, row_id)
    return row if row is not None and row.org_id == org_id else None


def get_owned(
    session: Session,
    model: type[Row],
    row_id: str | None,
    *,
    org_id: str,
    message: str,
    code: str = "not_found",
) -> Row:
    """The row with this id when it belongs to the organisation; NotFound otherwise."""
    row = find_owned(session, model, row_id, org_id=org_id)
    if row is None:
        raise NotFound(message, code=code)
    return row


def get_owned_columns(
    connection: Connection,
    query: Select[Any],
    row_id: str | None,
    *,
    org_id: str,
    message: str,
    code: str = "not_found",
) -> ColumnsRow[Any]:
    """As ``get_owned``, for a hot read: ``query`` (built once by ``owned_columns_query``) reads
    only the columns a view needs, through Core, with no ORM object (nor session) to build."""
    row = None
    if plausible_id(row_id):
        row = connection.execute(query, {"row_id": row_id, "org_id": org_id}).first()
    if row is None:
        raise NotFound(message, code=code)
    return row


def owned_columns_query(model: Any, columns: tuple[str, ...]) -> Select[Any]:
    """The query ``get_owned_columns`` runs: ``columns`` of ``model``'s row with the id bound as
    ``row_id`` when the organisation bound as ``org_id`` owns it. Build it once: a statement
    made per request costs as much again to make and to key in the compiled-SQL cache."""
    table = model.__table__
    return select(*(table.c[name] for name in columns)).where(
        table.c.id == bindparam("row_id"), table.c.org_id == bindparam("org_id")
    )
