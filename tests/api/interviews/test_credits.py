"""Credits (seed 004): 1 per started audio minute, charged once at acceptance, nothing for a
refused job, 402 with the seed's exact body when the balance is short, unlimited while billing
is off."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from backend.db import session_scope
from backend.models.interviews import CreditLedgerEntry
from backend.services.errors import InvalidInput, PaymentRequired
from backend.services.interviews import credits
from tests.api.interviews.helpers import (
    accepted,
    balance,
    org_footprint,
    set_balance,
    stored_recordings,
    submit,
)
from tests.api.interviews.recordings import requires_recordings, speech_wav

pytestmark = requires_recordings


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(0.4, 1), (11.0, 1), (60.0, 1), (60.01, 2), (119.9, 2), (412.0, 7), (1820.4, 31)],
)
def test_credits_are_started_minutes_at_least_one(seconds, expected):
    assert credits.credits_needed(seconds) == expected


def ledger(job_id: str) -> list[CreditLedgerEntry]:
    with session_scope() as session:
        return list(
            session.exec(
                select(CreditLedgerEntry).where(col(CreditLedgerEntry.job_id) == job_id)
            ).all()
        )


def test_a_billed_upload_decrements_the_balance_once(client, org):
    set_balance(org, 5)
    body = accepted(client, org)
    assert (body["credits_charged"], body["credits_remaining"]) == (1, 4)
    assert balance(org) == 4
    entries = ledger(body["job_id"])
    assert [(e.delta, e.reason, e.charge_key, e.balance_after) for e in entries] == [
        (-1, "charge", f"job:{body['job_id']}", 4)
    ]
    view = client.get(body["status_url"], headers=org.headers).json()
    assert view["credits_charged"] == 1


def test_charging_the_same_job_again_is_a_no_op(client, org):
    set_balance(org, 5)
    job_id = accepted(client, org)["job_id"]
    with session_scope() as session:
        assert credits.charge(session, org_id=org.org_id, job_id=job_id, credits=1) == 4
        assert credits.charge(session, org_id=org.org_id, job_id=job_id, credits=3) == 4
    assert balance(org) == 4
    assert len(ledger(job_id)) == 1


def test_the_measured_duration_is_charged_not_the_declared_one(client, org, tmp_path):
    set_balance(org, 10)
    body = accepted(client, org, duration_s="412")  # the client claims 7 minutes
    assert body["credits_charged"] == 1  # jfk.flac measures 11 s
    long_call = speech_wav(tmp_path / "call.wav", 61.0)
    body = accepted(client, org, data=long_call.read_bytes(), filename="call.wav")
    assert (body["credits_charged"], body["credits_remaining"]) == (2, 7)


def test_an_exhausted_balance_is_402_with_the_seed_body(client, org, monkeypatch):
    from backend.settings import get_settings

    monkeypatch.setenv("TRUELEVEL_BILLING_UPGRADE_URL", "https://recruitscreen.example/pricing")
    get_settings.cache_clear()
    try:
        set_balance(org, 0)
        before = org_footprint(org), stored_recordings()
        response = submit(client, org)
    finally:
        monkeypatch.delenv("TRUELEVEL_BILLING_UPGRADE_URL")
        get_settings.cache_clear()
    assert response.status_code == 402
    assert response.json() == {
        "detail": {
            "error": "insufficient_credits",
            "credits_needed": 1,
            "message": "Credit balance exhausted. Subscribe to continue.",
            "upgrade_url": "https://recruitscreen.example/pricing",
        }
    }
    assert (org_footprint(org), stored_recordings()) == before  # nothing stored, no job


def test_a_short_balance_is_402_for_a_longer_recording(client, org, tmp_path):
    set_balance(org, 1)
    long_call = speech_wav(tmp_path / "call.wav", 90.0)
    response = submit(client, org, data=long_call.read_bytes(), filename="call.wav")
    assert response.status_code == 402
    body = response.json()["detail"]
    assert body["credits_needed"] == 2
    assert body["upgrade_url"].endswith("/billing")  # public_url/billing by default
    assert balance(org) == 1
    assert accepted(client, org)["credits_remaining"] == 0  # 11 s still fits


def test_billing_off_is_unlimited(client, org):
    set_balance(org, None)
    for _ in range(2):
        body = accepted(client, org)
        assert body["credits_remaining"] is None
        assert body["credits_charged"] == 1
    assert balance(org) is None
    usage = ledger(body["job_id"])  # usage is still recorded
    assert [(e.delta, e.balance_after) for e in usage] == [(-1, None)]


def test_charge_refuses_when_short_and_changes_nothing(org):
    set_balance(org, 2)
    with session_scope() as session:
        with pytest.raises(PaymentRequired) as refused:
            credits.charge(session, org_id=org.org_id, job_id="job_" + "a" * 20, credits=3)
        assert refused.value.code == "insufficient_credits"
        assert refused.value.extra["credits_needed"] == 3
        session.rollback()
    assert balance(org) == 2
    assert ledger("job_" + "a" * 20) == []


def test_grants_and_set_balance(org):
    with session_scope() as session:
        with pytest.raises(InvalidInput) as off:
            credits.grant(session, org_id=org.org_id, credits=10)
        assert off.value.code == "billing_off"
        assert credits.set_balance(session, org_id=org.org_id, credits=3) == 3
        assert credits.grant(session, org_id=org.org_id, credits=10, reason="purchase") == 13
        assert credits.balance(session, org_id=org.org_id) == 13
        assert credits.set_balance(session, org_id=org.org_id, credits=None) is None
        entries = session.exec(
            select(CreditLedgerEntry)
            .where(col(CreditLedgerEntry.org_id) == org.org_id)
            .order_by(col(CreditLedgerEntry.created_at))
        ).all()
    assert [(e.reason, e.delta, e.balance_after) for e in entries] == [
        ("set_balance", 3, 3),
        ("purchase", 10, 13),
        ("set_balance", -13, None),
    ]
