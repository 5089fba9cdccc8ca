"""The Huey queues, one per kind of work, so each host runs only the work it is built for and
short work never waits behind long work:

- ``gpu``: interviews (transcription, diarization, assessment), minutes each on a GPU host;
- ``cpu``: code evaluations, which run candidates' test suites in the sandbox;
- ``ops``: the minute sweep, email and callbacks, seconds each.

Each kind is its own Huey instance, named ``<TRUELEVEL_QUEUE_NAME>-<kind>``: a SQLite file in the
data folder by default (one file, a queue per name), Redis when ``TRUELEVEL_REDIS_URL`` is set.
A consumer serves one instance (``huey_consumer workers.tasks.<kind>``); ``python -m
workers.consumer`` starts one per kind. Every task module imports its instance from here.

Evaluations and interviews are enqueued with a priority (SLA tier, interview source), so the
Redis queue must be a priority queue: plain ``RedisHuey`` refuses priorities. Nobody reads task
results, so on Redis they expire instead of piling up."""

from __future__ import annotations

import time
from typing import ClassVar, Literal, get_args

from huey import Huey, PriorityRedisExpireHuey, SqliteHuey
from huey.storage import SqliteStorage

from backend.private_files import private_file
from backend.settings import Settings, get_settings

WorkKind = Literal["gpu", "cpu", "ops"]
KINDS: tuple[WorkKind, ...] = get_args(WorkKind)
# The kind whose queue holds the periodic work; one consumer of it in a cluster schedules it.
PERIODIC_KIND: WorkKind = "ops"

# How long Redis keeps a task's return value (only ever read when debugging).
RESULT_TTL_SECONDS = 3600


def queue_name(settings: Settings, kind: WorkKind) -> str:
    """The name of ``kind``'s queue in this installation."""
    return f"{settings.queue_name}-{kind}"


class _QueueFileStorage(SqliteStorage):
    """Huey's SQLite storage (WAL) with ``synchronous=NORMAL``: a commit is flushed at the next
    checkpoint rather than on its own, so enqueueing costs no fsync per message (SQLite's FULL
    capped submissions at the disk's flushes). An OS crash may lose the last messages, which
    loses nothing: the rows are durable and the minute sweep enqueues again what waits."""

    # Who runs the periodic work now (``workers.periodic_turn``), next to the queue it feeds.
    table_periodic_turn = (
        "create table if not exists periodic_turn (queue text not null, name text not null, "
        "owner text not null, until real not null, primary key (queue, name))"
    )
    ddl: ClassVar[list[str]] = [*SqliteStorage.ddl, table_periodic_turn]

    def _create_connection(self):
        conn = super()._create_connection()
        conn.execute("pragma synchronous=NORMAL")
        return conn

    def take_turn(self, name: str, *, owner: str, seconds: float) -> bool:
        """Hold ``name``'s turn for ``seconds`` unless someone holds it still: one statement in
        an exclusive transaction, so of two callers exactly one gets it. The times are this
        host's: every process using a queue file runs on the file's host."""
        now = time.time()
        with self.db(commit=True) as cursor:
            cursor.execute(
                "insert into periodic_turn (queue, name, owner, until) values (?, ?, ?, ?) "
                "on conflict (queue, name) do update set owner = excluded.owner, "
                "until = excluded.until where periodic_turn.until <= ?",
                (self.name, name, owner, now + seconds, now),
            )
            return cursor.rowcount == 1


class _QueueFileHuey(SqliteHuey):
    storage_class = _QueueFileStorage


def make_huey(settings: Settings, kind: WorkKind) -> Huey:
    """``kind``'s queue: Redis when a URL is configured, else SQLite."""
    name = queue_name(settings, kind)
    if settings.redis_url:
        return PriorityRedisExpireHuey(name, url=settings.redis_url, expire_time=RESULT_TTL_SECONDS)
    path = settings.queue_file or settings.ensure_data_dir() / "queue.db"
    if not path.exists() and path.parent.is_dir():
        private_file(path)  # its -wal and -shm take its mode
    return _QueueFileHuey(name, filename=str(path))


gpu = make_huey(get_settings(), "gpu")
cpu = make_huey(get_settings(), "cpu")
ops = make_huey(get_settings(), "ops")
QUEUES: dict[WorkKind, Huey] = {"gpu": gpu, "cpu": cpu, "ops": ops}
