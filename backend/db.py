"""Database engine, sessions and migrations."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from functools import lru_cache
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.pool import SingletonThreadPool
from sqlmodel import Session, create_engine

from backend.settings import get_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
POOL_TIMEOUT_S = 30


def sqlite_file(url: str | URL) -> Path | None:
    """The plain file a SQLite ``url`` names; None for an in-memory database or a ``file:`` URI
    (whose options may make it one)."""
    from sqlalchemy.engine import make_url

    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        return Path(database)
    return None


def private_sqlite_file(url: str) -> None:
    """Create the SQLite file of ``url`` as 0600 before SQLite does (its -wal and -shm then
    get the same mode); an existing one is left as it is."""
    from backend.private_files import private_file

    path = sqlite_file(url)
    if path is not None and not path.exists() and path.parent.is_dir():
        private_file(path)


def make_engine(url: str) -> Engine:
    """The engine of one process, its pool sized by the settings (``db_pool_size`` connections
    kept, ``db_max_overflow`` more opened when needed). A checkout waits ``POOL_TIMEOUT_S`` at
    most; the API never makes it wait (``backend.api.admission`` admits at most ``db_pool_size``
    requests with a session at once)."""
    settings = get_settings()
    pool = {
        "pool_size": settings.db_pool_size,
        "max_overflow": settings.db_max_overflow,
        "pool_timeout": POOL_TIMEOUT_S,
    }
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            pool = {}  # one in-memory database per connection: SQLAlchemy's own pool
        else:
            private_sqlite_file(url)
        return _sqlite_engine(url, busy_timeout_s=30, **pool)
    return create_engine(url, pool_pre_ping=True, **pool)


def _sqlite_engine(url: str | URL, *, busy_timeout_s: float, **pool) -> Engine:
    """A SQLite engine whose connections wait ``busy_timeout_s`` at most for another writer."""
    engine = create_engine(
        url, connect_args={"check_same_thread": False, "timeout": busy_timeout_s}, **pool
    )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn, _record) -> None:
        cur = dbapi_conn.cursor()
        # WAL lets the web app and the worker read while the other writes.
        cur.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the
        # process dying; only an OS crash or power loss may undo the last ones. FULL costs one
        # fsync per accepted submission and caps writes at the disk's flushes.
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    return engine


def nowait_sqlite_engine(engine: Engine) -> Engine | None:
    """For an engine of a SQLite file, an engine of the same file whose connections never wait
    for a writer (a write that finds the file locked fails at once, writing nothing), one
    connection per thread: for writes made on an event loop, which must not sleep in SQLite's
    busy handler. Made once per engine; None for any other database."""
    if engine.dialect.name != "sqlite" or sqlite_file(engine.url) is None:
        return None
    nowait = _nowait_engines.get(engine)
    if nowait is None:
        nowait = _nowait_engines.setdefault(
            engine, _sqlite_engine(engine.url, busy_timeout_s=0, poolclass=SingletonThreadPool)
        )
    return nowait


_nowait_engines: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


@lru_cache
def get_engine() -> Engine:
    settings = get_settings()
    if settings.sqlalchemy_url.startswith("sqlite"):
        settings.ensure_data_dir()
    return make_engine(settings.sqlalchemy_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for scripts, workers and Reflex event handlers."""
    with Session(get_engine()) as session:
        yield session


_sqlite_writers: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()


def one_writer_at_a_time(session: Session | Connection) -> threading.Lock | nullcontext[None]:
    """Around a write transaction of ``session`` (its first write to its commit; or a statement
    of a connection that commits on its own), on SQLite: the
    threads of this process writing the same file take turns on a mutex. SQLite lets one writer
    in at a time and has the others sleep and retry (1, 2, 5 … 100 ms), so under concurrent
    submissions some waited hundreds of milliseconds while the lock was already free."""
    bind = session if isinstance(session, Connection) else session.get_bind()
    if bind.dialect.name != "sqlite":
        return nullcontext()
    return sqlite_writer_lock(bind if isinstance(bind, Engine) else bind.engine)


def sqlite_writer_lock(engine: Engine) -> threading.Lock:
    """The mutex the threads of this process writing ``engine``'s SQLite file take turns on."""
    lock = _sqlite_writers.get(engine)
    if lock is None:
        lock = _sqlite_writers.setdefault(engine, threading.Lock())
    return lock


def alembic_config(url: str | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", (url or get_settings().sqlalchemy_url).replace("%", "%%"))
    return cfg


def migrate(url: str | None = None) -> None:
    """Bring the database schema to the newest revision."""
    from alembic import command

    if (url or get_settings().sqlalchemy_url).startswith("sqlite"):
        get_settings().ensure_data_dir()
    command.upgrade(alembic_config(url), "head")
