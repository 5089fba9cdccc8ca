"""Uploads are throttled per address and per credential, and the API per key (429
``rate_limited`` with ``Retry-After``); the API's limit is counted in Redis when one is set, so
every host counts together."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from backend.db import session_scope
from backend.services import api_rate_limit, throttle
from backend.services.upload_throttle import admit_upload
from tests.api.evaluations.helpers import API, zip_bytes
from tests.helpers import make_org


def _upload(client, headers):
    return client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("take-home.zip", zip_bytes(), "application/zip")},
        headers=headers,
    )


def test_a_key_that_uploaded_too_much_waits_and_others_do_not(client):
    org, other = make_org(), make_org()
    token = org.api_key
    with session_scope() as db:  # the earlier uploads of this key, from elsewhere
        for _ in range(throttle.CREDENTIAL_UPLOAD.limit - 1):
            admit_upload(db, address="10.0.0.9", credential=token)
    assert _upload(client, org.headers).status_code == 201  # the last one allowed
    refused = _upload(client, org.headers)
    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert _upload(client, other.headers).status_code == 201


def test_an_address_that_uploaded_too_much_waits(client):
    org = make_org()
    with session_scope() as db:
        for _ in range(throttle.ADDRESS_UPLOAD.limit):
            admit_upload(db, address="testclient", credential=None)
    refused = _upload(client, org.headers)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


@pytest.fixture()
def api_limit(settings_env):
    def apply(per_minute: int, **more: str) -> None:
        settings_env(API_RATE_LIMIT_PER_MINUTE=str(per_minute), **more)
        api_rate_limit.reset()

    return apply


def test_an_api_key_past_its_rate_is_refused_until_the_minute_ends(client, api_limit):
    api_limit(5)
    org, other = make_org(), make_org()
    answers = [client.get(f"{API}/evaluations", headers=org.headers) for _ in range(6)]
    assert [a.status_code for a in answers] == [200] * 5 + [429]
    refused = answers[-1]
    assert refused.json()["error"] == "rate_limited"
    assert "API key" in refused.json()["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.headers.get("X-Content-Type-Options") == "nosniff"  # still our answer
    assert client.get(f"{API}/evaluations", headers=other.headers).status_code == 200
    api_limit(0)  # 0: no limit
    assert client.get(f"{API}/evaluations", headers=org.headers).status_code == 200


def test_the_default_limit_leaves_a_busy_integrator_alone(client):
    org = make_org()
    codes = {client.get(f"{API}/evaluations", headers=org.headers).status_code for _ in range(300)}
    assert codes == {200}


def test_with_redis_every_host_counts_together(api_limit):
    url = os.environ.get("TRUELEVEL_TEST_REDIS_URL")
    if not url:
        pytest.skip("TRUELEVEL_TEST_REDIS_URL is not set")
    api_limit(5, REDIS_URL=url, QUEUE_NAME=f"rate-{uuid.uuid4().hex[:8]}")
    key = f"tl_sk_{uuid.uuid4().hex}"

    async def hits(n: int) -> list[int | None]:
        return [await api_rate_limit.over_limit(key, now=1_000_040.0) for _ in range(n)]

    assert asyncio.run(hits(3)) == [None] * 3
    api_rate_limit.reset()  # another process: its own memory, the same Redis
    assert asyncio.run(hits(3)) == [None, None, 40]
