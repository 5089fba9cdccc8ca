"""Pipeline-specific domain errors, on top of ``backend.services.errors``."""

from __future__ import annotations

from backend.services.errors import DomainError


class Unprocessable(DomainError):
    """Input that is well-formed JSON but cannot be used (bad base64, mismatched ids).

    Answered like a request validation error (422, ``errors`` per field), so clients handle
    both the same way."""

    status_code = 422
    code = "validation_error"

    def __init__(self, message: str, *, field: str, code: str | None = None) -> None:
        super().__init__(message, code=code, errors=[{"field": field, "message": message}])
