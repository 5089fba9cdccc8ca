"""A local scratch file for an upload on its way to the store: the upload is copied there in
chunks (size cap, SHA-256, media probe) and then handed to ``Storage.put_file``. It lives in the
data folder's ``tmp/``, on the same file system as the local store, so storing it locally is a
rename; whatever is left of it is removed on exit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from backend.private_files import private_dir
from backend.settings import get_settings


def spool_path(suffix: str = "") -> Path:
    """A fresh path in the data folder's ``tmp/``; the caller removes what it writes there."""
    folder = private_dir(get_settings().ensure_data_dir() / "tmp")
    return folder / f"upload-{uuid.uuid4().hex}{suffix[:16]}"


@contextmanager
def spool_file(suffix: str = "") -> Iterator[Path]:
    """``spool_path``, removed on exit."""
    path = spool_path(suffix)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
