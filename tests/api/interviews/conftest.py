"""The API with the interview router mounted ahead of seed 003's ``/jobs/{id}`` (what
``create_api`` is to do), a real uvicorn server for the SSE stream, and the upload cap."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.helpers import OrgHandle, make_org


def mount_interviews(app: Any) -> Any:
    """Put the interview routes first, as ``create_api`` must (before the pipeline router)."""
    from backend.api import API_PREFIX, interviews

    if any(getattr(r, "endpoint", None) is interviews.submit_job for r in app.router.routes):
        return app  # create_api mounts it already
    before = len(app.router.routes)
    app.include_router(interviews.router, prefix=API_PREFIX)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added
    return app


@pytest.fixture(scope="session")
def interviews_app():
    from backend.api import create_api

    return mount_interviews(create_api())


@pytest.fixture()
def client(interviews_app) -> Iterator[TestClient]:
    with TestClient(interviews_app) as test_client:
        yield test_client


@pytest.fixture()
def org() -> OrgHandle:
    return make_org()


@pytest.fixture(scope="session")
def live_server(interviews_app) -> Iterator[str]:
    """The app served by uvicorn on a free port in a thread: the SSE stream over real HTTP."""
    import uvicorn

    config = uvicorn.Config(
        interviews_app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def upload_cap_mb(monkeypatch) -> Iterator[Any]:
    """Set TRUELEVEL_INTERVIEW_MAX_UPLOAD_MB for one test; settings are re-read either side."""
    from backend.settings import get_settings

    def set_cap(mb: int) -> None:
        monkeypatch.setenv("TRUELEVEL_INTERVIEW_MAX_UPLOAD_MB", str(mb))
        get_settings.cache_clear()

    yield set_cap
    monkeypatch.delenv("TRUELEVEL_INTERVIEW_MAX_UPLOAD_MB", raising=False)
    get_settings.cache_clear()
