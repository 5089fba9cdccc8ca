"""Copying an uploaded stream to disk: in chunks, under a size cap, with its SHA-256.

Evaluation zips, interview recordings and a browser interview's answers all arrive this way. A
refused or broken copy leaves nothing behind: the partial file is removed before the error
reaches the caller.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, NamedTuple

CHUNK_BYTES = 1024 * 1024


class StoredFile(NamedTuple):
    size: int
    sha256: str  # hex digest


def store_stream(
    stream: BinaryIO,
    path: Path,
    *,
    max_bytes: int,
    too_large: Callable[[], Exception],
    on_first_chunk: Callable[[bytes], None] | None = None,
    empty: Callable[[], Exception] | None = None,
) -> StoredFile:
    """Copy ``stream`` to ``path`` (created or replaced) and return its size and SHA-256.

    Raises ``too_large()`` as soon as more than ``max_bytes`` arrived and, when ``empty`` is
    given, ``empty()`` for a stream with no bytes. ``on_first_chunk`` sees the first chunk before
    it is written and may raise to refuse the file (a file read returns full chunks until the
    end, so the first one holds any header). On any error the partial file is removed."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as out:
            while chunk := stream.read(CHUNK_BYTES):
                if size == 0 and on_first_chunk is not None:
                    on_first_chunk(chunk)
                size += len(chunk)
                if size > max_bytes:
                    raise too_large()
                digest.update(chunk)
                out.write(chunk)
        if size == 0 and empty is not None:
            raise empty()
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredFile(size=size, sha256=digest.hexdigest())
