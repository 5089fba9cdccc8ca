"""An API app with the call and interview-session routers mounted (until ``create_api`` mounts
them itself), spoken answers made with espeak-ng, and builders for calls."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.pipeline.builders import API, create_application
from tests.helpers import OrgHandle, make_org

JFK = Path(__file__).resolve().parents[4] / "shared" / "data" / "audio" / "jfk.flac"


@pytest.fixture(scope="session")
def calls_app():
    from backend.api import API_PREFIX, create_api, interview_sessions
    from backend.api.pipeline import calls

    app = create_api()
    mounted = {getattr(route, "path", "") for route in app.routes}
    if f"{API_PREFIX}/calls" not in mounted:
        app.include_router(calls.router, prefix=API_PREFIX)
    if f"{API_PREFIX}/interview-sessions/{{token}}" not in mounted:
        app.include_router(interview_sessions.router, prefix=API_PREFIX)
    return app


@pytest.fixture()
def client(calls_app):
    with TestClient(calls_app) as test_client:
        yield test_client


@pytest.fixture()
def org() -> OrgHandle:
    return make_org()


@pytest.fixture(scope="session")
def spoken(tmp_path_factory) -> dict[str, bytes]:
    """Two short spoken answers as WAV files (espeak-ng), and the JFK recording as FLAC."""
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is needed to synthesise answers")
    folder = tmp_path_factory.mktemp("answers")
    texts = {
        "first": "I have built data pipelines in Python for five years.",
        "second": "I would start by measuring where the time goes, then fix the slowest part.",
    }
    out: dict[str, bytes] = {}
    for name, text in texts.items():
        path = folder / f"{name}.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(path), text], check=True)
        out[name] = path.read_bytes()
    out["jfk"] = JFK.read_bytes()
    return out


def job_questions(client: TestClient, org: OrgHandle, job_id: str, *texts: str) -> list[dict]:
    added = []
    for i, text in enumerate(texts):
        response = client.post(
            f"{API}/jobs/{job_id}/questions",
            json={"question_text": text, "source_id": f"q-{i}"},
            headers=org.headers,
        )
        assert response.status_code == 201, response.text
        added.append(response.json())
    return added


def start_call(
    client: TestClient, org: OrgHandle, *, questions: tuple[str, ...] = ("Q one?", "Q two?")
) -> tuple[dict[str, Any], dict[str, Any]]:
    """An application whose job has ``questions``, and its instant call."""
    application = create_application(client, org)
    job_questions(client, org, application["job_id"], *questions)
    response = client.post(
        f"{API}/applications/{application['id']}/instant-call", headers=org.headers
    )
    assert response.status_code == 201, response.text
    return application, response.json()


def token_of(call: dict[str, Any]) -> str:
    return call["interview_url"].rsplit("/", 1)[1]
