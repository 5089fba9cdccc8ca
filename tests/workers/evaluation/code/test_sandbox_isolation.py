"""Sandboxed runs isolated from each other and from the kernel, with real submissions: a fork
bomb, a memory hog and an endless loop running at the same time as an honest submission leave
its result as it is alone, and each is flagged with its evidence; creating a namespace,
mounting, switching user or signalling the sandbox's init is refused and shown to the reviewer."""

from __future__ import annotations

import os
import subprocess
import textwrap
import threading
import time
from pathlib import Path

import pytest

from backend.settings import Settings
from workers.evaluation.code import run_groups, sandbox
from workers.evaluation.code.sandbox import run_sandboxed
from workers.evaluation.code.test_runner import TestRunReport, run_tests, to_analyser_report

AS_ROOT = os.geteuid() == 0
HONEST_SETTINGS = Settings(sandbox_timeout_s=90, sandbox_memory_mb=512)
HOSTILE_SETTINGS = Settings(sandbox_timeout_s=8, sandbox_memory_mb=256)
# Beside other runs on a busy machine, pytest takes a while to reach the test: room for that.
BESIDE_OTHERS = Settings(sandbox_timeout_s=20, sandbox_memory_mb=256)

HONEST = """
import subprocess
import sys
import threading


def test_adds():
    assert sum(range(10)) == 45


def test_runs_a_helper_process():
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", "print(6 * 7)"], capture_output=True)
        assert done.stdout.strip() == b"42"


def test_uses_threads():
    results = []
    threads = [threading.Thread(target=results.append, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(8))


def test_fails_honestly():
    assert "honest" == "perfect"
"""

FORK_BOMB = """
import os
import time


def test_fork_and_hold():
    while True:
        try:
            if os.fork() == 0:
                while True:  # every child forks too, and holds on to its process
                    try:
                        os.fork()
                    except OSError:
                        time.sleep(0.05)
        except OSError:
            time.sleep(0.01)
"""

MEMORY_HOG = """
import os


def test_many_processes_each_below_the_limit():
    children = []
    for _ in range(4):
        pid = os.fork()
        if pid == 0:
            hoard = b"x" * (180 * 1024 * 1024)  # written, so it really is resident
            os._exit(0 if hoard else 1)
        children.append(pid)
    codes = [os.waitpid(pid, 0)[1] for pid in children]
    assert codes == [0, 0, 0, 0]
"""

ENDLESS_LOOP = """
def test_spin():
    while True:
        pass
"""


def submission(root: Path, tests: str) -> Path:
    (root / "tests").mkdir(parents=True)
    (root / "tests" / "test_submission.py").write_text(textwrap.dedent(tests))
    return root


def only_run(root: Path, settings: Settings) -> TestRunReport:
    (run,) = run_tests(root, settings=settings)
    assert run.status == "ran", run.command
    return run


def counts(run: TestRunReport) -> tuple[int, int, int]:
    return run.passed, run.failed, run.errors


def flag_evidence(run: TestRunReport) -> list[str]:
    (flag,) = [f for f in to_analyser_report([run]).risk_flags if f.code == "sandbox_violation"]
    assert flag.severity == "high" or run.contained_violations == ("timeout",)
    return [e.excerpt for e in flag.evidence if e.kind == "metric"]


@pytest.mark.skipif(not AS_ROOT, reason="a user per run needs root")
def test_hostile_runs_beside_an_honest_one_leave_its_result_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sandbox, "MAX_PROCESSES", 64)
    honest = submission(tmp_path / "honest", HONEST)
    alone = only_run(honest, HONEST_SETTINGS)
    assert counts(alone) == (3, 1, 0), alone.output_tail
    assert alone.contained_violations == ()

    runs: dict[str, TestRunReport] = {}
    roots = {
        "fork_bomb": submission(tmp_path / "bomb", FORK_BOMB),
        "memory_hog": submission(tmp_path / "hog", MEMORY_HOG),
        "endless_loop": submission(tmp_path / "loop", ENDLESS_LOOP),
    }

    def run(name: str, root: Path, settings: Settings) -> None:
        runs[name] = only_run(root, settings)

    threads = [
        threading.Thread(
            target=run, args=(name, root, HOSTILE_SETTINGS if "loop" in name else BESIDE_OTHERS)
        )
        for name, root in roots.items()
    ]
    for thread in threads:
        thread.start()
    # The hostile runs are under way (their processes started) before the honest one starts.
    threading.Event().wait(1.5)
    honest_thread = threading.Thread(target=run, args=("honest", honest, HONEST_SETTINGS))
    honest_thread.start()
    for thread in [*threads, honest_thread]:
        thread.join()

    together = runs["honest"]
    assert counts(together) == counts(alone), together.output_tail
    assert together.contained_violations == ()
    assert "Cannot fork" not in together.output_tail

    bomb = runs["fork_bomb"]
    assert "pids" in bomb.contained_violations, (bomb.seconds, bomb.output_tail)
    assert bomb.passed == 0
    hog = runs["memory_hog"]
    assert "memory" in hog.contained_violations, (hog.seconds, hog.output_tail)
    assert hog.passed == 0
    loop = runs["endless_loop"]
    assert loop.timed_out and loop.contained_violations == ("timeout",)
    if run_groups.hierarchy().mode != "none":
        # The group's counters, not a guess from messages.
        assert any("pids.events" in e for e in flag_evidence(bomb))
        assert any("oom_kill" in e for e in flag_evidence(hog))
    assert any("time limit" in e for e in flag_evidence(loop))


