"""The Webhooks page reads the organisation's tenant webhooks with their newest deliveries (the
browser test, tests/e2e/test_webhooks.py, drives the page itself)."""

from __future__ import annotations

from backend.models.pipeline import TenantWebhookUpsert
from backend.services.pipeline import webhook_deliveries
from backend.services.pipeline.tenant_webhooks import set_subscribed, upsert_tenant_webhook
from tests.helpers import make_org
from truelevel_app.pages import webhooks_state
from truelevel_app.pages.webhooks_state import any_pending, read_webhooks


def _webhook(db, org_id: str, tenant_id: str, event: str = "application_activity"):
    data = TenantWebhookUpsert(
        tenant_id=tenant_id,
        triggered_event=event,
        type="post_call_screening",
        fields=["id", "status"],
        url="https://ats.example.com/hooks",
        http_method="POST",
        content_type="application/json",
    )
    return upsert_tenant_webhook(db, org_id=org_id, data=data)[0]


def test_cards_show_each_webhook_with_its_newest_deliveries(db, monkeypatch):
    monkeypatch.setattr(webhook_deliveries, "wake", lambda: None)
    monkeypatch.setattr(webhooks_state, "DELIVERIES_SHOWN", 2)
    org, other = make_org(), make_org()
    calls = _webhook(db, org.org_id, "acme", "call_activity")
    quiet = _webhook(db, org.org_id, "globex")
    set_subscribed(db, org_id=org.org_id, webhook_id=quiet.id, subscribed=False)
    _webhook(db, other.org_id, "acme")
    sent = [
        webhook_deliveries.send_test_event(db, org_id=org.org_id, webhook_id=calls.id)
        for _ in range(3)
    ]

    cards, page, total = read_webhooks(org.org_id, page=5)  # past the end: the last page
    assert (page, total) == (1, 2)
    first, second = cards
    assert (first["id"], first["event"], first["subscribed"]) == (calls.id, "Call activity", True)
    assert first["fields"] == ["id", "status"]
    assert first["shown"] == "the newest 2 of 3 deliveries"
    assert [d["id"] for d in first["deliveries"]] == [sent[2].id, sent[1].id]
    row = first["deliveries"][0]
    assert (row["action"], row["state"], row["attempts"]) == ("test", "pending", "0")
    assert (row["status_code"], row["answer"], row["error"]) == ("—", "—", "")
    assert (second["event"], second["subscribed"], second["deliveries"]) == (
        "Application activity",
        False,
        [],
    )
    assert any_pending(cards)
    assert not any_pending([second])
