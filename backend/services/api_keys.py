"""Organisation API keys: shown once, stored as SHA-256, scoped, revocable."""

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


def key_for_secret(session: Session, *, raw: str) -> ApiKey | None:
    """The live key with this secret, or None for unknown and revoked keys."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > 128:
        return None
    api_key = session.exec(select(ApiKey).where(ApiKey.key_hash == sha256_hex(raw))).first()
    if api_key is None or api_key.revoked_at is not None:
        return None
    return api_key


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
    return api_key


def scope_allows(key_scope: ApiScope, needed: ApiScope) -> bool:
    return key_scope == ApiScope.all or key_scope == needed
