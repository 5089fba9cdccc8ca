"""Uploads count against their organisation's and candidate key's quota of stored bytes: over it
the upload is refused (413 ``storage_quota_exceeded`` with the numbers), nothing is stored, and
what is deleted no longer counts. Two uploads racing for the last free bytes cannot both win."""

from __future__ import annotations

import os
import threading
import uuid

from backend.db import session_scope
from backend.services import storage_quota
from backend.services.storage import get_storage
from tests.api.assessments.helpers import create_assessment, generate_keys, redeem
from tests.api.evaluations.helpers import API, zip_bytes
from tests.helpers import bearer, make_org

MB = 1024 * 1024


def _zip_of(size: int) -> bytes:
    return zip_bytes({"data.bin": os.urandom(size)}, stored=True)


def _upload(client, token: str, content: bytes):
    return client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("take-home.zip", content, "application/zip")},
        headers=bearer(token),
    )


def test_an_organisation_over_its_quota_is_refused_and_deleted_files_free_the_space(
    client, settings_env
):
    settings_env(ORG_STORAGE_QUOTA_MB="1")
    org = make_org()
    first = _upload(client, org.api_key, _zip_of(600 * 1024))
    assert first.status_code == 201, first.text
    stored = set(get_storage().keys("uploads/evaluations"))

    refused = _upload(client, org.api_key, _zip_of(600 * 1024))
    assert refused.status_code == 413
    body = refused.json()
    assert body["error"] == "storage_quota_exceeded"
    assert body["scope"] == "organisation"
    assert body["quota_bytes"] == MB
    assert body["used_bytes"] == first.json()["size"]
    assert "quota" in body["message"].lower()
    assert set(get_storage().keys("uploads/evaluations")) == stored  # nothing stored

    # Another organisation has its own quota.
    assert _upload(client, make_org().api_key, _zip_of(600 * 1024)).status_code == 201

    # The retention sweep (or anyone) deletes the first zip: its bytes are free again.
    get_storage().delete(f"uploads/evaluations/{first.json()['upload_id']}.zip")
    with session_scope() as db:
        assert storage_quota.used_bytes(db, org_id=org.org_id) == 0
    again = _upload(client, org.api_key, _zip_of(600 * 1024))
    assert again.status_code == 201, again.text


def test_a_candidate_key_has_its_own_quota(client, settings_env):
    settings_env(KEY_UPLOAD_QUOTA_MB="1")
    org = make_org()
    assessment = create_assessment(client, org)
    key, other = generate_keys(client, org, assessment["id"], count=2)
    for k in (key, other):
        assert redeem(client, k["key"]).status_code == 201

    assert _upload(client, key["key"], _zip_of(700 * 1024)).status_code == 201
    refused = _upload(client, key["key"], _zip_of(700 * 1024))
    assert refused.status_code == 413
    assert refused.json()["scope"] == "candidate_key"
    assert refused.json()["quota_bytes"] == MB
    # The key's quota is its own: another key of the organisation still uploads.
    assert _upload(client, other["key"], _zip_of(700 * 1024)).status_code == 201
    with session_scope() as db:
        assert storage_quota.used_bytes(db, candidate_key_id=key["id"]) < MB


def test_two_uploads_racing_for_the_last_free_bytes_cannot_both_pass(settings_env):
    settings_env(ORG_STORAGE_QUOTA_MB="1")
    for _ in range(5):
        org = make_org()
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def upload(
            org_id: str = org.org_id,
            barrier: threading.Barrier = barrier,
            outcomes: list[str] = outcomes,
        ) -> None:
            barrier.wait()
            try:
                storage_quota.reserve(
                    org_id=org_id,
                    key=f"uploads/evaluations/{uuid.uuid4().hex}.zip",
                    size=700 * 1024,
                    kind=storage_quota.Kind.zip,
                )
                outcomes.append("stored")
            except storage_quota.StorageQuotaExceeded:
                outcomes.append("refused")

        threads = [threading.Thread(target=upload) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["refused", "stored"]
        with session_scope() as db:
            assert storage_quota.used_bytes(db, org_id=org.org_id) == 700 * 1024


def test_a_new_take_under_the_same_key_counts_once(settings_env):
    settings_env(ORG_STORAGE_QUOTA_MB="1")
    org = make_org()
    key = f"interviews/calls/{uuid.uuid4().hex}/answer-0.webm"
    for size in (600 * 1024, 700 * 1024, 300 * 1024):  # each take replaces the last
        storage_quota.reserve(org_id=org.org_id, key=key, size=size, kind=storage_quota.Kind.answer)
    with session_scope() as db:
        assert storage_quota.used_bytes(db, org_id=org.org_id) == 300 * 1024
    get_storage().delete_prefix(key.rsplit("/", 1)[0])
    with session_scope() as db:
        assert storage_quota.used_bytes(db, org_id=org.org_id) == 0


def test_the_ops_status_says_what_is_stored_and_an_admin_sees_the_quota_use(client, settings_env):
    settings_env(ORG_STORAGE_QUOTA_MB="10")
    org = make_org()
    assert _upload(client, org.api_key, _zip_of(100 * 1024)).status_code == 201
    with session_scope() as db:
        lines = storage_quota.storage_lines(db, org_id=org.org_id)
    assert any(line.startswith("zip: ") and "retention 30 days" in line for line in lines)
    assert lines[-1].startswith("Your organisation: ") and "of 10.0 MB" in lines[-1]
