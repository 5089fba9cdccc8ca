"""A candidate key that was never redeemed may not upload (issue 14: such a key stored 100 MB)."""

from __future__ import annotations

from sqlmodel import col, func, select

from backend.db import session_scope
from backend.models.evaluations import EvaluationUpload
from backend.services.storage import get_storage
from tests.api.assessments.helpers import create_assessment, generate_keys, redeem
from tests.api.evaluations.helpers import API, zip_bytes
from tests.helpers import bearer, make_org


def _uploads_of(candidate_key_id: str) -> int:
    with session_scope() as db:
        return db.exec(
            select(func.count())
            .select_from(EvaluationUpload)
            .where(col(EvaluationUpload.candidate_key_id) == candidate_key_id)
        ).one()


def _upload(client, key: str):
    return client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("take-home.zip", zip_bytes(), "application/zip")},
        headers=bearer(key),
    )


def test_an_unredeemed_key_is_refused_and_stores_nothing_then_uploads_once_started(client):
    org = make_org()
    assessment = create_assessment(client, org)
    [key] = generate_keys(client, org, assessment["id"])
    stored_before = set(get_storage().keys("uploads/evaluations"))

    refused = _upload(client, key["key"])
    assert refused.status_code == 409, refused.text
    assert refused.json()["error"] == "session_not_started"
    assert "redeem" in refused.json()["message"]
    assert _uploads_of(key["id"]) == 0
    assert set(get_storage().keys("uploads/evaluations")) == stored_before

    # Refused on the key alone: a declared 100 MB body is not read (nor the 413 reached first).
    declared = client.post(
        f"{API}/evaluations/uploads",
        content=b"x" * 10,
        headers={
            **bearer(key["key"]),
            "content-type": "multipart/form-data; boundary=x",
            "content-length": str(100 * 1024 * 1024),
        },
    )
    assert declared.status_code == 409
    assert declared.json()["error"] == "session_not_started"

    assert redeem(client, key["key"]).status_code == 201
    accepted = _upload(client, key["key"])
    assert accepted.status_code == 201, accepted.text
    assert _uploads_of(key["id"]) == 1


def test_an_organisation_key_still_uploads(client):
    org = make_org()
    response = client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("take-home.zip", zip_bytes(), "application/zip")},
        headers=org.headers,
    )
    assert response.status_code == 201, response.text
