"""Typed dependencies: the database session and the calling principal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends
from fastapi.concurrency import run_in_threadpool
from fastapi.security import (
    HTTPAuthorizationCredentials,
    HTTPBasic,
    HTTPBasicCredentials,
    HTTPBearer,
)
from sqlalchemy import Connection
from sqlmodel import Session

from backend.api.admission import key_check_slot, session_slot
from backend.db import get_engine, session_scope
from backend.models import ApiScope
from backend.services import api_keys
from backend.services.candidate_keys import usable_candidate_key
from backend.services.errors import Forbidden, Unauthorized


@asynccontextmanager
async def request_session() -> AsyncIterator[Session]:
    """A request's session, opened once the request holds one of the process's session slots
    (waiting for one costs no thread and no connection) and closed before the slot is given
    back, so a request never waits for a pooled connection that only a waiting request could
    release. The close runs in a thread of its own when it has a transaction to end. Async
    routes open it where they need it (FastAPI's dependency with ``yield`` costs more than the
    session); sync routes take ``SessionDep``."""
    async with session_slot():
        session = Session(get_engine())
        try:
            yield session
        finally:
            with anyio.CancelScope(shield=True):
                if session.in_transaction():
                    await anyio.to_thread.run_sync(session.close, limiter=anyio.CapacityLimiter(1))
                else:
                    session.close()


async def get_session() -> AsyncIterator[Session]:
    """One session per request (``request_session``)."""
    async with request_session() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

T = TypeVar("T")


async def in_thread(session: Session, work: Callable[[], T]) -> T:
    """Run ``work`` (blocking, on ``session``) in one thread hop and end the session's
    transaction there too: its connection is back in the pool before the thread is, and the
    request moves on without another hop. ``work`` returns plain values or views, not rows."""

    def run() -> T:
        try:
            return work()
        finally:
            session.close()  # the session stays usable: a later query opens a new transaction

    return await run_in_threadpool(run)


async def read_by_key(work: Callable[[Connection], T]) -> T:
    """Run ``work``, a read of a few rows by key, on a pooled connection of its own (a session's
    transaction bookkeeping cost more than the read: 130 µs a request on PostgreSQL), within one
    of the request session slots. On SQLite on the event loop: a reader in WAL mode never waits
    for a writer, the slot reserves it a pooled connection, and such a read costs less CPU than
    the thread hop; on a database across a network, in one thread hop."""

    def run() -> T:
        with get_engine().connect() as connection:
            return work(connection)

    async with session_slot():
        if get_engine().dialect.name == "sqlite":
            # One turn to the other requests first: a request answered without ever yielding
            # let a few others wait seconds under hundreds of connections (bench/api.py, p99 at
            # 256 connections: 3.1-3.7 s in half the runs; 0.25-0.9 s with this turn).
            await asyncio.sleep(0)
            return run()
        return await run_in_threadpool(run)


_bearer = HTTPBearer(auto_error=False, description="An organisation API key (tl_sk_…).")


@dataclass(frozen=True)
class Principal:
    """Who is calling: an organisation API key, or a candidate key limited to one assessment."""

    org_id: str
    scope: ApiScope
    api_key_id: str | None = None
    candidate_key_id: str | None = None
    assessment_id: str | None = None

    @property
    def is_candidate(self) -> bool:
        return self.candidate_key_id is not None


def bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    """The bearer token as sent (trimmed), or an empty string."""
    return credentials.credentials.strip() if credentials and credentials.credentials else ""


def _token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if not bearer_token(credentials):
        raise Unauthorized(
            "Missing API key. Send it as 'Authorization: Bearer <key>'.", code="missing_api_key"
        )
    return credentials.credentials.strip()


def _org_principal(session: Session, raw: str, needed: ApiScope) -> Principal:
    key = api_keys.verify_key(session, raw=raw)
    if key is None:
        raise Unauthorized("Invalid or revoked API key.", code="invalid_api_key")
    return _scoped(key, needed)


def _scoped(key: api_keys.VerifiedKey, needed: ApiScope) -> Principal:
    if not api_keys.scope_allows(key.scope, needed):
        raise Forbidden(
            f"This key is scoped to '{key.scope.value}'; this route needs '{needed.value}'.",
            code="insufficient_scope",
        )
    return Principal(org_id=key.org_id, scope=key.scope, api_key_id=key.id)


def _candidate_principal(session: Session, raw: str) -> Principal | None:
    try:
        key, _ = usable_candidate_key(session, raw=raw)
    except Unauthorized:  # not a live candidate key: try it as an organisation key
        return None
    return Principal(
        org_id=key.org_id,
        scope=ApiScope.assessments,
        candidate_key_id=key.id,
        assessment_id=key.assessment_id,
    )


BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def authenticate_org_key(
    session: Session, credentials: HTTPAuthorizationCredentials | None, needed: ApiScope
) -> Principal:
    """The organisation principal for a bearer key allowed to use ``needed`` (401/403 else)."""
    return _org_principal(session, _token(credentials), needed)


async def _checked(check: Callable[[Session], Principal]) -> Principal:
    """A key the cache could not answer, checked in one thread hop on a session of its own,
    closed there (``admission.key_check_slot``): the principal needs no session of the
    request's, so a route that opens its own (``request_session``) costs no dependency for it."""

    def run() -> Principal:
        with session_scope() as session:
            return check(session)

    async with key_check_slot():
        return await run_in_threadpool(run)


