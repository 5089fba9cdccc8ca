"""Any S3-compatible store (AWS S3, MinIO, Ceph, R2…) shared by every host of a cluster.

boto3 is imported when the first S3 store is made, so an installation that keeps files locally
never needs it. Uploads and downloads go through boto3's managed transfer (multipart, in chunks),
so a large recording is never held in memory."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

from backend.services.storage.interface import ObjectMissing, Storage, checked_key

_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage(Storage):
    def __init__(self, *, bucket: str, prefix: str, client: Any) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client

    def name(self, key: str) -> str:
        key = checked_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def _key(self, name: str) -> str:
        return name[len(self.prefix) + 1 :] if self.prefix else name

    def put_file(self, key: str, source: Path) -> None:
        self.client.upload_file(str(source), self.bucket, self.name(key))

    def put_stream(self, key: str, stream: BinaryIO) -> None:
        self.client.upload_fileobj(stream, self.bucket, self.name(key))

    @contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.name(key))["Body"]
        except Exception as error:
            _raise_missing(error, key)
            raise
        try:
            yield body
        finally:
            body.close()

    @contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        suffix = PurePosixPath(key).suffix[:16]
        handle, name = tempfile.mkstemp(prefix="truelevel-object-", suffix=suffix)
        os.close(handle)
        path = Path(name)
        try:
            try:
                self.client.download_file(self.bucket, self.name(key), name)
            except Exception as error:
                _raise_missing(error, key)
                raise
            yield path
        finally:
            path.unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.name(key))
        except Exception as error:
            if _is_missing(error):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.name(key))

    def delete_prefix(self, prefix: str) -> int:
        names = [self.name(key) for key in self.keys(prefix)]
        for start in range(0, len(names), 1000):  # the most one request deletes
            batch = [{"Key": name} for name in names[start : start + 1000]]
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": batch})
        return len(names)

    def keys(self, prefix: str) -> Iterator[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.name(prefix).rstrip("/") + "/"
        )
        for page in pages:
            for item in page.get("Contents", []):
                yield self._key(item["Key"])


def _is_missing(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return str(response.get("Error", {}).get("Code", "")) in _MISSING


def _raise_missing(error: Exception, key: str) -> None:
    if _is_missing(error):
        raise ObjectMissing(key) from None


def make_client(*, endpoint_url: str, access_key_id: str, secret_access_key: str, region: str):
    """A boto3 S3 client; empty values fall back to boto3's own lookup."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url or None,
        aws_access_key_id=access_key_id or None,
        aws_secret_access_key=secret_access_key or None,
        region_name=region or None,
        config=Config(retries={"max_attempts": 5, "mode": "standard"}),
    )
