"""The store as the installation uses it: every delete also gives the deleted uploads' bytes
back to their organisation's and candidate key's storage quota (``storage_quota.release``), so
the quota counts what is really stored whoever deletes (retention sweeps, erasure, a replaced
or refused upload)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO

from backend.services.storage.interface import Storage

log = logging.getLogger(__name__)


class MeteredStorage(Storage):
    def __init__(self, inner: Storage) -> None:
        self.inner = inner

    def put_file(self, key: str, source: Path) -> None:
        self.inner.put_file(key, source)

    def put_stream(self, key: str, stream: BinaryIO) -> None:
        self.inner.put_stream(key, stream)

    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        return self.inner.open(key)

    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        return self.inner.local_copy(key)

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def keys(self, prefix: str) -> Iterator[str]:
        return self.inner.keys(prefix)

    def delete(self, key: str) -> None:
        self.inner.delete(key)
        _release(key=key)

    def delete_prefix(self, prefix: str) -> int:
        removed = self.inner.delete_prefix(prefix)
        _release(prefix=prefix)
        return removed


def _release(**which: str) -> None:
    from backend.services import storage_quota

    try:
        storage_quota.release(**which)
    except Exception:  # the object is gone either way; a count left high only refuses early
        log.warning("could not release the stored bytes of %s", which, exc_info=True)
