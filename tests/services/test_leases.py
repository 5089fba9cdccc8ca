"""Leases keep time by the database's clock: a worker whose own clock is an hour ahead cannot take
live work from another, one whose clock is an hour behind cannot keep (or renew its way into)
work whose lease has lapsed. The skew is made by replacing the process's clock function
(``backend.models.base.utcnow``, the one every module reads); the leases must not notice.
On the test database: SQLite, or PostgreSQL with TRUELEVEL_TEST_DATABASE_URL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select, update

import backend.models.base
from backend.db import session_scope
from backend.db_clock import database_now
from backend.models import Evaluation
from backend.models.evaluations import ENGINE_STAGES, EvaluationStatus
from backend.services import leases
from backend.settings import get_settings
from tests.api.evaluations.helpers import submit
from tests.helpers import make_org

CLAIMABLE = [
    col(Evaluation.status) == EvaluationStatus.pending.value,
    col(Evaluation.stage).in_([s.value for s in ENGINE_STAGES]),
]


def _skew_process_clock(monkeypatch: pytest.MonkeyPatch, by: timedelta) -> None:
    def skewed() -> datetime:
        return datetime.now(UTC) + by

    monkeypatch.setattr(backend.models.base, "utcnow", skewed)
    monkeypatch.setattr(leases, "utcnow", skewed, raising=False)  # were it still imported


def _claim(evaluation_id: str, owner: str) -> bool:
    with session_scope() as session:
        return leases.claim(
            session, Evaluation, work_id=evaluation_id, owner=owner, claimable=CLAIMABLE
        )


def _lease(evaluation_id: str) -> tuple[str | None, datetime | None]:
    with session_scope() as session:
        row = session.get(Evaluation, evaluation_id)
        return row.lease_owner, row.lease_expires_at


def _database_time() -> datetime:
    with session_scope() as session:
        return session.exec(select(database_now())).one()


def _lapse(evaluation_id: str) -> None:
    """The holder stopped renewing: its lease ended a second ago by the database's clock."""
    with session_scope() as session:
        session.exec(
            update(Evaluation)
            .where(col(Evaluation.id) == evaluation_id)
            .values(lease_expires_at=database_now(-1))
        )
        session.commit()


@pytest.fixture()
def evaluation_id(client) -> str:
    return submit(client, make_org())["id"]


def test_a_worker_whose_clock_runs_ahead_cannot_take_live_work(evaluation_id, monkeypatch):
    assert _claim(evaluation_id, "host-a")
    _skew_process_clock(monkeypatch, timedelta(hours=1))
    # By host B's clock host A's lease ran out an hour ago; by the database's it is alive.
    assert not _claim(evaluation_id, "host-b")
    assert _lease(evaluation_id)[0] == "host-a"
    with session_scope() as session:
        stale = leases.stale(
            session,
            Evaluation,
            claimable=CLAIMABLE,
            older_than=database_now(),
            created_column=Evaluation.created_at,
        )
    assert evaluation_id not in [row[0] for row in stale]  # the sweep leaves it alone too


def test_a_worker_whose_clock_lags_cannot_keep_lapsed_work(evaluation_id, monkeypatch):
    assert _claim(evaluation_id, "host-a")
    _lapse(evaluation_id)
    _skew_process_clock(monkeypatch, timedelta(hours=-1))
    with session_scope() as session:
        stale = leases.stale(
            session,
            Evaluation,
            claimable=CLAIMABLE,
            older_than=database_now(),
            created_column=Evaluation.created_at,
        )
    assert evaluation_id in [row[0] for row in stale]  # the sweep sees the lapse
    # By host B's clock the lease has an hour left; by the database's it is over: B takes it.
    assert _claim(evaluation_id, "host-b")
    assert _lease(evaluation_id)[0] == "host-b"
    with session_scope() as session:  # A's heartbeat finds it lost
        assert not leases.renew(session, Evaluation, work_id=evaluation_id, owner="host-a")


def test_lease_expiry_is_set_from_the_database_clock(evaluation_id, monkeypatch):
    _skew_process_clock(monkeypatch, timedelta(hours=-3))
    before = _database_time()
    assert _claim(evaluation_id, "host-a")
    with session_scope() as session:
        assert leases.renew(session, Evaluation, work_id=evaluation_id, owner="host-a")
    expires = _lease(evaluation_id)[1]
    after = _database_time()
    lease = timedelta(seconds=get_settings().work_lease_seconds)
    assert before + lease <= expires <= after + lease
