"""Tenant webhook secrets at rest: sealed (Fernet: AES-128-CBC with HMAC-SHA256) with a key
derived from the installation's one secret, ``HMAC-SHA256(secret_key(), "truelevel tenant
webhook secrets v1")``; unsealed only to sign a delivery. A stored value is
``sealed:v1:<token>``; a value without that prefix was stored in clear before secrets were
sealed and is read as it is (it is sealed when the webhook's secret is next set). Changing the
installation's secret makes sealed secrets unreadable: the tenants must send theirs again."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

from backend.secret_key import secret_key

PREFIX = "sealed:v1:"
_LABEL = b"truelevel tenant webhook secrets v1"


def _fernet() -> Fernet:
    key = hmac.new(secret_key().encode(), _LABEL, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    """The value to store for ``secret``."""
    return PREFIX + _fernet().encrypt(secret.encode()).decode()


def unseal(stored: str) -> str:
    """The secret a stored value holds (raises ``cryptography.fernet.InvalidToken`` when it was
    sealed under another installation secret)."""
    if not stored.startswith(PREFIX):
        return stored
    return _fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()


def unseal_or_none(stored: str) -> str | None:
    """The secret a stored value holds, or None when it cannot be read any more."""
    try:
        return unseal(stored)
    except InvalidToken:
        return None
