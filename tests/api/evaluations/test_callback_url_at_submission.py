"""A callback URL that delivery would refuse is refused when the evaluation is submitted (422,
with the reason), unless the installation allows private addresses."""

from __future__ import annotations

import pytest

from backend.settings import get_settings
from tests.api.evaluations.helpers import API
from tests.helpers import make_org

BODY = {
    "candidate_ref": "CAND-1",
    "target_role": "Backend Engineer",
    "target_level": "senior",
    "artefact": {"type": "github_repo", "url": "https://git.example.com/c/take-home.git"},
}


def _submit(client, org, callback_url: str):
    return client.post(
        f"{API}/evaluations", headers=org.headers, json={**BODY, "callback_url": callback_url}
    )


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("http://127.0.0.1:8080/hook", "127.0.0.1"),
        ("http://localhost/hook", "127.0.0.1"),
        ("https://10.1.2.3/hook", "10.1.2.3"),
        ("https://192.168.0.10/hook", "192.168.0.10"),
        ("http://169.254.169.254/latest/meta-data", "169.254.169.254"),
        ("http://[::1]:9000/hook", "::1"),
    ],
)
def test_a_private_callback_is_refused_at_submission(client, url, address):
    org = make_org()
    answer = _submit(client, org, url)
    assert answer.status_code == 422
    body = answer.json()
    assert body["error"] == "validation_error"
    [field] = body["errors"]
    assert field["field"] == "callback_url"
    assert f"non-public address {address}" in field["message"]
    assert "only sent to public addresses" in field["message"]
    # Nothing was created.
    listed = client.get(f"{API}/evaluations", headers=org.headers).json()
    assert listed["total"] == 0


def test_a_public_name_is_accepted_even_when_it_does_not_resolve_yet(client):
    # No DNS here: delivery resolves the name again, and retries, as before.
    answer = _submit(client, make_org(), "https://ats.example.com/hooks/truelevel")
    assert answer.status_code == 202


def test_the_installation_setting_allows_private_callbacks(client, monkeypatch):
    monkeypatch.setenv("TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS", "true")
    get_settings.cache_clear()
    try:
        answer = _submit(client, make_org(), "http://127.0.0.1:8080/hook")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
    assert answer.status_code == 202
