"""SHA-256 of secrets we must recognise but never store: API keys and web session tokens."""

from __future__ import annotations

import hashlib


def sha256_hex(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
