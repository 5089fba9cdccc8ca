"""The embedded default: objects are files under the data folder, the key their relative path.
Writes are atomic (a temporary file in the same folder, then a rename); files are 0600, folders
0700 (``backend.private_files``)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from backend.private_files import FILE_MODE, private_dir, private_file
from backend.services.storage.interface import ObjectMissing, Storage, checked_key

CHUNK_BYTES = 1024 * 1024


class LocalStorage(Storage):
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        return self.root / checked_key(key)

    def _partial(self, target: Path) -> Path:
        private_dir(target.parent)
        return target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.part")

    def put_file(self, key: str, source: Path) -> None:
        target = self.path(key)
        partial = self._partial(target)
        try:
            try:
                os.replace(source, partial)  # same file system: a rename, no copy
            except OSError:
                shutil.copyfile(source, partial)
            os.chmod(partial, FILE_MODE)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

    def put_stream(self, key: str, stream: BinaryIO) -> None:
        target = self.path(key)
        partial = self._partial(target)
        try:
            with open(private_file(partial), "wb") as out:
                shutil.copyfileobj(stream, out, CHUNK_BYTES)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        try:
            handle = self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectMissing(key) from None
        with handle:
            yield handle

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        path = self.path(key)
        if not path.is_file():
            raise ObjectMissing(key)
        yield path  # already local: no copy to make or remove

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        path = self.path(key)
        path.unlink(missing_ok=True)
        self._prune(path.parent)

    def delete_prefix(self, prefix: str) -> int:
        folder = self.path(prefix)
        removed = sum(1 for _ in self.keys(prefix))
        shutil.rmtree(folder, ignore_errors=True)
        self._prune(folder.parent)
        return removed

    def keys(self, prefix: str) -> Iterator[str]:
        folder = self.path(prefix)
        if folder.is_dir():
            for path in folder.rglob("*"):
                if path.is_file() and not path.name.endswith(".part"):
                    yield path.relative_to(self.root).as_posix()

    def _prune(self, folder: Path) -> None:
        """Remove folders left empty up to the root (a job's or a call's folder)."""
        root = self.root.resolve()
        folder = folder.resolve()
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()
            except OSError:  # not empty, or already gone
                return
            folder = folder.parent
