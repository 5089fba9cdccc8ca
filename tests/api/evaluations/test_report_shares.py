"""Read-only report links: created, listed and revoked through the API; a link opens only while
it is live, and a link of one report never opens another."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.db import session_scope
from backend.models import ReportShare
from backend.models.base import utcnow
from backend.services.errors import NotFound
from backend.services.evaluations import report_shares
from tests.api.evaluations.helpers import API, finish_automated, submit
from tests.helpers import make_org


def _token(url: str) -> str:
    assert "/shared/" in url
    return url.rsplit("/shared/", 1)[1]


def _open(token: str) -> str:
    with session_scope() as db:
        _share, evaluation = report_shares.open_share(db, token=token)
        return evaluation.id


def test_a_link_opens_the_report_until_it_is_revoked(client):
    org = make_org()
    evaluation_id = submit(client, org)["id"]
    finish_automated(evaluation_id)
    path = f"{API}/evaluations/{evaluation_id}/share-links"

    created = client.post(path, json={"expires_in_days": 3}, headers=org.headers)
    assert created.status_code == 201, created.text
    link = created.json()
    token = _token(link["url"])
    assert _open(token) == evaluation_id
    assert _open(token) == evaluation_id

    listed = client.get(path, headers=org.headers).json()["share_links"]
    assert [(s["id"], s["opened_count"], s["url"]) for s in listed] == [(link["id"], 2, None)]

    revoked = client.delete(f"{path}/{link['id']}", headers=org.headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    with pytest.raises(NotFound, match="expired or was revoked"):
        _open(token)


def test_expired_altered_and_foreign_links_do_not_open(client):
    org, other = make_org(), make_org()
    evaluation_id = submit(client, org)["id"]
    path = f"{API}/evaluations/{evaluation_id}/share-links"
    link = client.post(path, headers=org.headers).json()
    token = _token(link["url"])

    # A token is signed: changing one character, or naming another share id, is refused.
    # (The signature's first character, not its last: the last base64 character carries two
    # unused bits, so some changes to it decode to the very same signature.)
    payload, signature = token.rsplit(".", 1)
    altered = f"{payload}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    for bad in (altered, "not-a-token", ""):
        with pytest.raises(NotFound):
            _open(bad)

    with session_scope() as db:
        row = db.get(ReportShare, link["id"])
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.add(row)
        db.commit()
    with pytest.raises(NotFound):
        _open(token)

    # Another organisation can neither share, list nor revoke this report's links.
    assert client.post(path, headers=other.headers).status_code == 404
    assert client.get(path, headers=other.headers).status_code == 404
    assert client.delete(f"{path}/{link['id']}", headers=other.headers).status_code == 404
    too_long = client.post(path, json={"expires_in_days": 31}, headers=org.headers)
    assert too_long.status_code == 422
