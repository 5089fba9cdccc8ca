"""Password hashing with Argon2id (argon2-cffi's recommended parameters).

Hashing is deliberately slow (tens of milliseconds of CPU and 64 MiB each), so it must never run
on an event loop: async callers (the web app's event handlers) run the whole sign-in or
password-setting step in a worker thread (``asyncio.to_thread``). argon2-cffi releases the GIL
while it hashes, and at most ``HASHING_SLOTS`` hashes run at once, so a flood of sign-ins
queues in threads instead of taking every core from the pages and the API."""

from __future__ import annotations

import os
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

# Half the cores (at least one) may hash at the same moment; the rest keep serving.
HASHING_SLOTS = max(1, (os.cpu_count() or 2) // 2)
_slots = threading.BoundedSemaphore(HASHING_SLOTS)

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    with _slots:
        return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        return False
    try:
        with _slots:
            return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > 1024:
        return "Use at most 1024 characters."
    return None
