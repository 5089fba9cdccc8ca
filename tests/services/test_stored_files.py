"""Copying an upload to disk: size and hash, the cap, and nothing left behind on a refusal."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from backend.services.stored_files import CHUNK_BYTES, StoredFile, store_stream


class TooLarge(Exception):
    pass


class Refused(Exception):
    pass


def _store(stream: BinaryIO | bytes, target: Path, max_bytes: int = 100, **kw: Any) -> StoredFile:
    if isinstance(stream, bytes):
        stream = io.BytesIO(stream)
    return store_stream(stream, target, max_bytes=max_bytes, too_large=TooLarge, **kw)


def test_a_stream_is_copied_with_its_size_and_sha256(tmp_path):
    data = bytes(range(256)) * (CHUNK_BYTES // 256 * 2 + 3)  # more than two chunks
    target = tmp_path / "file.bin"
    stored = _store(data, target, max_bytes=len(data))
    assert stored == StoredFile(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    assert target.read_bytes() == data


def test_one_byte_over_the_cap_raises_the_callers_error_and_removes_the_file(tmp_path):
    target = tmp_path / "file.bin"
    with pytest.raises(TooLarge):
        _store(b"x" * 11, target, max_bytes=10)
    assert not target.exists()


def test_the_first_chunk_can_refuse_the_file(tmp_path):
    seen: list[bytes] = []

    def check(chunk: bytes) -> None:
        seen.append(chunk)
        if not chunk.startswith(b"PK"):
            raise Refused("not a zip")

    target = tmp_path / "file.zip"
    assert _store(b"PK\x03\x04rest", target, on_first_chunk=check).size == 8
    with pytest.raises(Refused):
        _store(b"MZ not a zip", target, on_first_chunk=check)
    assert seen == [b"PK\x03\x04rest", b"MZ not a zip"]  # once per file, the first chunk only
    assert not target.exists()  # the refused file replaced the earlier one and was removed


def test_an_empty_stream_is_refused_only_when_asked(tmp_path):
    target = tmp_path / "empty.bin"
    assert _store(b"", target) == StoredFile(size=0, sha256=hashlib.sha256(b"").hexdigest())
    assert target.exists()
    with pytest.raises(Refused):
        _store(b"", target, empty=lambda: Refused("empty"))
    assert not target.exists()


def test_a_stream_that_breaks_midway_leaves_nothing(tmp_path):
    class Broken(io.RawIOBase):
        calls = 0

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 1:
                raise OSError("connection reset")
            return b"partial"

    target = tmp_path / "file.bin"
    with pytest.raises(OSError, match="connection reset"):
        _store(Broken(), target)
    assert not target.exists()
