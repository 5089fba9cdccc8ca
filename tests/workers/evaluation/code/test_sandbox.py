"""The sandbox with real hostile submissions: their tests try the network, write outside their
folder, fork without end, eat memory or disk, or sleep forever, and are contained and reported
(on the sandbox result, on the test run, and as the "tests" report's risk flags)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.settings import Settings
from workers.evaluation.code import sandbox, sandbox_users
from workers.evaluation.code.evidence import AnalyserReport
from workers.evaluation.code.sandbox import (
    SandboxUnavailable,
    python_runtime_paths,
    run_sandboxed,
)
from workers.evaluation.code.test_runner import TestRunReport, run_tests, to_analyser_report

# Upper bounds only: a run that works ends in a second or two.
FAST = Settings(sandbox_timeout_s=10, sandbox_memory_mb=1024)
PROJECT = Path(__file__).resolve().parents[4]
AS_ROOT = os.geteuid() == 0


def submission(root: Path, tests: str) -> Path:
    """A one-file Python submission whose tests are ``tests``."""
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_submission.py").write_text(textwrap.dedent(tests))
    return root


def only_run(root: Path, settings: Settings = FAST) -> TestRunReport:
    (run,) = run_tests(root, settings=settings)
    assert run.status == "ran", run.command
    return run


def violation_flag(report: AnalyserReport):
    (flag,) = [flag for flag in report.risk_flags if flag.code == "sandbox_violation"]
    return flag


def processes_named(name: str) -> list[int]:
    """Processes on this machine whose command name is ``name`` (the kernel's ``comm``)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue  # ended while we looked
    return found


# Python that renames the current process (and so every child it forks) to NAME, so that the
# test can find every process the submission started, and only those.
RENAME = """
import ctypes

def rename(name):
    ctypes.CDLL(None).prctl(15, name.encode(), 0, 0, 0)  # PR_SET_NAME
"""


@pytest.fixture()
def host_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A real TCP server on this machine's loopback that records who connects."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    connections: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            connections.append(connection)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()


def test_network_is_unreachable_inside(tmp_path: Path, host_server) -> None:
    port, connections = host_server
    # Outside the sandbox the server answers: the submission's test would pass there.
    socket.create_connection(("127.0.0.1", port), timeout=2).close()
    time.sleep(0.3)
    assert len(connections) == 1

    root = submission(
        tmp_path / "sub",
        f"""
        import socket

        def test_reach_the_internet():
            socket.create_connection(("1.1.1.1", 53), timeout=2).close()

        def test_reach_a_service_on_the_host():
            socket.create_connection(("127.0.0.1", {port}), timeout=2).close()
        """,
    )
    run = only_run(root)
    time.sleep(0.3)
    assert len(connections) == 1  # nothing reached the host's server
    assert (run.passed, run.failed) == (0, 2)
    assert "network" in run.contained_violations
    assert "Network is unreachable" in run.output_tail

    report = to_analyser_report([run])
    assert report.signals["sandbox_violation"] is True
    assert report.signals["sandbox_violations"] == "network"
    flag = violation_flag(report)
    assert flag.severity == "high" and "network" in flag.message
    assert [e.file for e in flag.evidence if e.kind == "file"] == ["tests/test_submission.py"]
    assert any("Network is unreachable" in (e.excerpt or "") for e in flag.evidence)
    assert "tests_failing" in [flag.code for flag in report.risk_flags]
    assert any("tried to reach the network" in o.text for o in report.observations)


def test_writes_outside_the_submission_folder_do_not_land(tmp_path: Path) -> None:
    token = uuid.uuid4().hex
    root = tmp_path / "sub"
    targets = {
        "etc": Path("/etc") / f"truelevel-{token}",
        "project": PROJECT / f"truelevel-{token}",  # the checkout the worker runs from
        "home": Path.home() / f"truelevel-{token}",
        "venv": Path(sys.prefix) / f"truelevel-{token}",  # the toolchain shown inside
        "submission": root / f"truelevel-{token}",  # the original folder, by its host path
    }
    root = submission(
        root,
        "from pathlib import Path\n\n"
        + "".join(
            f"def test_write_{name}():\n    Path('{target}').write_text('owned')\n\n"
            for name, target in targets.items()
        )
        + textwrap.dedent(
            """
            def test_write_own_folder():
                Path("notes.txt").write_text("mine")
                assert Path("notes.txt").read_text() == "mine"
            """
        ),
    )
    run = only_run(root)
    assert [target for target in targets.values() if target.exists()] == []
    assert (run.passed, run.failed) == (1, len(targets))
    assert "filesystem" in run.contained_violations
    # The run worked on a copy: the submission folder itself is untouched.
    assert not (root / "notes.txt").exists()
    assert sorted(p.name for p in root.iterdir()) == ["tests"]
    report = to_analyser_report([run])
    assert violation_flag(report).severity == "high"
    assert any("write outside the submission folder" in o.text for o in report.observations)


def test_multiprocessing_works_and_is_no_violation(tmp_path: Path) -> None:
    # Locks, queues and pools need POSIX semaphores in /dev/shm: an ordinary suite using them
    # (toolz's, for one) must pass, not be reported as writing outside its folder.
    root = submission(
        tmp_path / "sub",
        """
        import multiprocessing


        def square(n):
            return n * n


        def test_a_pool_maps():
            with multiprocessing.get_context("fork").Pool(2) as pool:
                assert pool.map(square, range(5)) == [0, 1, 4, 9, 16]


        def test_a_lock_and_a_queue():
            lock = multiprocessing.Lock()
            queue = multiprocessing.Queue()
            with lock:
                queue.put("ok")
            assert queue.get(timeout=5) == "ok"
        """,
    )
    run = only_run(root)
    assert (run.passed, run.failed, run.errors) == (2, 0, 0), run.output_tail
    assert run.contained_violations == ()
    assert not [f for f in to_analyser_report([run]).risk_flags if f.code == "sandbox_violation"]


def test_a_thread_safety_test_with_many_threads_is_no_memory_bomb(tmp_path: Path) -> None:
    # more-itertools' own suite: dozens of threads use little memory but, with glibc's default
    # malloc arenas, reserve 64 MB of address space each, past the limit (RLIMIT_AS).
    root = submission(
        tmp_path / "sub",
        """
        import threading


        def test_counters_from_many_threads():
            lock, counts = threading.Lock(), []
            barrier = threading.Barrier(48)

            def work():
                barrier.wait()
                block = bytearray(64 * 1024)
                with lock:
                    counts.append(len(block))

            threads = [threading.Thread(target=work) for _ in range(48)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert len(counts) == 48
        """,
    )
    run = only_run(root, Settings(sandbox_timeout_s=60, sandbox_memory_mb=1024))
    assert (run.passed, run.failed, run.errors) == (1, 0, 0), run.output_tail
    assert run.contained_violations == ()


def test_the_host_is_not_visible_inside(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    secret = tmp_path / "worker-secret.txt"
    secret.write_text("database password")
    script = (
        f"test ! -e {PROJECT}/pyproject.toml && test ! -e {secret} && test ! -e /sys/kernel "
        f"&& test -x {sys.executable} && echo isolated"
    )
    result = run_sandboxed(
        ["/bin/sh", "-c", script],
        workdir=tmp_path / "sub",
        timeout_s=10,
        read_only_paths=python_runtime_paths(),
    )
    assert result.ok, result.stderr_tail
    assert result.stdout_tail.strip() == "isolated"


@pytest.mark.skipif(not AS_ROOT, reason="process count is per user; CI runs as root")
def test_a_fork_bomb_is_limited_reported_and_cleaned_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A low limit keeps the test quick.
    monkeypatch.setattr(sandbox, "MAX_PROCESSES", 48)
    name = f"tlbomb{uuid.uuid4().hex[:8]}"
    root = submission(
        tmp_path / "sub",
        RENAME
        + textwrap.dedent(
            f"""
            import os
            import time

            def test_fork_without_end():
                rename("{name}")
                while True:
                    if os.fork() == 0:
                        while True:  # every child forks too, forever
                            try:
                                os.fork()
                            except OSError:
                                time.sleep(0.05)
            """
        ),
    )
    run = only_run(root, Settings(sandbox_timeout_s=5, sandbox_memory_mb=1024))
    assert run.failed + run.errors >= 1 and run.passed == 0
    assert "pids" in run.contained_violations
    report = to_analyser_report([run])
    flag = violation_flag(report)
    assert flag.severity == "high" and "pids" in flag.message
    assert any("started processes without end" in o.text for o in report.observations)
    # Nothing the bomb started outlives the run, and the machine still starts processes.
    assert processes_named(name) == []
    assert subprocess.run(["true"]).returncode == 0


def test_sleeping_forever_is_timed_out_and_everything_it_started_is_killed(
    tmp_path: Path,
) -> None:
    name = f"tlsleep{uuid.uuid4().hex[:8]}"
    root = submission(
        tmp_path / "sub",
        RENAME
        + textwrap.dedent(
            f"""
            import os
            import time

            def test_wait_for_ever():
                if os.fork() == 0:  # a helper that would outlive the test run
                    rename("{name}")
                    os.setsid()
                    time.sleep(10**6)
                time.sleep(10**6)
            """
        ),
    )
    run = only_run(root, Settings(sandbox_timeout_s=3))
    assert run.timed_out
    assert run.exit_code is None
    assert "timeout" in run.contained_violations
    assert run.errors >= 1 and run.passed == 0
    assert processes_named(name) == []  # the helper was killed with the run

    report = to_analyser_report([run])
    assert report.signals["tests_timed_out"] is True
    assert report.signals["tests_run_ok"] is False
    flag = violation_flag(report)
    assert flag.severity == "medium"  # a slow suite looks the same: not called hostile
    assert report.observations[0].text.endswith("did not finish within the time limit.")


def test_memory_is_limited(tmp_path: Path) -> None:
    root = tmp_path / "sub"
    root.mkdir()
    result = run_sandboxed(
        [sys.executable, "-c", "block = bytearray(2 * 1024**3); print('allocated')"],
        workdir=root,
        memory_mb=256,
        timeout_s=10,
        read_only_paths=python_runtime_paths(),
    )
    assert "allocated" not in result.stdout_tail
    assert result.exit_code != 0
    assert result.killed_reason == "memory"
    assert result.violations == ("memory",)
    assert "MemoryError" in result.stderr_tail


def test_a_test_that_eats_memory_is_reported(tmp_path: Path) -> None:
    root = submission(
        tmp_path / "sub",
        """
        def test_fill_memory():
            hoard = [bytearray(64 * 1024**2) for _ in range(64)]  # 4 GB
            assert hoard

        def test_small():
            assert sum(range(10)) == 45
        """,
    )
    run = only_run(root, Settings(sandbox_timeout_s=10, sandbox_memory_mb=768))
    assert (run.passed, run.failed) == (1, 1)
    assert "memory" in run.contained_violations
    report = to_analyser_report([run])
    assert violation_flag(report).severity == "high"
    assert any("more memory than allowed" in o.text for o in report.observations)


def test_filling_the_disk_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "MAX_WORKSPACE_GROWTH_MB", 16)
    (tmp_path / "sub").mkdir()
    fill = "i=0; while :; do head -c 1048576 /dev/zero > f$i; i=$((i+1)); done"
    result = run_sandboxed(["/bin/sh", "-c", fill], workdir=tmp_path / "sub", timeout_s=20)
    assert result.killed_reason == "disk"
    assert "disk" in result.violations
    assert not result.timed_out and result.exit_code is None


def test_a_file_past_the_size_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    result = run_sandboxed(
        ["/bin/sh", "-c", f"head -c {(sandbox.MAX_FILE_MB + 1) * 1024 * 1024} /dev/zero > big"],
        workdir=tmp_path / "sub",
        timeout_s=10,
    )
    assert result.exit_code != 0
    assert result.killed_reason == "file_size"
    assert "file_size" in result.violations


def test_no_secrets_from_the_worker_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRUELEVEL_SECRET_KEY", "worker-only-secret")
    root = tmp_path / "sub"
    root.mkdir()
    result = run_sandboxed(
        ["/bin/sh", "-c", "env; id -u; pwd"], workdir=root, timeout_s=10, env={"EXTRA": "given"}
    )
    assert result.ok
    assert "worker-only-secret" not in result.stdout_tail
    assert "EXTRA=given" in result.stdout_tail
    assert result.stdout_tail.rstrip().endswith("/workspace")
    assert result.stderr_tail == ""  # the sandbox's own start line is not shown
    if AS_ROOT:  # root drops to a user of the run's own inside
        uid = int(result.stdout_tail.splitlines()[-2])
        pool = range(sandbox_users.FIRST_UID, sandbox_users.FIRST_UID + sandbox_users.POOL_SIZE)
        assert uid in pool


def test_toolchains_under_tmp_or_private_folders_are_visible_read_only(tmp_path: Path) -> None:
    # A CI checkout (and its virtual environment) may live under /tmp or under /root (0700).
    private = tmp_path / "private"
    toolchain = private / "toolchain"
    toolchain.mkdir(parents=True)
    (toolchain / "VERSION").write_text("1.2.3\n")
    private.chmod(0o700)
    (tmp_path / "sub").mkdir()
    result = run_sandboxed(
        ["/bin/sh", "-c", f"cat {toolchain}/VERSION; echo x > {toolchain}/VERSION"],
        workdir=tmp_path / "sub",
        timeout_s=10,
        read_only_paths=[toolchain],
    )
    assert result.stdout_tail.strip() == "1.2.3"
    assert result.exit_code != 0
    assert (toolchain / "VERSION").read_text() == "1.2.3\n"


def test_python_runtime_paths_cover_this_interpreter() -> None:
    paths = python_runtime_paths()
    prefix = Path(sys.prefix)
    system = prefix.is_relative_to("/usr")
    assert system or any(prefix == p or p in prefix.parents for p in paths)
    assert all(p.is_absolute() and p.is_dir() for p in paths)


def test_a_fake_sandbox_error_from_the_submission_is_not_believed(tmp_path: Path) -> None:
    # A submission that prints bwrap's words must not pass for "sandbox unavailable" (which
    # would hide its failing tests): the command did run, and its failure is reported.
    (tmp_path / "sub").mkdir()
    result = run_sandboxed(
        ["/bin/sh", "-c", "echo 'bwrap: Creating new namespace failed' >&2; exit 1"],
        workdir=tmp_path / "sub",
        timeout_s=10,
    )
    assert result.exit_code == 1
    assert result.stderr_tail.startswith("bwrap: Creating new namespace failed")


def test_without_bubblewrap_nothing_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    (tmp_path / "sub").mkdir()
    (tmp_path / "empty-bin").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(SandboxUnavailable, match="bwrap"):
        run_sandboxed(["/bin/touch", str(marker)], workdir=tmp_path / "sub", timeout_s=5)
    assert not marker.exists()
