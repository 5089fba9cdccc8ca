"""Many clients at once: every request is answered, correctly, by a real server.

Before the API admitted requests to the database (``backend.api.admission``), 64 concurrent
clients stalled it: sync routes held pooled connections between thread hops while the threads
waited for connections, nothing was answered until the pool's timeout, then 500s. These tests fire
more requests at once than the pool has connections and the thread pool has threads, and expect
each one to be answered as if it were alone."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlmodel import col, func, select

from backend.db import session_scope
from backend.models import Evaluation
from tests.api.evaluations.helpers import API, submission_body
from tests.helpers import OrgHandle

CLIENTS = 128  # over the pool's 30 connections and anyio's 40 threads
PATIENCE_S = 120  # far beyond a healthy answer; a stalled server fails here, not by hanging


@pytest.fixture(scope="module")
def server_url(api_app) -> Iterator[str]:
    """``create_api()`` served by uvicorn on a free port, as a deployment serves it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(api_app, host="127.0.0.1", port=port, log_level="warning", backlog=512)
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture()
def org(disposable_org: OrgHandle) -> OrgHandle:
    """Hundreds of evaluations each test leaves are removed afterwards (``disposable_org``)."""
    return disposable_org


def _all_at_once(url: str, requests: list[tuple[str, str, dict | None]], org: OrgHandle):
    """Send every request at once, each on its own connection; the responses in order."""

    async def run() -> list[httpx.Response]:
        limits = httpx.Limits(max_connections=len(requests), max_keepalive_connections=0)
        async with httpx.AsyncClient(
            base_url=url, headers=org.headers, limits=limits, timeout=PATIENCE_S
        ) as client:
            return await asyncio.gather(
                *(client.request(method, path, json=body) for method, path, body in requests)
            )

    return asyncio.run(asyncio.wait_for(run(), timeout=PATIENCE_S))


def test_many_clients_reading_one_evaluation_all_get_it(server_url: str, org: OrgHandle) -> None:
    with httpx.Client(base_url=server_url, headers=org.headers) as client:
        created = client.post(f"{API}/evaluations", json=submission_body())
    assert created.status_code == 202, created.text
    evaluation_id = created.json()["id"]

    responses = _all_at_once(
        server_url, [("GET", f"{API}/evaluations/{evaluation_id}", None)] * CLIENTS, org
    )

    assert [r.status_code for r in responses] == [200] * CLIENTS, {
        r.status_code: r.text for r in responses if r.status_code != 200
    }
    assert {r.json()["id"] for r in responses} == {evaluation_id}


def test_many_clients_submitting_at_once_each_get_their_evaluation(
    server_url: str, org: OrgHandle
) -> None:
    refs = [f"CAND-{n:04d}" for n in range(CLIENTS)]

    responses = _all_at_once(
        server_url,
        [("POST", f"{API}/evaluations", submission_body(candidate_ref=ref)) for ref in refs],
        org,
    )

    assert [r.status_code for r in responses] == [202] * CLIENTS, {
        r.status_code: r.text for r in responses if r.status_code != 202
    }
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == CLIENTS
    with session_scope() as session:
        stored = session.exec(
            select(func.count()).where(col(Evaluation.org_id) == org.org_id)
        ).one()
    assert stored == CLIENTS  # one row per 202, none for a request that failed


def test_reads_writes_and_misses_at_once_each_get_their_own_answer(
    server_url: str, org: OrgHandle
) -> None:
    with httpx.Client(base_url=server_url, headers=org.headers) as client:
        evaluation_id = client.post(f"{API}/evaluations", json=submission_body()).json()["id"]
    requests: list[tuple[str, str, dict | None]] = []
    for n in range(CLIENTS):
        if n % 4 == 0:
            requests.append(("POST", f"{API}/evaluations", submission_body()))
        elif n % 4 == 1:
            requests.append(("GET", f"{API}/evaluations/eval-missing-{n}", None))
        else:
            requests.append(("GET", f"{API}/evaluations/{evaluation_id}", None))

    responses = _all_at_once(server_url, requests, org)

    expected = [{0: 202, 1: 404}.get(n % 4, 200) for n in range(CLIENTS)]
    assert [r.status_code for r in responses] == expected


def _slow_upload(url: str, org: OrgHandle, zip_bytes: bytes) -> tuple[socket.socket, bytes]:
    """A zip upload whose client sent its headers and the start of its body, then paused: the
    socket and the rest of the body, for ``_finish_upload``."""
    boundary = "slowclientboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.zip"\r\n'
        "Content-Type: application/zip\r\n\r\n"
    ).encode()
    body = head + zip_bytes + f"\r\n--{boundary}--\r\n".encode()
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.sendall(
        (
            f"POST {API}/evaluations/uploads HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: {org.headers['Authorization']}\r\n"
            f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode()
        + body[: len(head)]
    )
    return sock, body[len(head) :]


def _finish_upload(sock: socket.socket, rest: bytes) -> int:
    sock.sendall(rest)
    sock.settimeout(PATIENCE_S)
    answer = b""
    while b"\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    sock.close()
    return int(answer.split(b" ", 2)[1])


def test_slow_uploads_keep_nobody_else_from_the_database(server_url: str, org: OrgHandle) -> None:
    """More uploads than the server has database slots, each client pausing mid-body: a read
    is still answered at once (a slot per kept connection: ``db_pool_size``), and every upload
    is taken once its body is complete."""
    from backend.settings import get_settings

    with httpx.Client(base_url=server_url, headers=org.headers) as client:
        evaluation_id = client.post(f"{API}/evaluations", json=submission_body()).json()["id"]
        zip_bytes = b"PK\x05\x06" + b"\x00" * 18  # an empty zip archive
        slow = [
            _slow_upload(server_url, org, zip_bytes) for _ in range(get_settings().db_pool_size + 2)
        ]
        try:
            time.sleep(1)  # the server has read every upload's headers and started its body
            started = time.monotonic()
            read = client.get(f"{API}/evaluations/{evaluation_id}", timeout=PATIENCE_S)
            waited = time.monotonic() - started
        finally:
            statuses = [_finish_upload(sock, rest) for sock, rest in slow]
    assert read.status_code == 200
    assert waited < 5, f"the read waited {waited:.1f} s behind slow uploads"
    assert statuses == [201] * len(slow)
