"""The cluster test needs what a cluster needs: PostgreSQL (``TRUELEVEL_TEST_DATABASE_URL``) and
Redis (``TRUELEVEL_TEST_REDIS_URL``), as CI provides them; the S3-compatible store is moto's
server, started here. Without them the test is skipped, saying which one is missing."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cluster.installation import Installation
from tests.s3_server import running_s3_server


def _postgresql() -> str:
    url = os.environ.get("TRUELEVEL_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("a cluster needs PostgreSQL: set TRUELEVEL_TEST_DATABASE_URL=postgresql+…")
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        pytest.skip(f"PostgreSQL at TRUELEVEL_TEST_DATABASE_URL is not reachable: {error}")
    finally:
        engine.dispose()
    return url


def _redis() -> str:
    url = os.environ.get("TRUELEVEL_TEST_REDIS_URL", "")
    if not url:
        pytest.skip("a cluster needs Redis: set TRUELEVEL_TEST_REDIS_URL=redis://…")
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis at TRUELEVEL_TEST_REDIS_URL is not reachable: {error}")
    finally:
        client.close()
    return url


@pytest.fixture()
def installation(tmp_path: Path) -> Iterator[Installation]:
    """An installation with nothing running yet: shared settings for a fresh schema, queue name
    and bucket; every host it starts is stopped and every trace removed afterwards."""
    database_url, redis_url = _postgresql(), _redis()
    with running_s3_server() as s3:
        cluster = Installation(
            tmp_path, database_url=database_url, redis_url=redis_url, s3=s3, bucket=s3.new_bucket()
        )
        try:
            yield cluster
        finally:
            cluster.close()
