"""One secret per installation: hosts with separate data folders on the same database sign and
verify with the same key, and a host with no secret refuses to start. Each host is a process of
its own (``tests.installation_host``) without ``TRUELEVEL_SECRET_KEY``, on the test database
(SQLite, or PostgreSQL with TRUELEVEL_TEST_DATABASE_URL)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from oidc_provider_mock import run_server_in_thread
from sqlmodel import delete

from backend.db import get_engine, session_scope
from backend.models.installation import InstallationSecret
from backend.secret_key import stored_secret_key
from backend.services.organisations import add_member
from tests.helpers import make_org

ROOT = Path(__file__).resolve().parents[1]


def _forget_stored_secret() -> None:
    with session_scope() as session:
        session.exec(delete(InstallationSecret))
        session.commit()


@pytest.fixture()
def no_stored_secret():
    """The test database without a migrated secret, before and after (other tests sign with
    TRUELEVEL_SECRET_KEY, which wins over a stored one anyway)."""
    _forget_stored_secret()
    yield
    _forget_stored_secret()


def _host_env(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TRUELEVEL_SECRET_KEY"}
    env["TRUELEVEL_DATA_DIR"] = str(data_dir)
    env.update({f"TRUELEVEL_{name.upper()}": value for name, value in settings.items()})
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _host(env: dict[str, str], *args: str) -> object:
    done = _run(env, "-m", "tests.installation_host", *args)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _migrate(env: dict[str, str]) -> str:
    done = _run(env, "-m", "backend.cli", "migrate")
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_a_host_without_a_secret_refuses_to_start(no_stored_secret, tmp_path):
    done = _run(_host_env(tmp_path / "host"), "-m", "tests.installation_host", "start")
    assert done.returncode != 0
    assert "truelevel cannot start" in done.stderr
    assert "TRUELEVEL_SECRET_KEY" in done.stderr and "backend.cli migrate" in done.stderr
    # It invented no key of its own either.
    assert not (tmp_path / "host" / "secret_key").exists()
    assert stored_secret_key(get_engine()) is None


def test_callbacks_signed_on_one_host_verify_with_the_secret_another_hands_out(
    no_stored_secret, tmp_path
):
    host_a = _host_env(tmp_path / "a")
    host_b = _host_env(tmp_path / "b")
    assert "created in the database" in _migrate(host_a)
    assert "kept the one in the database" in _migrate(host_b)  # a second deploy step

    org_id = make_org().org_id
    secret_a = _host(host_a, "callback-secret", org_id)
    secret_b = _host(host_b, "callback-secret", org_id)
    assert secret_a == secret_b
    assert secret_a != _host(host_a, "callback-secret", make_org().org_id)  # per organisation

    body = json.dumps({"evaluationId": "ev-1", "status": "completed"})
    headers = _host(host_a, "sign", org_id, f"msg_{uuid.uuid4().hex}", body)
    assert _host(host_b, "verify", org_id, body, json.dumps(headers)) is True
    # What a receiver holding the secret host B handed out computes, independently of our code.
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.{body}".encode()
    key = base64.b64decode(str(secret_b).removeprefix("whsec_"))
    digest = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{digest}"


def test_single_sign_on_started_on_one_host_finishes_on_another(no_stored_secret, tmp_path):
    org = make_org()
    email = f"rita-{uuid.uuid4().hex[:6]}@example.com"
    with session_scope() as session:
        add_member(session, org_id=org.org_id, email=email, role="reviewer")
    with run_server_in_thread() as server:
        issuer = f"http://localhost:{server.server_port}"
        oidc = {
            "oidc_issuer": issuer,
            "oidc_client_id": "truelevel-test",
            "oidc_client_secret": "s3cret",
            "public_url": "http://testserver",
        }
        host_a = _host_env(tmp_path / "a", **oidc)
        host_b = _host_env(tmp_path / "b", **oidc)
        _migrate(host_a)
        subject = f"sub-{uuid.uuid4().hex[:10]}"
        claims = {"email": email, "email_verified": True}
        httpx.put(f"{issuer}/users/{subject}", json=claims, timeout=10).raise_for_status()

        start = _host(host_a, "sso-login")
        consent = httpx.post(start["location"], data={"sub": subject}, follow_redirects=False)
        back = urlparse(consent.headers["location"])
        assert back.path == "/auth/oidc/callback"
        # The load balancer sends the person back to the other host, which reads the state.
        done = _host(host_b, "sso-callback", start["cookie"], f"{back.path}?{back.query}")
    assert done == {"status": 303, "location": "/dashboard"}


def test_migrate_keeps_the_key_an_older_version_generated(no_stored_secret, tmp_path):
    host = _host_env(tmp_path / "host")
    (tmp_path / "host").mkdir()
    (tmp_path / "host" / "secret_key").write_text("the-key-this-host-used-before\n")
    assert "stored the one from" in _migrate(host)
    assert stored_secret_key(get_engine()) == "the-key-this-host-used-before"


def test_with_the_environment_secret_migrate_stores_none(no_stored_secret, tmp_path):
    env = {**_host_env(tmp_path / "host"), "TRUELEVEL_SECRET_KEY": "from-the-environment"}
    assert "TRUELEVEL_SECRET_KEY (nothing stored)" in _migrate(env)
    assert stored_secret_key(get_engine()) is None
