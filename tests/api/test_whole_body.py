"""A request body that arrived whole reaches the app in one message under the server ``make
run`` uses (Granian): one round trip to the server's thread, not two, and nothing lost."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "granian", "--interface", "asgi", "--workers", "1"]
    command += ["--port", str(port), "--log-level", "warning", "tests.api.whole_body_app:app"]
    process = subprocess.Popen(command, cwd=ROOT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def test_a_json_body_arrives_in_one_message(server: str) -> None:
    body = b'{"candidateRef": "CAND-1", "targetRole": "Backend Engineer"}'
    seen = httpx.post(server, content=body, headers={"content-type": "application/json"}).json()
    assert seen == [[len(body), False]]


def test_a_large_body_arrives_whole(server: str) -> None:
    body = bytes(range(256)) * 4096  # 1 MiB, in many pieces
    seen = httpx.post(server, content=body).json()
    assert sum(length for length, _ in seen) == len(body)
    assert seen[-1][1] is False and all(more for _, more in seen[:-1])


def test_a_body_without_a_length_is_passed_on_as_it_comes(server: str) -> None:
    def pieces() -> Iterator[bytes]:
        yield b"first piece, "
        yield b"second piece"

    seen = httpx.post(server, content=pieces()).json()  # chunked: no Content-Length
    assert sum(length for length, _ in seen) == len(b"first piece, second piece")
    assert seen[-1][1] is False


def test_an_empty_body_is_one_message(server: str) -> None:
    assert httpx.post(server, content=b"").json() == [[0, False]]
