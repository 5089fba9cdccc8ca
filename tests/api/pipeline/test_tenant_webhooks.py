"""Tenant webhooks: create-or-update, enums as the seed spells them, secrets never returned,
subscribe and unsubscribe, organisation isolation."""

from __future__ import annotations

import pytest

from tests.api.pipeline.builders import API, error_fields, unique
from tests.helpers import make_org

SEED_WEBHOOK = {
    "tenant_id": "550e8400-e29b-41d4-a716-446655440000",
    "triggered_event": "call_activity",
    "type": "post_call_screening",
    "fields": ["id", "status", "candidate_id", "job_id"],
    "url": "https://api.example.com/webhooks/tenant",
    "http_method": "POST",
    "content_type": "application/json",
    "secret": "whsec_1234567890abcdef",
    "is_active": True,
}


@pytest.fixture()
def org():
    return make_org()


def upsert(client, org, **overrides):
    return client.post(
        f"{API}/tenant-webhook", json={**SEED_WEBHOOK, **overrides}, headers=org.headers
    )


def test_create_with_the_seed_example(client, org):
    response = upsert(client, org)
    assert response.status_code == 201
    webhook = response.json()
    for name, value in SEED_WEBHOOK.items():
        if name != "secret":
            assert webhook[name] == value, name
    assert webhook["has_secret"] is True
    assert webhook["is_deleted"] is False
    assert "secret" not in webhook
    assert "whsec_1234567890abcdef" not in response.text


def test_post_again_updates_the_same_webhook(client, org):
    created = upsert(client, org).json()
    response = upsert(
        client,
        org,
        url="http://hooks.internal:8080/v2",
        fields=["id"],
        http_method="PUT",
        content_type="application/x-www-form-urlencoded",
        secret=None,
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["id"] == created["id"]
    assert updated["url"] == "http://hooks.internal:8080/v2"
    assert updated["fields"] == ["id"]
    assert (updated["http_method"], updated["content_type"]) == (
        "PUT",
        "application/x-www-form-urlencoded",
    )
    assert updated["has_secret"] is False
    listed = client.get(f"{API}/tenant-webhook", headers=org.headers).json()
    assert listed["total"] == 1


def test_update_without_secret_or_is_active_keeps_them(client, org):
    upsert(client, org, is_active=False)
    body = {k: v for k, v in SEED_WEBHOOK.items() if k not in ("secret", "is_active")}
    response = client.post(f"{API}/tenant-webhook", json=body, headers=org.headers)
    assert response.status_code == 200
    assert response.json()["has_secret"] is True
    assert response.json()["is_active"] is False


def test_a_different_event_is_a_different_webhook(client, org):
    first = upsert(client, org).json()
    second = upsert(client, org, triggered_event="application_activty")
    assert second.status_code == 201
    assert second.json()["id"] != first["id"]
    third = upsert(client, org, tenant_id="another-tenant")
    assert third.status_code == 201


def test_both_spellings_of_application_activity(client, org):
    created = upsert(client, org, triggered_event="application_activity")
    assert created.status_code == 201
    assert created.json()["triggered_event"] == "application_activty"
    again = upsert(client, org, triggered_event="application_activty")
    assert again.status_code == 200
    assert again.json()["id"] == created.json()["id"]


def test_method_and_event_are_read_case_insensitively(client, org):
    response = upsert(client, org, http_method="patch", triggered_event="CALL_ACTIVITY")
    assert response.status_code == 201
    assert response.json()["http_method"] == "PATCH"
    assert response.json()["triggered_event"] == "call_activity"


def test_fields_are_deduplicated(client, org):
    response = upsert(client, org, fields=["id", "status", "id"])
    assert response.json()["fields"] == ["id", "status"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("triggered_event", "call_started"),
        ("type", "pre_call"),
        ("http_method", "GET"),
        ("content_type", "text/plain"),
        ("url", "ftp://example.com/hook"),
        ("url", "javascript:alert(1)"),
        ("url", "not a url"),
        ("url", "https://"),
        ("url", "https://example.com:99999/"),
        ("url", "https://example.com/" + "a" * 2048),
        ("url", "https://example.com/\x00"),
        ("tenant_id", "t\x00"),
        ("fields", "id"),
        ("fields", [""]),
        ("fields", ["f"] * 101),
        ("tenant_id", ""),
        ("tenant_id", "t" * 256),
        ("secret", "s" * 256),
        ("is_active", "perhaps"),
    ],
)
def test_validation(client, org, field, value):
    response = upsert(client, org, **{field: value})
    assert response.status_code == 422, response.text
    assert any(f == field or f.startswith(f"{field}.") for f in error_fields(response))


