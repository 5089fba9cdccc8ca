"""The API's own rate limit: each organisation API key may make
``TRUELEVEL_API_RATE_LIMIT_PER_MINUTE`` requests in a calendar minute (fixed windows; 0: no
limit); the next is refused with 429 ``rate_limited`` and ``Retry-After`` (the seconds left in
the minute).

It sits on every request, so it costs no database work: with ``TRUELEVEL_REDIS_URL`` set, one
Redis round trip (``INCR`` and ``EXPIRE`` of the key's counter for this minute, pipelined), so
that every host of the installation counts together; without Redis, a counter in the process
(a single-host installation, the embedded default). A Redis that does not answer is logged and
the process's own counter takes over: the limit protects the service, it must not take it down.
Keys are counted by their SHA-256, never kept in the clear.
"""

from __future__ import annotations

import hashlib
import logging
import time
import weakref
from asyncio import AbstractEventLoop, get_running_loop

from backend.settings import get_settings

log = logging.getLogger(__name__)

WINDOW_S = 60


class _LocalWindow:
    """Counts of the current minute in this process (the event loop is its only user)."""

    def __init__(self) -> None:
        self.window = -1
        self.counts: dict[str, int] = {}

    def hit(self, subject: str, window: int) -> int:
        if window != self.window:
            self.window, self.counts = window, {}
        count = self.counts.get(subject, 0) + 1
        self.counts[subject] = count
        return count


_local = _LocalWindow()
_redis_clients: weakref.WeakKeyDictionary[AbstractEventLoop, object] = weakref.WeakKeyDictionary()


def reset() -> None:
    """Forget this process's counts (tests)."""
    global _local
    _local = _LocalWindow()


def _redis(url: str):
    """One asyncio Redis client per event loop (a client is bound to the loop it was made on)."""
    loop = get_running_loop()
    client = _redis_clients.get(loop)
    if client is None:
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        _redis_clients[loop] = client
    return client


async def _redis_hit(url: str, subject: str, window: int) -> int | None:
    key = f"{get_settings().queue_name}:api-rate:{window}:{subject}"
    try:
        pipe = _redis(url).pipeline(transaction=False)
        pipe.incr(key)
        pipe.expire(key, 2 * WINDOW_S)
        count, _ = await pipe.execute()
        return int(count)
    except Exception:
        log.warning("the API rate limit could not reach Redis; counting in this process")
        return None


async def over_limit(api_key: str, *, now: float | None = None) -> int | None:
    """Count one request of ``api_key``; the seconds to wait when it is over the limit, else
    None."""
    settings = get_settings()
    limit = settings.api_rate_limit_per_minute
    if limit <= 0:
        return None
    now = time.time() if now is None else now
    window = int(now // WINDOW_S)
    subject = hashlib.sha256(api_key.encode()).hexdigest()[:32]
    count = await _redis_hit(settings.redis_url, subject, window) if settings.redis_url else None
    if count is None:
        count = _local.hit(subject, window)
    if count <= limit:
        return None
    return max(1, int((window + 1) * WINDOW_S - now + 0.999))
