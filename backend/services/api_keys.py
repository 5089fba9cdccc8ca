"""Organisation API keys: shown once, stored as SHA-256, scoped, revocable (a revoked key stops
working at once in this process, within a few seconds in others: ``verified_keys``)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlmodel import Session, col, select

from backend.models import ApiKey, ApiScope
from backend.models.base import utcnow
from backend.services.errors import InvalidInput
from backend.services.hashing import sha256_hex
from backend.services.ownership import get_owned
from backend.services.pagination import DEFAULT_PAGE_SIZE, Page, paginate
from backend.services.verified_keys import VerifiedKey, forget, recall, remember

KEY_PREFIX = "tl_sk_"


def parse_scope(scope: str) -> ApiScope:
    try:
        return ApiScope(scope)
    except ValueError as exc:
        allowed = ", ".join(s.value for s in ApiScope)
        raise InvalidInput(f"Unknown scope {scope!r}; use one of {allowed}.") from exc


def create_api_key(
    session: Session,
    *,
    org_id: str,
    scope: ApiScope | str = ApiScope.all,
    name: str = "",
    created_by: str | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; returns the row and the raw key, which is never available again."""
    scope = parse_scope(scope)
    raw = f"{KEY_PREFIX}{scope.value}_{secrets.token_hex(16)}"
    api_key = ApiKey(
        org_id=org_id,
        name=name.strip()[:255],
        scope=scope,
        key_hash=sha256_hex(raw),
        display_prefix=raw[: len(KEY_PREFIX) + len(scope.value) + 5] + "…",
        created_by=created_by,
    )
    session.add(api_key)
    session.commit()
    session.refresh(api_key)
    return api_key, raw


def _well_formed(raw: str) -> bool:
    return raw.startswith(KEY_PREFIX) and len(raw) <= 128


def key_for_secret(session: Session, *, raw: str) -> ApiKey | None:
    """The live key with this secret, or None for unknown and revoked keys."""
    if not _well_formed(raw):
        return None
    api_key = session.exec(select(ApiKey).where(ApiKey.key_hash == sha256_hex(raw))).first()
    if api_key is None or api_key.revoked_at is not None:
        return None
    return api_key


def recently_verified(raw: str) -> VerifiedKey | None:
    """The live key with this secret if this process read it from the database a few seconds
    ago (``backend.services.verified_keys``); None means: ask ``verify_key``."""
    return recall(sha256_hex(raw)) if _well_formed(raw) else None


def verify_key(session: Session, *, raw: str) -> VerifiedKey | None:
    """The live key with this secret, or None for unknown and revoked keys: recently verified,
    or read from the database, its use recorded (``touch``) and remembered for a few seconds."""
    if (known := recently_verified(raw)) is not None:
        return known
    api_key = key_for_secret(session, raw=raw)
    if api_key is None:
        return None
    verified = VerifiedKey(id=api_key.id, org_id=api_key.org_id, scope=api_key.scope)
    key_hash = api_key.key_hash
    touch(session, api_key=api_key)
    remember(key_hash, verified)
    return verified


LAST_USED_RESOLUTION = timedelta(minutes=5)


def touch(session: Session, *, api_key: ApiKey) -> None:
    """Record that the key was used; at most one write per key every few minutes, so reads
    stay reads on SQLite."""
    now = utcnow()
    if api_key.last_used_at is not None and now - api_key.last_used_at < LAST_USED_RESOLUTION:
        return
    api_key.last_used_at = now
    session.add(api_key)
    session.commit()


def list_api_keys(session: Session, *, org_id: str) -> list[ApiKey]:
    statement = select(ApiKey).where(ApiKey.org_id == org_id)
    return list(session.exec(statement.order_by(col(ApiKey.created_at), col(ApiKey.id))))


def page_of_api_keys(
    session: Session, *, org_id: str, page: int, size: int = DEFAULT_PAGE_SIZE
) -> Page[ApiKey]:
    """One page of the organisation's keys, newest first (the web app's table)."""
    statement = select(ApiKey).where(ApiKey.org_id == org_id)
    newest_first = statement.order_by(col(ApiKey.created_at).desc(), col(ApiKey.id).desc())
    return paginate(session, newest_first, page=page, size=size, clamp=True)


def revoke_api_key(session: Session, *, org_id: str, key_id: str) -> ApiKey:
    api_key = get_owned(session, ApiKey, key_id, org_id=org_id, message="API key not found.")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        session.add(api_key)
        session.commit()
        session.refresh(api_key)
    forget(api_key.id)  # at once here; other processes within verified_keys.VERIFIED_FOR_S
    return api_key


def scope_allows(key_scope: ApiScope, needed: ApiScope) -> bool:
    return key_scope == ApiScope.all or key_scope == needed
