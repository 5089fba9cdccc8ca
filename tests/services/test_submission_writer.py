"""Submissions written together (``submission_writer``): every request gets its own outcome, and
only written rows reach the queue."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from backend.db import get_engine, session_scope
from backend.models import Evaluation
from backend.models.evaluations import EvaluationCreate
from backend.services.evaluations import submission
from backend.services.evaluations.submission_writer import GroupedWriter
from tests.api.evaluations.helpers import submission_body
from tests.helpers import OrgHandle


def _rows(org_id: str, count: int) -> list[dict]:
    data = EvaluationCreate.model_validate(submission_body())
    return [submission._new_row(org_id=org_id, data=data, upload_id=None)[1] for _ in range(count)]


T = TypeVar("T")


def _run(coroutine: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` on a thread of its own: the browser tests, earlier in the session, left
    Playwright's loop set on this one, where ``asyncio.run`` refuses to start."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _queued_soon(queued: list[str], count: int) -> list[str]:
    """What reached the queue once ``count`` rows did: the writer hands rows to the queue after
    answering their requests, so a moment after they return."""
    deadline = time.monotonic() + 10
    while len(queued) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # and nothing more comes
    return queued


def _writer(queued: list[str]) -> GroupedWriter:
    """A writer of evaluation rows that notes the ids it hands on in ``queued``."""
    return GroupedWriter(
        get_engine(),
        submission._INSERT,
        after=lambda written: queued.extend(r["id"] for r in written),
        name="test-writer",
    )


def _stored(org_id: str) -> set[str]:
    with session_scope() as session:
        return set(session.exec(select(Evaluation.id).where(col(Evaluation.org_id) == org_id)))


def test_rows_written_at_once_are_each_stored_and_queued_once(disposable_org: OrgHandle) -> None:
    org = disposable_org
    rows = _rows(org.org_id, 40)
    queued: list[str] = []
    writer = _writer(queued)

    async def all_at_once() -> None:
        await asyncio.gather(*(writer.write(row) for row in rows))

    _run(all_at_once())

    ids = {row["id"] for row in rows}
    assert _stored(org.org_id) == ids
    assert sorted(_queued_soon(queued, len(ids))) == sorted(ids)


def test_a_row_that_cannot_be_written_fails_alone(disposable_org: OrgHandle) -> None:
    org = disposable_org
    rows = _rows(org.org_id, 12)
    rows[5] = {**rows[5], "id": rows[2]["id"]}  # the same id twice: one of the two must fail
    queued: list[str] = []
    writer = _writer(queued)

    async def all_at_once() -> list[BaseException | None]:
        return await asyncio.gather(*(writer.write(row) for row in rows), return_exceptions=True)

    outcomes = _run(all_at_once())

    failed = [n for n, outcome in enumerate(outcomes) if outcome is not None]
    assert len(failed) == 1 and failed[0] in (2, 5)
    assert isinstance(outcomes[failed[0]], IntegrityError)
    assert _stored(org.org_id) == {row["id"] for row in rows}  # eleven distinct ids
    assert len(_queued_soon(queued, 11)) == 11


@pytest.mark.parametrize("count", [1, 3])
def test_writing_again_after_a_failure_still_works(count: int, disposable_org: OrgHandle) -> None:
    org = disposable_org
    writer = _writer([])
    first = _rows(org.org_id, count)

    async def write(rows: list[dict]) -> None:
        await asyncio.gather(*(writer.write(row) for row in rows))

    _run(write(first))
    with pytest.raises(IntegrityError):
        _run(write([first[0]]))  # already written
    again = _rows(org.org_id, count)
    _run(write(again))
    assert _stored(org.org_id) == {row["id"] for row in first + again}


def test_a_lone_submission_is_written_and_queued_on_its_own_event_loop(
    disposable_org: OrgHandle,
) -> None:
    """A request the process answers alone writes its row on the event loop (a SQLite file: no
    thread hop) or through the writer thread (a database across a network); either way it is
    stored and queued once, and writing the same row again fails that request alone."""
    org = disposable_org
    (row,) = _rows(org.org_id, 1)
    handed_on_by: list[int] = []
    writer = GroupedWriter(
        get_engine(),
        submission._INSERT,
        after=lambda written: handed_on_by.extend(threading.get_ident() for _ in written),
        name="test-writer",
    )

    async def alone() -> int:
        await writer.write(row, alone=True)
        return threading.get_ident()

    loop_thread = _run(alone())

    assert _stored(org.org_id) == {row["id"]}
    assert len(_queued_soon(handed_on_by, 1)) == 1
    if get_engine().dialect.name == "sqlite":
        assert handed_on_by == [loop_thread]
    with pytest.raises(IntegrityError):
        _run(writer.write(row, alone=True))
    assert len(_queued_soon(handed_on_by, 1)) == 1


def test_a_lone_submission_waits_for_another_writer_without_stalling_the_loop(
    disposable_org: OrgHandle,
) -> None:
    """While another process holds the SQLite file's write lock, a lone submission waits for it
    in the writer thread: the event loop goes on serving, and the row is written once the lock
    is released."""
    if get_engine().dialect.name != "sqlite":
        pytest.skip("SQLite's file lock")
    org = disposable_org
    (row,) = _rows(org.org_id, 1)
    queued: list[str] = []
    writer = _writer(queued)
    holder = sqlite3.connect(
        get_engine().url.database, isolation_level=None, check_same_thread=False
    )
    holder.execute("BEGIN IMMEDIATE")  # as a worker's write transaction would
    released = threading.Timer(0.5, holder.rollback)

    async def submit_while_locked() -> int:
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticker = asyncio.create_task(tick())
        released.start()
        await writer.write(row, alone=True)
        ticker.cancel()
        return ticks

    try:
        ticks = _run(submit_while_locked())
    finally:
        released.join()
        holder.close()

    assert ticks >= 10  # the loop served other work for the half second the lock was held
    assert _stored(org.org_id) == {row["id"]}
    assert _queued_soon(queued, 1) == [row["id"]]
