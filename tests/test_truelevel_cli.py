"""The candidate command line against the real API: uvicorn serving ``create_api()`` on a local
port, the test database from tests/conftest.py, and the CLI's ``main`` run as a candidate would
run it (in a folder of their own, with their key)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from sqlmodel import select

from backend.models import CandidateSession
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation, EvaluationUpload, SessionEvent
from backend.services.storage import get_storage, stored_key
from tests.api.assessments.helpers import create_assessment, generate_keys
from tests.helpers import make_org
from truelevel_cli.commands import (
    STATE_FILE,
    format_duration,
    looks_like_test_command,
    main,
    zip_folder,
)

BRIEF = "Add cursor pagination to GET /orders and document the trade-offs."


@pytest.fixture(scope="module")
def server_url(api_app) -> Iterator[str]:
    """The real app over real HTTP on a free 127.0.0.1 port, for this module's tests."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(api_app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):  # start-up takes well under a second; give a loaded machine 10 s
        if server.started:
            break
        time.sleep(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture()
def http(server_url: str) -> Iterator[httpx.Client]:
    """The organisation's side: sets up assessments and keys over the same HTTP server."""
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


@pytest.fixture(autouse=True)
def _no_inherited_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # A developer's own key or server in the environment must not leak into these tests.
    monkeypatch.delenv("TRUELEVEL_CANDIDATE_KEY", raising=False)
    monkeypatch.delenv("TRUELEVEL_URL", raising=False)


class Candidate:
    """One invited candidate: their key, their folder, and the CLI run as they would run it."""

    def __init__(self, capsys: Any, url: str, key: str, folder: Path, assessment: dict) -> None:
        self.capsys = capsys
        self.url = url
        self.key = key
        self.folder = folder
        self.assessment = assessment

    def cli(self, *args: str, key: str | None = None) -> tuple[int, str, str]:
        """Run ``python -m truelevel_cli ARGS`` in the candidate's folder (in-process)."""
        self.capsys.readouterr()
        # Connection options first: after ``run --`` everything belongs to the command.
        argv = ["--url", self.url, "--key", key or self.key, *args]
        code = main(argv, cwd=self.folder)
        out, err = self.capsys.readouterr()
        return code, out, err

    @property
    def state(self) -> dict[str, Any]:
        return json.loads((self.folder / STATE_FILE).read_text())


def invite(
    http: httpx.Client, capsys: Any, folder: Path, *, time_limit: int | None = 90
) -> Candidate:
    """An organisation, an assessment with ``BRIEF`` and one candidate key."""
    org = make_org()
    fields: dict[str, Any] = {"taskBrief": BRIEF, "repoUrl": "https://git.example.com/shop.git"}
    if time_limit:
        fields["timeLimitMinutes"] = time_limit
    assessment = create_assessment(http, org, **fields)
    (key,) = generate_keys(http, org, assessment["id"])
    folder.mkdir(parents=True, exist_ok=True)
    return Candidate(capsys, str(http.base_url).rstrip("/"), key["key"], folder, assessment)


@pytest.fixture()
def candidate(http: httpx.Client, capsys: Any, tmp_path: Path) -> Candidate:
    return invite(http, capsys, tmp_path / "work")


@pytest.fixture()
def started(candidate: Candidate) -> Candidate:
    code, _, err = candidate.cli("start")
    assert code == 0, err
    return candidate


def _events(db: Any, session_id: str) -> list[SessionEvent]:
    db.expire_all()
    return list(db.exec(select(SessionEvent).where(SessionEvent.session_id == session_id)).all())


def _end_session_clock(db: Any, session_id: str) -> None:
    row = db.get(CandidateSession, session_id)
    row.deadline_at = utcnow() - timedelta(seconds=1)
    db.add(row)
    db.commit()


@pytest.fixture()
def repository_url(tmp_path: Path) -> Iterator[str]:
    """A small real git repository served over git's dumb HTTP protocol on 127.0.0.1 (the API
    takes http/https/git/ssh URLs, not ``file://``)."""
    work = tmp_path / "orders"
    work.mkdir()
    (work / "orders.py").write_text("def page(items, cursor=0):\n    return items[cursor:]\n")
    (work / "README.md").write_text("# Orders\n\nCursor pagination because offsets drift.\n")
    git = ["git", "-c", "user.name=Cand", "-c", "user.email=c@example.com"]
    subprocess.run([*git, "-C", str(work), "init", "-q"], check=True)
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-q", "-m", "Add pagination"], check=True)
    served = tmp_path / "served"
    served.mkdir()
    bare = served / "orders.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    subprocess.run(["git", "-C", str(bare), "update-server-info"], check=True)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # keep the test output clean
            pass

    handler = partial(Quiet, directory=str(served))
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as httpd:
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{httpd.server_address[1]}/orders.git"
        # The URL is a real repository: git can read it.
        subprocess.run(["git", "ls-remote", "-q", url], check=True, capture_output=True)
        yield url
        httpd.shutdown()
        thread.join(timeout=10)


# --------------------------------------------------------------------------------------------
# start, show, status (routes that exist since the foundation issue)
# --------------------------------------------------------------------------------------------


def test_start_prints_the_brief_and_saves_the_session(candidate: Candidate, http, db):
    code, out, err = candidate.cli("start")
    assert code == 0, err
    assert BRIEF in out
    assert "Backend API Challenge — Senior Backend Engineer" in out
    assert "Repository: https://git.example.com/shop.git" in out
    assert "Time limit: 90 minutes" in out
    assert "Time left: 1 h " in out  # a 90-minute session just started
    state = candidate.state
    session = db.get(CandidateSession, state["sessionId"])
    assert session is not None and session.assessment_id == candidate.assessment["id"]
    assert state["assessmentId"] == candidate.assessment["id"]
    assert state["deadlineAt"] and state["submission"] is None
    # The key is the candidate's credential: it is never written to the folder.
    assert candidate.key not in (candidate.folder / STATE_FILE).read_text()


def test_start_again_elsewhere_resumes_the_same_session(started: Candidate, tmp_path: Path):
    other = Candidate(started.capsys, started.url, started.key, tmp_path / "laptop", {})
    other.folder.mkdir()
    code, out, err = other.cli("start")
    assert code == 0, err
    assert "already redeemed; resuming session" in out
    assert BRIEF in out
    assert other.state["sessionId"] == started.state["sessionId"]


def test_start_without_a_time_limit_says_so(http, capsys, tmp_path: Path):
    candidate = invite(http, capsys, tmp_path / "w", time_limit=None)
    code, out, _ = candidate.cli("start")
    assert code == 0
    assert "Time limit: none" in out and "No time limit." in out


def test_show_reads_the_brief_without_starting_the_clock(candidate: Candidate, db):
    code, _, err = candidate.cli("show")
    assert code == 1
    assert "run start" in err and "--assessment" in err

    code, out, err = candidate.cli("show", "--assessment", candidate.assessment["id"])
    assert code == 0, err
    assert BRIEF in out
    assert not (candidate.folder / STATE_FILE).exists()
    started = db.exec(
        select(CandidateSession).where(CandidateSession.assessment_id == candidate.assessment["id"])
    ).all()
    assert started == []


def test_show_after_start_adds_the_time_left(started: Candidate):
    code, out, _ = started.cli("show")
    assert code == 0
    assert BRIEF in out and "Time left: " in out


def test_status_before_submitting(started: Candidate):
    code, out, _ = started.cli("status")
    assert code == 0
    assert f"Session {started.state['sessionId']}: active" in out
    assert "Time left: 1 h " in out
    assert "Submission: not submitted yet." in out


def test_status_once_the_time_is_over(started: Candidate, db):
    _end_session_clock(db, started.state["sessionId"])
    code, out, _ = started.cli("status")
    assert code == 0
    assert ": expired" in out
    assert "Time is up" in out and "marked late" in out


# --------------------------------------------------------------------------------------------
# Errors a candidate meets
# --------------------------------------------------------------------------------------------


def test_no_key_is_a_one_line_message(candidate: Candidate):
    code = main(["start", "--url", candidate.url], cwd=candidate.folder)
    err = candidate.capsys.readouterr().err
    assert code == 2
    assert err.strip().count("\n") == 0
    assert "No candidate key" in err and "TRUELEVEL_CANDIDATE_KEY" in err


def test_key_from_the_environment(candidate: Candidate, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TRUELEVEL_CANDIDATE_KEY", candidate.key)
    monkeypatch.setenv("TRUELEVEL_URL", candidate.url)
    code = main(["start"], cwd=candidate.folder)
    out = candidate.capsys.readouterr().out
    assert code == 0 and BRIEF in out


def test_wrong_key_is_refused_with_exit_code_2(candidate: Candidate):
    code, out, err = candidate.cli("start", key="TL-AAAA-BBBB")
    assert code == 2
    assert out == ""
    assert err.strip().count("\n") == 0
    assert err.startswith("truelevel: The server refused the candidate key:")
    assert not (candidate.folder / STATE_FILE).exists()


def test_wrong_key_after_start_is_refused_too(started: Candidate):
    code, _, err = started.cli("status", key="TL-AAAA-BBBB")
    assert code == 2
    assert "refused the candidate key" in err


def test_an_organisation_key_cannot_start_a_session(candidate: Candidate):
    org = make_org()
    code, _, err = candidate.cli("start", key=org.api_key)
    assert code == 2
    assert "candidate key as the bearer token" in err


def test_unreachable_server(candidate: Candidate):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    candidate.url = f"http://127.0.0.1:{port}"
    code, _, err = candidate.cli("start")
    assert code == 3
    assert f"cannot reach the truelevel server at http://127.0.0.1:{port}" in err
    assert "TRUELEVEL_URL" in err


def test_commands_that_need_a_session_say_so(candidate: Candidate):
    for args in (("status",), ("log", "prompt"), ("submit", "--repo", "https://x.test/r.git")):
        code, _, err = candidate.cli(*args)
        assert code == 1
        assert "run start first" in err


def test_a_broken_session_file_is_reported(started: Candidate):
    (started.folder / STATE_FILE).write_text("{not json")
    code, _, err = started.cli("status")
    assert code == 1
    assert "is not a truelevel session file" in err


# --------------------------------------------------------------------------------------------
# Session events (POST /sessions/{id}/events)
# --------------------------------------------------------------------------------------------


def test_log_every_kind_of_event(started: Candidate, db):
    assert started.cli("log", "prompt")[1] == "Logged prompt.\n"
    code, out, _ = started.cli("log", "command", "pytest -q", "--exit-code", "1")
    assert code == 0 and "exit code 1, verification" in out
    assert started.cli("log", "command", "ls -la", "--exit-code", "0")[0] == 0
    code, out, _ = started.cli("log", "edit", "orders.py", "--kind", "assisted")
    assert code == 0 and "assisted edit of orders.py" in out
    assert started.cli("log", "test", "--passed", "3", "--failed", "1")[0] == 0

    events = sorted(_events(db, started.state["sessionId"]), key=lambda e: (e.at, e.created_at))
    assert [e.type for e in events] == ["prompt", "command", "command", "edit", "test_run"]
    pytest_run, listing = events[1], events[2]
    assert (pytest_run.command, pytest_run.exit_code, pytest_run.verification) == (
        "pytest -q",
        1,
        True,
    )
    assert (listing.command, listing.exit_code, listing.verification) == ("ls -la", 0, False)
    assert (events[3].edit_kind, events[3].path) == ("assisted", "orders.py")
    assert (events[4].passed, events[4].failed) == (3, 1)


def test_log_command_verification_can_be_stated(started: Candidate, db):
    code, _, _ = started.cli("log", "command", "./check.sh", "--exit-code", "0", "--verification")
    assert code == 0
    (event,) = _events(db, started.state["sessionId"])
    assert event.verification is True


def test_log_rejects_bad_arguments_before_calling_the_server(started: Candidate, db):
    with pytest.raises(SystemExit) as exc:
        started.cli("log", "edit", "x.py", "--kind", "telepathic")
    assert exc.value.code == 2
    with pytest.raises(SystemExit):
        started.cli("log", "test", "--passed", "-1", "--failed", "0")
    assert _events(db, started.state["sessionId"]) == []


def test_run_logs_the_exit_code_and_passes_it_on(started: Candidate, db):
    code, _, err = started.cli("run", "--", sys.executable, "-c", "raise SystemExit(3)")
    assert code == 3
    assert "Logged command with exit code 3" in err
    code, _, err = started.cli("run", "--", sys.executable, "-m", "pytest", "--version")
    assert code == 0
    assert "Logged verification command with exit code 0" in err
    code, _, err = started.cli("run", "--", "no-such-program-here")
    assert code == 127 and "command not found" in err

    events = _events(db, started.state["sessionId"])
    by_exit = {e.exit_code: e for e in events}
    assert set(by_exit) == {3, 0, 127}
    assert by_exit[3].verification is False and by_exit[3].command.endswith("'raise SystemExit(3)'")
    assert by_exit[0].verification is True and "-m pytest --version" in by_exit[0].command


def test_run_works_in_the_candidate_folder(started: Candidate):
    code, _, _ = started.cli(
        "run", "--", sys.executable, "-c", "open('made-here.txt', 'w').write('x')"
    )
    assert code == 0
    assert (started.folder / "made-here.txt").exists()


# --------------------------------------------------------------------------------------------
# Submitting (POST /evaluations/uploads, POST /sessions/{id}/submission)
# --------------------------------------------------------------------------------------------


def test_submit_a_repository_then_status_shows_it(started: Candidate, db, repository_url: str):
    url = repository_url
    code, out, err = started.cli("submit", "--repo", url)
    assert code == 0, err
    evaluation_id = started.state["submission"]["evaluationId"]
    assert f"Submitted: evaluation {evaluation_id}" in out
    assert "after the time limit" not in out

    db.expire_all()
    evaluation = db.get(Evaluation, evaluation_id)
    assert evaluation.session_id == started.state["sessionId"]
    assert evaluation.artefact_url == url and evaluation.submitted_late is False

    # Handing in ends the session: its clock stops and a second submission is refused.
    assert "Session completed." in out
    code, out, _ = started.cli("status")
    assert code == 0
    assert ": completed" in out
    assert f"Submission: evaluation {evaluation_id}" in out and "on time" in out
    code, _, err = started.cli("submit", "--repo", url)
    assert code == 1
    assert f"already has a submission (evaluation {evaluation_id})" in err


def test_submit_a_folder_zips_it_without_history_or_dependencies(
    started: Candidate, db, tmp_path: Path
):
    folder = started.folder
    (folder / "src").mkdir()
    (folder / "src" / "orders.py").write_text("def page():\n    return []\n")
    (folder / "README.md").write_text("# Orders\n")
    for skipped in (".git", "node_modules/left-pad", ".venv/lib"):
        (folder / skipped).mkdir(parents=True)
        (folder / skipped / "big.bin").write_bytes(b"x" * 100)
    code, out, err = started.cli("submit", "--dir", str(folder))
    assert code == 0, err
    assert "Uploaded 2 files" in out

    db.expire_all()
    evaluation = db.get(Evaluation, started.state["submission"]["evaluationId"])
    upload = db.get(EvaluationUpload, evaluation.upload_id)
    stored = get_storage().local_copy(stored_key(upload.path))
    with stored as path, zipfile.ZipFile(path) as archive:
        assert sorted(archive.namelist()) == ["README.md", "src/orders.py"]


def test_submit_a_zip(started: Candidate, db, tmp_path: Path):
    archive = tmp_path / "take-home.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("main.go", "package main\n")
    code, out, err = started.cli("submit", "--zip", str(archive))
    assert code == 0, err
    assert "Uploaded take-home.zip" in out
    db.expire_all()
    evaluation = db.get(Evaluation, started.state["submission"]["evaluationId"])
    assert evaluation.artefact_type == "zip_upload"


def test_submit_a_missing_zip(started: Candidate, tmp_path: Path):
    code, _, err = started.cli("submit", "--zip", str(tmp_path / "nope.zip"))
    assert code == 1 and "No such file" in err


def test_submit_after_the_time_limit_is_marked_late(started: Candidate, db, repository_url: str):
    _end_session_clock(db, started.state["sessionId"])
    code, out, err = started.cli("submit", "--repo", repository_url)
    assert code == 0, err
    assert "submitted after the time limit" in out
    code, out, _ = started.cli("status")
    assert "submitted after the time limit" in out


# --------------------------------------------------------------------------------------------
# Local pieces
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        "pytest",
        "pytest -q tests/",
        ".venv/bin/pytest -x",
        "python -m pytest",
        "python3.11 -m unittest discover",
        "PYTHONPATH=. pytest",
        "npm test",
        "npm run test",
        "yarn test",
        "npx jest",
        "go test ./...",
        "mvn -q test",
        "./gradlew test",
        "cargo test --release",
        "make test",
        "uv run pytest",
    ],
)
def test_test_commands_count_as_verification(command: str):
    assert looks_like_test_command(command.split())


