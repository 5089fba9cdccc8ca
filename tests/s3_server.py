"""A real S3-compatible server for the storage tests: moto's HTTP server (``moto[server]``) on a
free local port, reached over HTTP like any S3 endpoint, by this process and by the worker
processes the tests start."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

ACCESS_KEY, SECRET_KEY, REGION = "truelevel-test", "truelevel-test-secret", "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
        )

    def new_bucket(self) -> str:
        name = f"truelevel-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def names(self, bucket: str) -> set[str]:
        """Every object name in ``bucket``."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def settings(self, bucket: str, prefix: str = "cluster") -> dict[str, str]:
        """The ``TRUELEVEL_*`` storage settings of an installation using ``bucket``."""
        return {
            "TRUELEVEL_STORAGE_URL": f"s3://{bucket}/{prefix}",
            "TRUELEVEL_S3_ENDPOINT_URL": self.endpoint_url,
            "TRUELEVEL_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "TRUELEVEL_S3_SECRET_ACCESS_KEY": SECRET_KEY,
            "TRUELEVEL_S3_REGION": REGION,
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_s3_server() -> Iterator[S3Server]:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield S3Server(f"http://127.0.0.1:{port}")
    finally:
        server.stop()
