"""Password hashing with Argon2id (argon2-cffi's recommended parameters).

Hashing is deliberately slow (tens of milliseconds of CPU and 64 MiB each), so it must never run
on an event loop: async callers (the web app's event handlers) run the whole sign-in or
password-setting step in a worker thread (``asyncio.to_thread``). argon2-cffi releases the GIL
while it hashes, and at most ``HASHING_SLOTS`` hashes run at once, so a flood of sign-ins
queues in threads instead of taking every core from the pages and the API."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

_hasher = PasswordHasher()

# Half the cores (at least one) may hash at the same moment; the rest keep serving.
HASHING_SLOTS = max(1, (os.cpu_count() or 2) // 2)
_slots = threading.BoundedSemaphore(HASHING_SLOTS)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
# zxcvbn's score, 0-4: 3 is "safely unguessable" (about 10^10 guesses needed), past common
# passwords, keyboard walks, repeats, dates and names. zxcvbn reads at most 72 characters; a
# longer password is judged by its first 72, which it is at least as strong as.
MIN_STRENGTH = 3
_ZXCVBN_MAX = 72
PASSWORD_HINT = f"At least {MIN_PASSWORD_LENGTH} characters, not a common or easily guessed one."


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


def _words(about_the_person: Iterable[str]) -> list[str]:
    """Each value and its parts (``ada.lovelace@acme.test``: ada, lovelace, acme, test)."""
    out: list[str] = []
    for value in about_the_person:
        value = (value or "").strip().lower()
        if value:
            out.append(value)
            out.extend(part for part in re.split(r"[^a-z0-9]+", value) if len(part) >= 3)
    return out


def password_problem(password: str, *, about_the_person: Iterable[str] = ()) -> str | None:
    """Why a new password is refused, in words for the person choosing it, or None when it is
    acceptable: at least 12 characters and not easy to guess (zxcvbn score 3 or more, counting
    ``about_the_person`` (their email, name, organisation) as words an attacker would try).
    Every place a password is set comes here."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters."
    words = _words(about_the_person)
    verdict = zxcvbn(password[:_ZXCVBN_MAX], user_inputs=words)
    if verdict["score"] >= MIN_STRENGTH:
        return None
    feedback = verdict["feedback"]
    reasons = [feedback.get("warning") or "", *feedback.get("suggestions", [])]
    said = " ".join(r.strip() for r in reasons if r.strip())
    advice = said or "Add another word or two. Uncommon words are better."
    return f"This password is too easy to guess. {advice}"