@pytest.mark.parametrize(
    "command",
    ["ls", "git commit -m test", "python app.py", "npm install", "go build", "cat pytest.ini", ""],
)
def test_other_commands_do_not(command: str):
    assert not looks_like_test_command(command.split())


def test_zip_folder_is_stable_and_skips_links(tmp_path: Path):
    root = tmp_path / "project"
    (root / "b").mkdir(parents=True)
    (root / "b" / "two.py").write_text("2\n")
    (root / "one.py").write_text("1\n")
    (root / "link.py").symlink_to(root / "one.py")
    (root / STATE_FILE).write_text("{}")
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "one.pyc").write_bytes(b"\0")
    target = tmp_path / "out.zip"
    assert zip_folder(root, target) == 2
    with zipfile.ZipFile(target) as archive:
        assert archive.namelist() == ["one.py", "b/two.py"]


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [(30, "under a minute"), (60, "1 min"), (59 * 60 + 59, "59 min"), (3900, "1 h 05 min")],
)
def test_countdown_reads_at_a_glance(seconds: int, shown: str):
    assert format_duration(seconds) == shown


def test_module_runs_as_python_dash_m(tmp_path: Path):
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-m", "truelevel_cli", "status"],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "run start first" in result.stderr


def test_later_commands_need_no_url(started: Candidate):
    # The session file remembers the server that started the session.
    code = main(["status", "--key", started.key], cwd=started.folder)
    out = started.capsys.readouterr().out
    assert code == 0 and ": active" in out


def test_events_after_the_time_limit_are_refused_clearly(started: Candidate, db):
    _end_session_clock(db, started.state["sessionId"])
    code, out, err = started.cli("log", "prompt")
    assert code == 1 and out == ""
    assert err.startswith("truelevel: The server refused the request (409 session_not_active)")
    assert _events(db, started.state["sessionId"]) == []