@pytest.mark.parametrize(
    "missing", ["tenant_id", "triggered_event", "type", "fields", "url", "http_method"]
)
def test_required_fields(client, org, missing):
    body = dict(SEED_WEBHOOK)
    del body[missing]
    response = client.post(f"{API}/tenant-webhook", json=body, headers=org.headers)
    assert response.status_code == 422
    assert missing in error_fields(response)


def test_unsubscribe_and_subscribe(client, org):
    webhook = upsert(client, org).json()
    response = client.post(f"{API}/tenant-webhook/unsubscribe/{webhook['id']}", headers=org.headers)
    assert response.status_code == 200
    assert response.json()["is_deleted"] is True
    # Unsubscribed webhooks are still listed, flagged.
    listed = client.get(f"{API}/tenant-webhook", headers=org.headers).json()
    assert listed["items"][0]["is_deleted"] is True
    # Idempotent.
    again = client.post(f"{API}/tenant-webhook/unsubscribe/{webhook['id']}", headers=org.headers)
    assert again.json()["is_deleted"] is True
    # A POST of the configuration does not resubscribe by itself.
    assert upsert(client, org).json()["is_deleted"] is True
    response = client.post(f"{API}/tenant-webhook/subscribe/{webhook['id']}", headers=org.headers)
    assert response.status_code == 200
    assert response.json()["is_deleted"] is False


def test_live_webhooks_service(db, client, org):
    from backend.models.pipeline import TriggeredEvent
    from backend.services.pipeline import webhook_secrets
    from backend.services.pipeline.tenant_webhooks import live_tenant_webhooks

    live = upsert(client, org, tenant_id="live").json()
    off = upsert(client, org, tenant_id="off", is_active=False).json()
    gone = upsert(client, org, tenant_id="gone").json()
    client.post(f"{API}/tenant-webhook/unsubscribe/{gone['id']}", headers=org.headers)
    upsert(client, org, tenant_id="apps", triggered_event="application_activity")
    upsert(client, make_org(), tenant_id="live")
    hooks = live_tenant_webhooks(db, org_id=org.org_id, event=TriggeredEvent.call_activity)
    assert [h.id for h in hooks] == [live["id"]]
    assert off["id"] not in {h.id for h in hooks}
    # Sealed at rest, unsealed only to sign.
    assert SEED_WEBHOOK["secret"] not in hooks[0].secret
    assert webhook_secrets.unseal(hooks[0].secret) == SEED_WEBHOOK["secret"]


def test_unknown_and_foreign_webhooks_are_404(client, org):
    foreign = upsert(client, make_org()).json()
    for webhook_id in ("missing", foreign["id"]):
        for action in ("subscribe", "unsubscribe"):
            response = client.post(
                f"{API}/tenant-webhook/{action}/{webhook_id}", headers=org.headers
            )
            assert response.status_code == 404
            assert response.json()["error"] == "webhook_not_found"


def test_list_pages_filters_and_isolation(client, org):
    tenant = unique("tenant")
    made = [upsert(client, org, tenant_id=f"{tenant}-{i}").json() for i in range(3)]
    upsert(client, make_org(), tenant_id=f"{tenant}-0")
    page = client.get(
        f"{API}/tenant-webhook", params={"page": 1, "size": 2}, headers=org.headers
    ).json()
    assert (page["total"], page["pages"], len(page["items"])) == (3, 2, 2)
    assert [w["id"] for w in page["items"]] == [made[0]["id"], made[1]["id"]]
    assert all("secret" not in w for w in page["items"])
    only = client.get(
        f"{API}/tenant-webhook", params={"tenant_id": f"{tenant}-0"}, headers=org.headers
    ).json()
    assert [w["id"] for w in only["items"]] == [made[0]["id"]]
    response = client.get(f"{API}/tenant-webhook", params={"size": 500}, headers=org.headers)
    assert response.status_code == 422
