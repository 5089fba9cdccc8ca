"""What web hosts read back from a shared store (S3-compatible, a real server here): the
recruiter's audio player streams a recording another host took in, with HTTP ranges; a replaced
browser-interview answer and a replaced resume leave nothing behind in the bucket."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest

from backend.db import session_scope
from backend.models import Member
from backend.services.organisations import start_web_session
from backend.settings import get_settings
from tests.api.interviews.helpers import accepted as submit_recording
from tests.api.interviews.helpers import set_balance
from tests.api.interviews_calls.conftest import start_call, token_of
from tests.api.pipeline.builders import PDF_BASE64, b64, create_candidate
from tests.helpers import make_org
from tests.s3_server import running_s3_server
from workers.speech.decoding import decode_audio

API = "/api/v1"
JFK = Path(__file__).resolve().parents[3] / "shared" / "data" / "audio" / "jfk.flac"
pytestmark = pytest.mark.skipif(not JFK.is_file(), reason="../shared/data/audio is missing")


@pytest.fixture(scope="module")
def s3():
    with running_s3_server() as server:
        yield server


@pytest.fixture()
def shared_store(s3):
    bucket = s3.new_bucket()
    patch = pytest.MonkeyPatch()
    for name, value in s3.settings(bucket, prefix="").items():
        patch.setenv(name, value)
    get_settings.cache_clear()
    yield bucket
    patch.undo()
    get_settings.cache_clear()


def test_the_audio_player_streams_a_recording_from_the_shared_store(client, shared_store, s3):
    org = make_org()
    set_balance(org, 5)
    job_id = submit_recording(client, org)["job_id"]
    assert [n for n in s3.names(shared_store) if n.startswith(f"interviews/{job_id}/")]
    with session_scope() as session:
        token = start_web_session(session, member=session.get(Member, org.admin_id))
    client.cookies.set("tl_session", token)
    try:
        whole = client.get(f"{API}/web/interviews/{job_id}/audio")
        part = client.get(f"{API}/web/interviews/{job_id}/audio", headers={"Range": "bytes=4-9"})
    finally:
        client.cookies.clear()
    assert whole.status_code == 200
    assert whole.content == JFK.read_bytes()
    assert whole.headers["content-type"] == "audio/flac"
    assert part.status_code == 206
    assert part.content == JFK.read_bytes()[4:10]


def test_a_retaken_answer_in_another_container_replaces_the_first_in_the_bucket(
    client, shared_store, s3
):
    org = make_org()
    _, call = start_call(client, org, questions=("Only question?",))
    url = f"{API}/interview-sessions/{token_of(call)}/answers/0"
    flac = JFK.read_bytes()
    assert client.put(url, content=flac, headers={"Content-Type": "audio/flac"}).status_code == 200
    wav = write_wav(decode_audio(JFK).samples[0])
    assert client.put(url, content=wav, headers={"Content-Type": "audio/wav"}).status_code == 200
    assert s3.names(shared_store) == {f"interviews/calls/{call['id']}/answer-0.wav"}
    assert not (get_settings().data_dir / "interviews" / "calls" / call["id"]).exists()


def test_resumes_are_kept_and_replaced_in_the_shared_store(client, shared_store, s3):
    org = make_org()
    candidate = create_candidate(client, org, file=PDF_BASE64, file_name="Ada CV.pdf")
    (first,) = s3.names(shared_store)
    assert first.startswith(f"resumes/{org.org_id}/") and first.endswith("-Ada_CV.pdf")
    url = f"{API}/candidates/{candidate['id']}"
    client.patch(url, json={"file": b64(b"plain text resume")}, headers=org.headers)
    (second,) = s3.names(shared_store)
    assert second != first and second.endswith(".txt")
    client.patch(url, json={"file": None}, headers=org.headers)
    assert s3.names(shared_store) == set()


def write_wav(samples: np.ndarray, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return buffer.getvalue()
