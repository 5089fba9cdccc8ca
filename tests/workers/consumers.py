"""Real Huey consumer processes for the worker tests: started on the test's database with a
queue file of their own, killed like a crashing machine, stopped like an operator would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from backend.db import session_scope

ROOT = Path(__file__).resolve().parents[2]
Row = TypeVar("Row")


def consumer_env(queue_file: Path, **settings: str) -> dict[str, str]:
    """The test's environment (database, data folder) with a queue of its own, a 3-second
    lease so a dead worker's job lapses quickly, and ``settings`` as TRUELEVEL_* variables."""
    return {
        **os.environ,
        "TRUELEVEL_QUEUE_FILE": str(queue_file),
        "TRUELEVEL_REDIS_URL": "",
        "TRUELEVEL_WORK_LEASE_SECONDS": "3",
        **{f"TRUELEVEL_{name.upper()}": value for name, value in settings.items()},
    }


def start_consumer(
    env: dict[str, str],
    log: Path,
    *options: str,
    queues: str = "gpu,cpu,ops",
    python: str = sys.executable,
) -> subprocess.Popen:
    """One-worker consumers of ``queues`` (``python -m workers.consumer``, one ``huey_consumer``
    per queue) in a process group of their own, so their children die with them; ``options``
    are more options (``--no-periodic``); ``python`` the interpreter (another environment's)."""
    return subprocess.Popen(
        [python, "-m", "workers.consumer", "--queues", queues, "--workers", "1", *options],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def kill(process: subprocess.Popen) -> None:
    """SIGKILL the consumer and everything it started: a crash, no clean-up."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


def enqueue(task: str, work_id: str, env: dict[str, str], *, python: str = sys.executable) -> None:
    """Enqueue ``workers.tasks.<task>(work_id)`` from another process, as the web app does."""
    code = f"from workers.tasks import {task}; {task}({work_id!r})"
    subprocess.run([python, "-c", code], cwd=ROOT, env=env, check=True)


def wait_for(
    model: type[Row], work_id: str, predicate: Callable[[Any], bool], timeout: float, what: str
) -> Row:
    """Poll the row until ``predicate`` holds; the row, detached from its session."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with session_scope() as session:
            row = session.get(model, work_id)
            if predicate(row):
                session.expunge(row)
                return row
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
