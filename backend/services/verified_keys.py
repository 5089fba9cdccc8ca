"""Organisation API keys this process verified a moment ago, so a client's next requests are
authenticated without reading the database (and, in the API, without a thread hop).

An entry lives ``VERIFIED_FOR_S`` seconds, then the key is read from the database again (and
``last_used_at`` recorded as usual). Revoking a key forgets it at once in the process that
revoked it; other processes (more API workers, another host) refuse it within
``VERIFIED_FOR_S`` seconds. Entries are keyed by the key's SHA-256, as the database keeps it:
no raw key is held."""

from __future__ import annotations

import time
from dataclasses import dataclass

from backend.models import ApiScope

VERIFIED_FOR_S = 5.0
MAX_ENTRIES = 4096  # keys in use at once in one process; past that, expired entries are dropped


@dataclass(frozen=True)
class VerifiedKey:
    """What authentication needs of a live key."""

    id: str
    org_id: str
    scope: ApiScope


_entries: dict[str, tuple[float, VerifiedKey]] = {}


def recall(key_hash: str) -> VerifiedKey | None:
    """The key with this hash if it was verified less than ``VERIFIED_FOR_S`` seconds ago."""
    entry = _entries.get(key_hash)
    if entry is None:
        return None
    until, key = entry
    if time.monotonic() >= until:
        _entries.pop(key_hash, None)
        return None
    return key


def remember(key_hash: str, key: VerifiedKey) -> None:
    """Record that the key with this hash is live (just read from the database)."""
    if len(_entries) >= MAX_ENTRIES:
        now = time.monotonic()
        for stale in [h for h, (until, _) in list(_entries.items()) if until <= now]:
            _entries.pop(stale, None)
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
    _entries[key_hash] = (time.monotonic() + VERIFIED_FOR_S, key)


def forget(key_id: str) -> None:
    """Drop the key with this id (revoked): its next use reads the database."""
    for key_hash, (_, key) in list(_entries.items()):
        if key.id == key_id:
            _entries.pop(key_hash, None)


def forget_all() -> None:
    _entries.clear()
