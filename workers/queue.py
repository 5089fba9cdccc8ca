"""The Huey instance: SQLite file in the data folder by default, Redis when
``TRUELEVEL_REDIS_URL`` is set. Every task module imports ``huey`` from here.

Evaluations and interviews are enqueued with a priority (SLA tier, interview source), so the
Redis queue must be a priority queue: plain ``RedisHuey`` refuses priorities. Nobody reads task
results, so on Redis they expire instead of piling up."""

from __future__ import annotations

from huey import Huey, PriorityRedisExpireHuey, SqliteHuey

from backend.settings import Settings, get_settings

# How long Redis keeps a task's return value (only ever read when debugging).
RESULT_TTL_SECONDS = 3600


def make_huey(settings: Settings) -> Huey:
    """The queue named ``settings.queue_name``: Redis when a URL is configured, else SQLite."""
    if settings.redis_url:
        return PriorityRedisExpireHuey(
            settings.queue_name, url=settings.redis_url, expire_time=RESULT_TTL_SECONDS
        )
    path = settings.queue_file or settings.ensure_data_dir() / "queue.db"
    return SqliteHuey(settings.queue_name, filename=str(path))


huey = make_huey(get_settings())
