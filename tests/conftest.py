"""Test set-up: a real database (SQLite file by default, PostgreSQL when
TRUELEVEL_TEST_DATABASE_URL is set), migrated with Alembic, and the real API over HTTP."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="truelevel-tests-"))
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
os.environ["TRUELEVEL_DATA_DIR"] = str(_TMP / "data")
os.environ["TRUELEVEL_DATABASE_URL"] = os.environ.get(
    "TRUELEVEL_TEST_DATABASE_URL", f"sqlite:///{_TMP / 'test.db'}"
)
os.environ.setdefault("TRUELEVEL_SECRET_KEY", "test-secret-key")
for _name in ("TRUELEVEL_REDIS_URL", "TRUELEVEL_SMTP_HOST", "TRUELEVEL_OIDC_ISSUER"):
    os.environ.pop(_name, None)


def _reset_database(url: str) -> None:
    """Start PostgreSQL runs from an empty schema so the migrations are what is tested."""
    if url.startswith("sqlite"):
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def migrated_database() -> str:
    from backend.db import migrate

    url = os.environ["TRUELEVEL_DATABASE_URL"]
    _reset_database(url)
    migrate(url)
    return url


@pytest.fixture(scope="session")
def api_app():
    from backend.api import create_api

    return create_api()


@pytest.fixture()
def client(api_app):
    from fastapi.testclient import TestClient

    with TestClient(api_app) as test_client:
        yield test_client


@pytest.fixture()
def db():
    from backend.db import session_scope

    with session_scope() as session:
        yield session


_SESSION_UMASK = os.umask(0o022)
os.umask(_SESSION_UMASK)


@pytest.fixture(autouse=True)
def _session_umask():
    """Every test starts with the session's umask: the CLI's ``main`` (called in process by
    some tests) makes its process's files private (umask 077), which would otherwise leak into
    later tests' files (a toolchain the sandbox's user must read, say)."""
    os.umask(_SESSION_UMASK)
    yield
    os.umask(_SESSION_UMASK)


@pytest.fixture(autouse=True)
def _no_earlier_failed_checks(migrated_database):
    """Every test starts with no failed sign-ins or candidate-key checks on record: the whole
    suite calls from one address, and lockouts are what some tests are about."""
    from sqlalchemy import delete

    from backend.db import session_scope
    from backend.models import SignInAttempt

    with session_scope() as session:
        session.execute(delete(SignInAttempt))
        session.commit()
    from backend.services import api_rate_limit

    api_rate_limit.reset()


@pytest.fixture()
def local_urls_allowed():
    """Callbacks and webhooks may go to this machine's own addresses (a test's receiver,
    ``tests.webhook_receiver``)."""
    from backend.settings import get_settings

    mp = pytest.MonkeyPatch()
    mp.setenv("TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS", "true")
    get_settings.cache_clear()
    yield
    mp.undo()
    get_settings.cache_clear()


@pytest.fixture()
def disposable_org():
    """An organisation whose evaluations are removed afterwards: left pending with no worker,
    hundreds of them would fill the minute sweep's batch in the tests that come later."""
    from sqlmodel import col, delete

    from backend.db import session_scope
    from backend.models import Evaluation
    from tests.helpers import make_org

    handle = make_org()
    yield handle
    with session_scope() as session:
        session.exec(delete(Evaluation).where(col(Evaluation.org_id) == handle.org_id))
        session.commit()
