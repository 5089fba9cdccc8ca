"""Organisation isolation in one place: an organisation reads and changes only its own rows,
and another organisation's id is answered exactly like a missing one."""

from __future__ import annotations

from typing import Protocol, TypeVar

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