def test_a_nested_user_namespace_is_refused_and_flagged(tmp_path: Path) -> None:
    root = submission(
        tmp_path / "sub",
        """
        import ctypes
        import subprocess

        CLONE_NEWUSER = 0x10000000


        def test_unshare_command():
            assert subprocess.run(["unshare", "-r", "true"]).returncode == 0


        def test_unshare_system_call():
            libc = ctypes.CDLL(None, use_errno=True)
            assert libc.unshare(CLONE_NEWUSER) == 0, ctypes.get_errno()
        """,
    )
    run = only_run(root, HOSTILE_SETTINGS)
    assert counts(run) == (0, 2, 0), run.output_tail
    assert "escalation" in run.contained_violations
    report = to_analyser_report([run])
    assert report.signals["sandbox_escape_attempt"] is True
    assert any("unshare failed: Operation not permitted" in e for e in flag_evidence(run))
    (seen,) = [o for o in report.observations if "tried to gain privileges" in o.text]
    assert seen.evidence[0].excerpt.startswith("output: ")


def test_mounting_is_refused_and_flagged(tmp_path: Path) -> None:
    root = submission(
        tmp_path / "sub",
        """
        import subprocess


        def test_mount_a_file_system():
            done = subprocess.run(["mount", "-t", "tmpfs", "none", "/tmp"], capture_output=True)
            print(done.stderr.decode())
            assert done.returncode == 0
        """,
    )
    run = only_run(root, HOSTILE_SETTINGS)
    assert counts(run) == (0, 1, 0), run.output_tail
    assert "escalation" in run.contained_violations
    assert any("mount" in e for e in flag_evidence(run))


def test_switching_user_and_killing_the_sandbox_init_are_refused(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    result = run_sandboxed(
        [
            "/bin/sh",
            "-c",
            "su -c true root < /dev/null; kill -9 1; setpriv --reuid=0 true; echo still-here",
        ],
        workdir=tmp_path / "sub",
        timeout_s=10,
    )
    assert result.stdout_tail.strip() == "still-here"
    assert "escalation" in result.violations
    assert result.evidence["escalation"].startswith("output: ")


def test_an_ordinary_permission_error_is_not_an_escalation(tmp_path: Path) -> None:
    # An honest test may meet EPERM on a file of the system; only a privileged call is one.
    (tmp_path / "sub").mkdir()
    result = run_sandboxed(
        ["python3", "-c", "import os; os.chown('/tmp', 1, 1)"],
        workdir=tmp_path / "sub",
        timeout_s=10,
    )
    assert "Operation not permitted" in result.stderr_tail
    assert "escalation" not in result.violations


def test_without_control_groups_runs_go_on_and_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        run_groups, "_detected", run_groups.Hierarchy("none", {}, "no writable cgroup here")
    )
    root = submission(tmp_path / "sub", "def test_ok():\n    assert True\n")
    run = only_run(root, HOSTILE_SETTINGS)
    assert counts(run) == (1, 0, 0)
    assert run.sandbox_degraded and "no writable cgroup here" in run.sandbox_degraded[0]
    assert "no control group" in to_analyser_report([run]).signals["sandbox_degraded"]


def test_each_run_group_is_removed_afterwards(tmp_path: Path) -> None:
    where = run_groups.hierarchy()
    if where.mode == "none":
        pytest.skip(f"no control groups here ({where.reason})")
    (tmp_path / "sub").mkdir()

    def groups() -> set[str]:  # other runs on this host (another test session) may have theirs
        return {
            f"{parent}/{p.name}"
            for parent in where.parents.values()
            for p in parent.iterdir()
            if p.name.startswith("run-")
        }

    before = groups()
    result = run_sandboxed(["/bin/sh", "-c", "sleep 30 & echo started"], workdir=tmp_path / "sub")
    assert result.ok
    assert groups() - before == set()


def test_groups_left_by_a_worker_that_ended_mid_run_are_swept(tmp_path: Path) -> None:
    where = run_groups.hierarchy()
    if where.mode == "none":
        pytest.skip(f"no control groups here ({where.reason})")
    left = run_groups.RunGroup(where, memory_bytes=64 << 20, max_processes=16, cpus=1)
    busy = run_groups.RunGroup(where, memory_bytes=64 << 20, max_processes=16, cpus=1)
    left.create()  # as a killed worker leaves it: made, never removed
    busy.create()
    sleeper = subprocess.Popen([*busy.join_command(), "sleep", "30"])
    try:
        for _ in range(100):  # until the sleeper has joined its group
            if all(run_groups._pids(f / "cgroup.procs") for f in busy.folders.values()):
                break
            time.sleep(0.05)

        assert run_groups.sweep_leftovers(where, older_than_s=3600) == 0  # too young yet
        run_groups.sweep_leftovers(where, older_than_s=0)

        assert not any(folder.exists() for folder in left.folders.values())
        assert all(folder.exists() for folder in busy.folders.values())  # a run is in it
    finally:
        sleeper.kill()
        sleeper.wait()
        busy.remove()
        left.remove()
