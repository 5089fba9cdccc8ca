"""The one file store of an installation: zip uploads, interview recordings, browser-interview
answers and resumes, under keys the database keeps.

``TRUELEVEL_STORAGE_URL`` empty: the data folder (``local.LocalStorage``), the embedded default.
``s3://bucket/prefix``: an S3-compatible store (``s3.S3Storage``) every web and worker host
shares, with ``TRUELEVEL_S3_ENDPOINT_URL``, ``_ACCESS_KEY_ID``, ``_SECRET_ACCESS_KEY``,
``_REGION``.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

from backend.services.storage.interface import ObjectMissing, Storage, checked_key, key_of
from backend.services.storage.metered import MeteredStorage
from backend.settings import Settings, get_settings

__all__ = [
    "ObjectMissing",
    "Storage",
    "checked_key",
    "discard",
    "get_storage",
    "key_of",
    "stored_key",
]

log = logging.getLogger(__name__)

_lock = threading.Lock()
_stores: dict[tuple[str, ...], Storage] = {}


def get_storage(settings: Settings | None = None) -> Storage:
    """The store the settings name (one per distinct configuration, reused), metered: its
    deletes give the bytes back to the storage quota (``metered``)."""
    settings = settings or get_settings()
    identity = (
        settings.storage_url,
        str(settings.data_dir),
        settings.s3_endpoint_url,
        settings.s3_access_key_id,
        settings.s3_secret_access_key,
        settings.s3_region,
    )
    with _lock:
        store = _stores.get(identity)
        if store is None:
            store = _stores[identity] = MeteredStorage(_make(settings))
    return store


def _make(settings: Settings) -> Storage:
    url = settings.storage_url.strip()
    if not url:
        from backend.services.storage.local import LocalStorage

        return LocalStorage(settings.data_dir)
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(
            f"TRUELEVEL_STORAGE_URL must be empty or s3://bucket/prefix, not {url[:100]!r}"
        )
    from backend.services.storage.s3 import S3Storage, make_client

    client = make_client(
        endpoint_url=settings.s3_endpoint_url,
        access_key_id=settings.s3_access_key_id,
        secret_access_key=settings.s3_secret_access_key,
        region=settings.s3_region,
    )
    return S3Storage(bucket=parts.netloc, prefix=parts.path, client=client)


def stored_key(stored: str) -> str:
    """The key of a path a row stores (``interface.key_of``, with this host's data folder)."""
    return key_of(stored, data_dir=get_settings().data_dir)


def discard(key: str) -> None:
    """Delete what a refused or failed write may have stored; never raises, so the error that
    caused it is the one the caller sees (a leftover object is never referenced)."""
    try:
        get_storage().delete(key)
    except Exception:
        log.warning("could not delete stored object %s", key, exc_info=True)