def require_scope(needed: ApiScope) -> Callable[..., Awaitable[Principal]]:
    """Dependency: an organisation API key allowed to use the ``needed`` product area. A key
    verified a few seconds ago (``backend.services.verified_keys``) is checked on the event
    loop; any other against the database (``_checked``)."""

    async def dependency(credentials: BearerCredentials) -> Principal:
        if (known := api_keys.recently_verified(bearer_token(credentials))) is not None:
            return _scoped(known, needed)
        return await _checked(lambda session: authenticate_org_key(session, credentials, needed))

    return dependency


def require_scope_or_candidate(needed: ApiScope) -> Callable[..., Awaitable[Principal]]:
    """Dependency: an organisation key as above, or a live candidate key (seed 001 lets the
    candidate CLI read its own assessment)."""

    def authenticate(
        session: Session, credentials: HTTPAuthorizationCredentials | None
    ) -> Principal:
        raw = _token(credentials)
        if not raw.startswith(api_keys.KEY_PREFIX):
            candidate = _candidate_principal(session, raw)
            if candidate is not None:
                return candidate
        return _org_principal(session, raw, needed)

    async def dependency(credentials: BearerCredentials) -> Principal:
        if (known := api_keys.recently_verified(bearer_token(credentials))) is not None:
            return _scoped(known, needed)
        return await _checked(lambda session: authenticate(session, credentials))

    return dependency


AssessmentsPrincipal = Annotated[Principal, Depends(require_scope(ApiScope.assessments))]
AssessmentsOrCandidate = Annotated[
    Principal, Depends(require_scope_or_candidate(ApiScope.assessments))
]
PipelinePrincipal = Annotated[Principal, Depends(require_scope(ApiScope.pipeline))]


_basic = HTTPBasic(
    auto_error=False,
    description="An ATS (Greenhouse, Ashby): an organisation API key as the username, no password.",
)


@dataclass(frozen=True)
class AtsPartner:
    """An ATS calling with one of the organisation's API keys (HTTP Basic)."""

    principal: Principal
    api_key: str  # as sent: Greenhouse's completion PATCH carries the same credentials


def authenticate_ats(session: Session, credentials: HTTPBasicCredentials | None) -> AtsPartner:
    raw = credentials.username.strip() if credentials and credentials.username else ""
    if not raw:
        raise Unauthorized(
            "Missing API key. Send an organisation API key as the HTTP Basic username.",
            code="missing_api_key",
        )
    return AtsPartner(_org_principal(session, raw, ApiScope.assessments), raw)


async def _ats_partner(
    session: SessionDep,
    credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)],
) -> AtsPartner:
    return await run_in_threadpool(authenticate_ats, session, credentials)


AtsPartnerDep = Annotated[AtsPartner, Depends(_ats_partner)]
