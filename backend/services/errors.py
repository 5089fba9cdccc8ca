"""Domain errors. Services raise these; the API turns them into each contract's error shape
(backend/api/errors.py) and the web app shows their message."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session


class DomainError(Exception):
    status_code = 400
    code = "invalid_request"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.extra = extra


class InvalidInput(DomainError):
    status_code = 400
    code = "invalid_request"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class Unauthorized(DomainError):
    status_code = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class PayloadTooLarge(DomainError):
    """An upload over its cap (resumes, zips, recordings, answers), declared or counted."""

    status_code = 413
    code = "payload_too_large"


class PaymentRequired(DomainError):
    status_code = 402
    code = "payment_required"


@contextmanager
def conflict_on_duplicate(
    session: Session | Connection, *, message: str, code: str = "conflict"
) -> Iterator[None]:
    """Writes inside that break a unique constraint (two requests creating the same thing at
    once) become 409, the transaction rolled back (if any: a connection in AUTOCOMMIT has
    none)."""
    try:
        yield
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(message, code=code) from exc


def commit_or_conflict(session: Session, *, message: str, code: str = "conflict") -> None:
    """Commit; a unique-constraint race (two requests creating the same thing) becomes 409."""
    with conflict_on_duplicate(session, message=message, code=code):
        session.commit()
