"""What counts as an email address, for the whole code base: any syntactically valid address
with a dot in its domain. Nothing is looked up and no domain is refused for what it is: companies
running their own mail use ``.internal``, ``.local`` or ``.test`` names, which email-validator
refuses by default as special-use domains (``SPECIAL_USE_DOMAIN_NAMES``, which it documents as
the list to override)."""

from __future__ import annotations

from typing import Annotated

import email_validator
from pydantic import AfterValidator, StringConstraints, WithJsonSchema

# The library reads this list at every call; no domain is special here.
email_validator.SPECIAL_USE_DOMAIN_NAMES = []

MAX_EMAIL_LENGTH = 320
# How the OpenAPI document shows an address field.
EMAIL_JSON_SCHEMA = WithJsonSchema(
    {"type": "string", "format": "email", "maxLength": MAX_EMAIL_LENGTH}
)


class InvalidEmail(ValueError):
    """Not an email address; ``reason`` says what is wrong with it."""

    def __init__(self, value: str, reason: str) -> None:
        super().__init__(f"{value[:80]!r} is not a valid email address: {reason}")
        self.reason = reason


def normalised_email(value: str) -> str:
    """``value`` in normal form (domain lower-cased, Unicode NFC); :class:`InvalidEmail` when it
    is not an email address."""
    try:
        return email_validator.validate_email(value.strip(), check_deliverability=False).normalized
    except email_validator.EmailNotValidError as exc:
        raise InvalidEmail(value, str(exc)) from None


def checked_email(value: str) -> str:
    """``value`` unchanged (as another system stored it) once it passed :func:`normalised_email`."""
    normalised_email(value)
    return value


# A field holding an address in normal form.
EmailAddress = Annotated[
    str,
    StringConstraints(max_length=MAX_EMAIL_LENGTH),
    AfterValidator(normalised_email),
    EMAIL_JSON_SCHEMA,
]
