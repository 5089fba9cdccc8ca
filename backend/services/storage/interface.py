"""What every file store offers: objects under keys, read whole, copied to a local file for the
tools that need a path, deleted one by one or by prefix.

A key is a relative POSIX name such as ``uploads/evaluations/<id>.zip`` or
``interviews/calls/<call_id>/answer-0.webm``; the database stores keys, never a host's paths.
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path, PurePosixPath
from typing import BinaryIO


class ObjectMissing(FileNotFoundError):
    """No object is stored under the key (never stored, or deleted)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no stored object {key!r}")
        self.key = key


def checked_key(key: str) -> str:
    """``key`` when it is a relative POSIX name that stays inside the store, else ValueError."""
    path = PurePosixPath(key)
    if not key or "\\" in key or "\x00" in key or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"not a storage key: {key!r}")
    return path.as_posix()


def key_of(stored: str, *, data_dir: Path) -> str:
    """The key of a path a row stores. Rows store keys (relative to the data folder); zip
    uploads of earlier versions stored the absolute path under the data folder, which maps to
    the same key."""
    path = Path(stored)
    if not path.is_absolute():
        return checked_key(stored)
    try:
        return checked_key(path.relative_to(data_dir).as_posix())
    except ValueError:
        pass
    parts = path.parts
    for start in range(len(parts) - 1, -1, -1):  # written under another host's data folder
        if parts[start] == "uploads":
            return checked_key(PurePosixPath(*parts[start:]).as_posix())
    raise ObjectMissing(stored)


class Storage(abc.ABC):
    """One place files are kept; ``local.LocalStorage`` or ``s3.S3Storage``."""

    @abc.abstractmethod
    def put_file(self, key: str, source: Path) -> None:
        """Store the local file ``source`` under ``key`` (replacing any object). ``source`` may
        be moved: the caller must not use it afterwards."""

    @abc.abstractmethod
    def put_stream(self, key: str, stream: BinaryIO) -> None:
        """Store what ``stream`` reads under ``key``, in chunks."""

    def put_bytes(self, key: str, content: bytes) -> None:
        import io

        self.put_stream(key, io.BytesIO(content))

    @abc.abstractmethod
    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """The object's bytes as a readable stream; ``ObjectMissing`` when there is none."""

    @abc.abstractmethod
    def local_copy(self, key: str) -> AbstractContextManager[Path]:
        """A local file holding the object, for tools that need a path (unzipping, decoding
        audio), removed on exit when it is a copy; ``ObjectMissing`` on entry when there is
        none. The file is read-only to the caller."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool: ...

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; one already gone is not an error."""

    @abc.abstractmethod
    def delete_prefix(self, prefix: str) -> int:
        """Remove every object whose key lies under ``prefix/``; how many were removed."""

    @abc.abstractmethod
    def keys(self, prefix: str) -> Iterator[str]:
        """The keys under ``prefix/``, in no particular order."""
