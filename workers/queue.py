"""The Huey instance: SQLite file in the data folder by default, Redis when
``TRUELEVEL_REDIS_URL`` is set. Every task module imports ``huey`` from here."""

from __future__ import annotations

from huey import Huey, RedisHuey, SqliteHuey

from backend.settings import Settings, get_settings

QUEUE_NAME = "truelevel"


def make_huey(settings: Settings) -> Huey:
    if settings.redis_url:
        return RedisHuey(QUEUE_NAME, url=settings.redis_url)
    path = settings.queue_file or settings.ensure_data_dir() / "queue.db"
    return SqliteHuey(QUEUE_NAME, filename=str(path))


huey = make_huey(get_settings())
