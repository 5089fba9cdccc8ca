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


def slot_count() -> int:
    """Sessions held at once: the pool's size, and no more than the threads that run sync work
    (each holder must be able to run; call it on the event loop)."""
    threads = int(anyio.to_thread.current_default_thread_limiter().total_tokens)
    return max(1, min(get_settings().db_pool_size, threads))


def _semaphore() -> asyncio.Semaphore:
    loop = asyncio.get_running_loop()
    semaphore = _slots.get(loop)
    if semaphore is None:
        semaphore = _slots[loop] = asyncio.Semaphore(slot_count())
    return semaphore


@asynccontextmanager
async def session_slot() -> AsyncIterator[None]:
    """Hold one of this event loop's session slots (first come, first served)."""
    async with _semaphore():
        yield
