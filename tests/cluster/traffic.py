"""What integrators and candidates send to the cluster, over HTTP to its web hosts. Each piece of
work is spread over two hosts, as a load balancer would: a file arrives on one host and is named
or finished on the other, a candidate's answers reach different hosts."""

from __future__ import annotations

import io
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.api.pipeline.builders import candidate_body, job_body

API = "/api/v1"


def take_home(index: int) -> bytes:
    """A small Python project with one passing test, a little different for each candidate."""
    files = {
        "README.md": f"# Orders {index}\n\nRun `pytest`.\n",
        "orders/__init__.py": "",
        "orders/total.py": (
            f"def total(prices):\n    # candidate {index}\n    return round(sum(prices), 2)\n"
        ),
        "tests/test_total.py": (
            "from orders.total import total\n\n\n"
            "def test_total():\n    assert total([1.5, 2]) == 3.5\n"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def evaluate_zip(
    upload_on: httpx.Client,
    submit_on: httpx.Client,
    headers: dict[str, str],
    *,
    index: int,
    callback_url: str,
) -> str:
    """Upload a take-home zip to one host and submit its evaluation on another; the id."""
    uploaded = upload_on.post(
        f"{API}/evaluations/uploads",
        files={"file": (f"take-home-{index}.zip", take_home(index), "application/zip")},
        headers=headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    submitted = submit_on.post(
        f"{API}/evaluations",
        json={
            "candidate_ref": f"CAND-CLUSTER-{index}",
            "target_role": "Backend Engineer",
            "target_level": "mid",
            "artefact": {"type": "zip_upload", "upload_id": uploaded.json()["upload_id"]},
            "callback_url": callback_url,
        },
        headers=headers,
    )
    assert submitted.status_code == 202, submitted.text
    return submitted.json()["id"]


def upload_recording(host: httpx.Client, headers: dict[str, str], recording: Path) -> dict:
    """An interview recording sent to ``host``; the 202 body (job id, credits charged)."""
    response = host.post(
        f"{API}/recruitscreen/jobs",
        headers=headers,
        data={"role_title": "Backend Engineer"},
        files={"file": (recording.name, recording.read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 202, response.text
    return response.json()


def browser_interview(
    first: httpx.Client, second: httpx.Client, headers: dict[str, str], answer: Path
) -> tuple[str, str]:
    """A recruiter starts an instant call on ``first``; the candidate's first answer reaches
    ``first``, the second answer ``second``, and "finish" reaches both at the same moment (a
    double click through two hosts). Returns (call id, interview job id)."""
    job = first.post(
        f"{API}/jobs",
        json=job_body(title="Backend Engineer"),
        headers=headers,
    )
    assert job.status_code == 201, job.text
    for i, question in enumerate(("Tell me about a speech you gave.", "Why did it matter?")):
        added = second.post(
            f"{API}/jobs/{job.json()['id']}/questions",
            json={"question_text": question, "source_id": f"cluster-q{i}"},
            headers=headers,
        )
        assert added.status_code == 201, added.text
    candidate = first.post(
        f"{API}/candidates",
        json=candidate_body(first_name="Grace", email="grace@example.com"),
        headers=headers,
    )
    assert candidate.status_code == 201, candidate.text
    application = second.post(
        f"{API}/applications",
        json={
            "candidate_id": candidate.json()["id"],
            "job_id": job.json()["id"],
            "candidate_source_id": candidate.json()["source_id"],
            "job_source_id": job.json()["source_id"],
            "source_application_status": "Applied",
            "application_stage": "ACTIVE",
        },
        headers=headers,
    )
    assert application.status_code == 201, application.text
    call = first.post(
        f"{API}/applications/{application.json()['id']}/instant-call", headers=headers
    )
    assert call.status_code == 201, call.text
    token = call.json()["interview_url"].rsplit("/", 1)[1]
    for index, host in enumerate((first, second)):
        saved = host.put(
            f"{API}/interview-sessions/{token}/answers/{index}",
            content=answer.read_bytes(),
            headers={"Content-Type": "audio/flac"},
        )
        assert saved.status_code == 200, saved.text
    with ThreadPoolExecutor(2) as pool:
        finished = list(
            pool.map(
                lambda host: host.post(f"{API}/interview-sessions/{token}/finish"), (first, second)
            )
        )
    assert [r.status_code for r in finished] == [200, 200], [r.text for r in finished]
    job_ids = {r.json()["interview_job_id"] for r in finished}
    assert len(job_ids) == 1, f"two finishes made two jobs: {job_ids}"
    return call.json()["id"], job_ids.pop()
