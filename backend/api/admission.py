"""Admission of requests to the database: at most ``db_pool_size`` requests of this process hold
a session at once, so the connection pool (``db_pool_size`` + ``db_max_overflow``) never runs dry
under the API, whatever the number of clients.

Without it, sync routes and dependencies run in a pool of 40 threads while their session keeps
its connection between thread hops: 40 threads waiting for a connection, while the requests
holding all the connections wait for a thread, is a deadlock that lasts until the pool's timeout
and ends in 500s. Requests past the limit wait here, on the event loop, holding neither."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread

from backend.settings import get_settings

_slots: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)
_key_checks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
    weakref.WeakKeyDictionary()
)
# Keys checked against the database at once (``key_check_slot``).
KEY_CHECKS_AT_ONCE = 4


def slot_count() -> int:
    """Sessions held at once: the pool's size, and no more than the threads that run sync work
    (each holder must be able to run; call it on the event loop)."""
    threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
    return max(1, min(get_settings().db_pool_size, threads))


def _semaphore(
    held: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore], size: int
) -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    semaphore = held.get(loop)
    if semaphore is None:
        semaphore = held[loop] = asyncio.Semaphore(size)
    return semaphore


@asynccontextmanager
async def session_slot() -> AsyncIterator[None]:
    """Hold one of this event loop's session slots (first come, first served)."""
    async with _semaphore(_slots, slot_count()):
        yield


@asynccontextmanager
async def key_check_slot() -> AsyncIterator[None]:
    """Hold one of the few turns to check a caller's key against the database, on a session of
    its own. Not a session slot: the request may already hold one (its ``SessionDep``, still
    without a connection) and waiting for a second could deadlock once every slot is held that
    way. Checks take their connections from the pool's overflow and their threads from the
    pool's spare ones (``slot_count`` leaves them), a few at a time, so neither runs dry."""
    async with _semaphore(_key_checks, KEY_CHECKS_AT_ONCE):
        yield
