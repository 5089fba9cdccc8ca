"""Issue 11: a worker host with an empty data folder processes what web hosts took in, because
both use the installation's shared store (a real S3-compatible server here). The web side is the
API in this process; each worker is a real Huey consumer process whose TRUELEVEL_DATA_DIR is a
folder of its own, empty, so nothing it needs can come from the web side's disk."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from backend.db import session_scope
from backend.models import Evaluation, InterviewCall, InterviewJob
from backend.settings import get_settings
from tests.api.evaluations.helpers import submit as submit_evaluation
from tests.api.interviews.helpers import accepted as submit_recording
from tests.api.interviews.helpers import set_balance
from tests.api.interviews_calls.conftest import start_call, token_of
from tests.helpers import make_org
from tests.s3_server import running_s3_server
from tests.workers import consumers

API = "/api/v1"
JFK = Path(__file__).resolve().parents[3] / "shared" / "data" / "audio" / "jfk.flac"

PROJECT = {
    "README.md": "# Orders\n\nRun `pytest`.\n",
    "orders/__init__.py": "",
    "orders/total.py": "def total(prices):\n    return round(sum(prices), 2)\n",
    "tests/test_total.py": (
        "from orders.total import total\n\n\ndef test_total():\n    assert total([1.5, 2]) == 3.5\n"
    ),
}


@pytest.fixture(scope="module")
def s3():
    with running_s3_server() as server:
        yield server


@pytest.fixture()
def shared_store(s3):
    """This process (the web host) keeps files in a fresh bucket; yields the bucket's name."""
    bucket = s3.new_bucket()
    patch = pytest.MonkeyPatch()
    for name, value in s3.settings(bucket).items():
        patch.setenv(name, value)
    get_settings.cache_clear()
    yield bucket
    patch.undo()
    get_settings.cache_clear()


def worker(tmp_path: Path, queues: str, **settings: str):
    """A consumer of ``queues`` on an empty data folder of its own (and the shared store the
    environment names); returns (process, env, log)."""
    data_dir = tmp_path / f"{queues}-host-data"
    data_dir.mkdir()
    env = consumers.consumer_env(
        tmp_path / f"{queues}-queue.db", data_dir=str(data_dir), **settings
    )
    log = tmp_path / f"{queues}-worker.log"
    return consumers.start_consumer(env, log, "--no-periodic", queues=queues), env, log


def local_files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _zip(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_a_worker_on_another_host_evaluates_a_zip_from_the_shared_store(
    client, shared_store, s3, tmp_path
):
    org = make_org()
    response = client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("take-home.zip", _zip(PROJECT), "application/zip")},
        headers=org.headers,
    )
    assert response.status_code == 201, response.text
    upload_id = response.json()["upload_id"]
    evaluation_id = submit_evaluation(
        client, org, artefact={"type": "zip_upload", "upload_id": upload_id}
    )["id"]
    # The zip is in the bucket under its key, not on the web host's disk.
    assert s3.names(shared_store) == {f"cluster/uploads/evaluations/{upload_id}.zip"}
    assert not (get_settings().data_dir / "uploads" / "evaluations" / f"{upload_id}.zip").exists()

    process, env, log = worker(tmp_path, "cpu", sandbox_timeout_s="60", preload_models="0")
    try:
        consumers.enqueue("evaluate_code", evaluation_id, env)
        done = consumers.wait_for(
            Evaluation,
            evaluation_id,
            lambda e: e.stage == "awaiting_review" or e.status == "failed",
            180,
            f"the worker to evaluate the zip (log: {log.read_text()[-2000:]})",
        )
    finally:
        consumers.stop(process)
    assert done.stage == "awaiting_review", (done.failure_code, done.failure_reason)
    testing = next(s for s in done.automated_result["rubric_scores"] if s["category"] == "Testing")
    assert any("1 passed" in o["text"] or "1 test" in o["text"] for o in testing["observations"])
    assert "uploads" not in local_files(tmp_path / "cpu-host-data")  # fetched, used, removed


@pytest.mark.skipif(not JFK.is_file(), reason="../shared/data/audio/jfk.flac is missing")
def test_a_worker_on_another_host_processes_a_recording_and_a_browser_interview(
    client, shared_store, s3, tmp_path
):
    org = make_org()
    set_balance(org, 10)
    recording_job = submit_recording(client, org)["job_id"]

    _, call = start_call(client, org, questions=("Tell me about a speech you gave.", "And why?"))
    token = token_of(call)
    for index in (0, 1):  # the two answers may reach two web hosts: both land in the bucket
        answer = client.put(
            f"{API}/interview-sessions/{token}/answers/{index}",
            content=JFK.read_bytes(),
            headers={"Content-Type": "audio/flac"},
        )
        assert answer.status_code == 200, answer.text
    finished = client.post(f"{API}/interview-sessions/{token}/finish")
    assert finished.status_code == 200, finished.text
    with session_scope() as session:
        call_row = session.get(InterviewCall, call["id"])
        call_job = call_row.interview_job_id
    assert call_job
    stored = s3.names(shared_store)
    assert {f"cluster/interviews/calls/{call['id']}/answer-{i}.flac" for i in (0, 1)} <= stored
    assert any(name.startswith(f"cluster/interviews/{recording_job}/") for name in stored)

    process, env, log = worker(tmp_path, "gpu", preload_models="0")
    try:
        for job_id in (recording_job, call_job):
            consumers.enqueue("process_interview", job_id, env)
        done = [
            consumers.wait_for(
                InterviewJob,
                job_id,
                lambda j: j.status in ("completed", "failed"),
                420,
                f"the worker to process {job_id} (log: {log.read_text()[-3000:]})",
            )
            for job_id in (recording_job, call_job)
        ]
    finally:
        consumers.stop(process)
    for job in done:
        assert job.status == "completed", (job.error_code, job.error)
        words = " ".join(row["text"] for row in job.result["transcript"]).lower()
        assert "ask not what your country can do for you" in words
    # Retention, through the store, on the worker's side: the uploaded recording is deleted
    # after processing; the browser interview's answers are kept for the report's playback
    # until the answer retention period ends (media_retention).
    assert s3.names(shared_store) == {
        f"cluster/interviews/calls/{call['id']}/answer-{i}.flac" for i in (0, 1)
    }
    assert local_files(tmp_path / "gpu-host-data") == []
