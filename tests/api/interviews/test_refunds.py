"""Refunds (seed 004: a rejected job charges nothing): a job that fails through no fault of the
customer's gets its charge back in the ledger, once, and its failure says so; a failure caused
by the recording sent keeps the charge and says why. Jobs are submitted over HTTP with the real
JFK recording and failed as the workers and the sweep fail them."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from backend.db import session_scope
from backend.models.interviews import CreditLedgerEntry
from backend.services.interviews import credits, failures, jobs
from tests.api.interviews.helpers import accepted, balance, claim, set_balance
from tests.api.interviews.recordings import requires_recordings

pytestmark = requires_recordings


def ledger(job_id: str) -> list[tuple[int, str, str | None, int | None]]:
    with session_scope() as session:
        entries = session.exec(
            select(CreditLedgerEntry)
            .where(col(CreditLedgerEntry.job_id) == job_id)
            .order_by(col(CreditLedgerEntry.created_at))
        ).all()
        return [(e.delta, e.reason, e.charge_key, e.balance_after) for e in entries]


def fail(job_id: str, code: str, message: str = "It stopped.") -> bool:
    owner = claim(job_id)
    with session_scope() as session:
        return jobs.fail(session, job_id=job_id, owner=owner, code=code, message=message)


def error_of(client, org, job: dict) -> dict:
    view = client.get(job["status_url"], headers=org.headers).json()
    assert view["status"] == "failed"
    return view["error"]


@pytest.mark.parametrize(
    "code", ["worker_lost", "model_unavailable", "processing_error", "vram_unavailable"]
)
def test_a_failure_on_our_side_is_refunded_once(client, org, code):
    set_balance(org, 5)
    job = accepted(client, org)
    assert balance(org) == 4
    assert fail(job["job_id"], code)
    assert balance(org) == 5
    key = credits.charge_key(job["job_id"])
    assert ledger(job["job_id"]) == [(-1, "charge", key, 4), (1, "refund", f"refund:{key}", 5)]
    error = error_of(client, org, job)
    assert error["code"] == code
    assert (error["customer_fault"], error["refunded"], error["credits_refunded"]) == (
        False,
        True,
        1,
    )
    assert "refunded" in error["message"] and code in error["refund_reason"]
    # Never twice: the job is finished, and a refund of it again finds nothing to give back.
    with session_scope() as session:
        assert not jobs.fail(
            session, job_id=job["job_id"], owner="test-worker", code=code, message="again"
        )
        assert credits.refund(session, job_id=job["job_id"]) == 0
        session.commit()
    assert balance(org) == 5 and len(ledger(job["job_id"])) == 2


@pytest.mark.parametrize("code", sorted(failures.CUSTOMER_FAULTS))
def test_a_failure_caused_by_the_recording_keeps_its_charge(client, org, code):
    set_balance(org, 5)
    job = accepted(client, org)
    assert fail(job["job_id"], code, "The recording cannot be decoded.")
    assert balance(org) == 4
    assert [entry[1] for entry in ledger(job["job_id"])] == ["charge"]
    error = error_of(client, org, job)
    assert (error["customer_fault"], error["refunded"], error["credits_refunded"]) == (
        True,
        False,
        0,
    )
    assert error["message"].startswith("The recording cannot be decoded.")
    assert "not refunded" in error["message"] and "not refunded" in error["refund_reason"]


def test_the_sweep_refunds_a_job_that_kept_losing_its_workers(client, org):
    set_balance(org, 3)
    job = accepted(client, org)
    with session_scope() as session:
        assert jobs.fail_abandoned(
            session, job_id=job["job_id"], code="worker_lost", message="Workers died 3 times."
        )
    assert balance(org) == 3
    assert error_of(client, org, job)["refunded"] is True


def test_a_refund_goes_back_to_the_balance_only_if_it_came_from_it(client, org):
    """Billing off: the charge was recorded usage, not credits taken; the refund reverses the
    usage in the ledger and leaves the balance unlimited."""
    set_balance(org, None)
    job = accepted(client, org)
    assert fail(job["job_id"], "worker_lost")
    assert balance(org) is None
    assert [entry[:2] for entry in ledger(job["job_id"])] == [(-1, "charge"), (1, "refund")]


def test_a_refund_lost_with_its_failure_is_not_half_written(client, org):
    """The refund is written in the failure's transaction: a worker that lost its lease fails
    nothing and refunds nothing."""
    set_balance(org, 5)
    job = accepted(client, org)
    claim(job["job_id"], owner="first-worker")
    with session_scope() as session:
        assert not jobs.fail(
            session, job_id=job["job_id"], owner="someone-else", code="worker_lost", message="x"
        )
    assert balance(org) == 4 and len(ledger(job["job_id"])) == 1


def test_the_policy_refunds_unknown_codes_and_keeps_customer_faults():
    assert failures.judge("something_new").refund
    assert not failures.judge("audio_unreadable").refund
    assert not failures.judge("no_speech").refund
