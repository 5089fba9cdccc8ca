"""Submissions written together: the API's evaluations are inserted by one writer thread per
process, every submission that arrived while the last write ran in one transaction.

Under concurrent submissions each request paid for a thread of its own, a pooled connection, a
transaction and its commit; SQLite then let those threads in one at a time anyway. Here a
request hands its row over and awaits the outcome on the event loop: the writer takes every row
waiting, inserts them with one statement run for many parameter sets, commits once, hands the
rows to the queue (a lost message is made good by the workers' minute sweep, see
``backend.services.dispatch``) and answers each request.

A batch that fails is written again one row at a time, so a row that cannot be written fails its
own request and no other. A lone row on PostgreSQL is one statement that commits on its own
(``AUTOCOMMIT``: one round trip); on SQLite, a transaction.

On a SQLite file a row is written on the event loop itself whenever it can be without waiting:
nobody is waiting for the writer thread, this process's SQLite writer mutex is free, and the
file's write lock is free (its connection never waits, so a worker holding the lock sends the
row to the writer thread instead of stalling every request). The two thread hops cost a lone
submission more than its INSERT did.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.sql import Insert

from backend.db import nowait_sqlite_engine, one_writer_at_a_time, sqlite_writer_lock

log = logging.getLogger(__name__)

Outcome = BaseException | None  # what writing a row raised, or None once it is written


@dataclass(frozen=True)
class _Waiting:
    values: dict[str, Any]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[None]


class GroupedWriter:
    """One thread inserting the rows of ``statement`` handed to ``write`` (from any event loop of
    this process), many at a time; ``after`` runs in that thread with each batch's written rows'
    values once they are committed, before their requests are answered."""

    def __init__(
        self,
        engine: Engine,
        statement: Insert,
        *,
        after: Callable[[Sequence[dict[str, Any]]], None],
        name: str,
    ) -> None:
        self._engine = engine
        self._statement = statement
        self._after = after
        self._name = name
        self._ready = threading.Condition()
        self._waiting: list[_Waiting] = []
        self._thread: threading.Thread | None = None
        self._nowait = nowait_sqlite_engine(engine)

    async def write(self, values: dict[str, Any], *, alone: bool = False) -> None:
        """Insert ``values`` (committed when this returns), or raise what writing it raised.
        ``alone``: the caller's request is the only one its process is answering."""
        if alone and self._nowait is not None and not self._waiting and self._wrote_at_once(values):
            return
        loop = asyncio.get_running_loop()
        waiting = _Waiting(values=values, loop=loop, future=loop.create_future())
        with self._ready:
            self._waiting.append(waiting)
            self._start_thread()
            self._ready.notify()
        # A client that goes away leaves its row to be written: the outcome is only awaited.
        await asyncio.shield(waiting.future)

    def _wrote_at_once(self, values: dict[str, Any]) -> bool:
        """Insert ``values`` on this thread if nothing has to be waited for: True once written
        (handed on at the loop's next turn), False (nothing written) when another writer holds
        a lock. What else writing it raised is raised."""
        lock = sqlite_writer_lock(self._engine)
        if not lock.acquire(blocking=False):
            return False
        try:
            with self._nowait.connect() as connection, connection.begin():
                connection.execute(self._statement, values)
        except OperationalError as error:
            if "locked" in str(error.orig):  # SQLITE_BUSY: rolled back, the thread waits instead
                return False
            raise
        finally:
            lock.release()
        # Handed on by this loop once the answer is on its way (the next turn of the loop):
        # handed to the writer thread, its wake-up and its Python competing with the event loop
        # for the interpreter lock cost the answer more (bench/api.py, one connection: 0.36x
        # bare against 0.39x).
        asyncio.get_running_loop().call_soon(self._hand_on, [values])
        return True

    def _start_thread(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            with self._ready:
                while not self._waiting:
                    self._ready.wait()
                batch, self._waiting = self._waiting, []
            try:
                self._write(batch)
            except BaseException as error:  # never lose the thread, nor leave a request waiting
                log.exception("the %s thread failed a batch of %d", self._name, len(batch))
                for waiting in batch:
                    with contextlib.suppress(RuntimeError):
                        waiting.loop.call_soon_threadsafe(_settle, [(waiting.future, error)])

    def _write(self, batch: list[_Waiting]) -> None:
        outcomes: list[Outcome] = [self._write_rows([w.values for w in batch])] * len(batch)
        if len(batch) > 1 and outcomes[0] is not None:  # one bad row must not fail the others
            outcomes = [self._write_rows([w.values]) for w in batch]
        written = [w.values for w, outcome in zip(batch, outcomes, strict=True) if outcome is None]
        if written:
            # Before the answers: handed over after them, the queue message's Python ran while
            # the event loop, woken to answer, waited for the interpreter lock (in process, one
            # client: median 0.68 ms a submission against 0.60 ms this way, for ~35 µs of work).
            self._hand_on(written)
        # One wake-up per event loop for the whole batch: each wake-up is a write to the loop's
        # self-pipe, which cost this thread as much as the batch's INSERT (py-spy, 16 clients).
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[None], Outcome]]] = {}
        for waiting, outcome in zip(batch, outcomes, strict=True):
            by_loop.setdefault(waiting.loop, []).append((waiting.future, outcome))
        for loop, settled in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a loop closed since: nobody waits there
                loop.call_soon_threadsafe(_settle, settled)

    def _hand_on(self, written: list[dict[str, Any]]) -> None:
        try:
            self._after(written)
        except Exception:  # the rows are written: their requests are answered regardless
            log.exception("the %s could not hand %d rows on", self._name, len(written))

    def _write_rows(self, rows: list[dict[str, Any]]) -> Outcome:
        """Insert ``rows`` and commit them, all or none. A lone row on a database across a
        network commits on its own (``AUTOCOMMIT``: one round trip, no BEGIN and COMMIT); on
        SQLite a transaction costs less than switching the connection to autocommit and back
        (a PRAGMA each way, ~50 µs)."""
        try:
            with self._engine.connect() as connection:
                if len(rows) == 1 and self._engine.dialect.name != "sqlite":
                    autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
                    autocommit.execute(self._statement, rows[0])
                    return None
                with one_writer_at_a_time(connection), connection.begin():
                    connection.execute(self._statement, rows if len(rows) > 1 else rows[0])
        except Exception as error:
            return error
        return None


def _settle(settled: list[tuple[asyncio.Future[None], Outcome]]) -> None:
    for future, outcome in settled:
        if future.done():
            continue
        if outcome is None:
            future.set_result(None)
        else:
            future.set_exception(outcome)
