"""The periodic work runs once per cluster: two schedulers started by mistake (two ``ops``
consumers without ``--no-periodic``) both enqueue the minute sweep, and it runs once."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.workers import consumers

ROOT = Path(__file__).resolve().parents[2]

QUEUES = [pytest.param({}, id="sqlite")]
if os.environ.get("TRUELEVEL_TEST_REDIS_URL"):
    QUEUES.append(pytest.param({"redis_url": os.environ["TRUELEVEL_TEST_REDIS_URL"]}, id="redis"))


def _env(tmp_path: Path, queue: dict[str, str]) -> dict[str, str]:
    env = consumers.consumer_env(tmp_path / "queue.db", queue_name=f"turn-{uuid.uuid4().hex}")
    if queue.get("redis_url"):
        env["TRUELEVEL_REDIS_URL"] = queue["redis_url"]
    return env


@pytest.mark.parametrize("queue", QUEUES)
def test_of_two_sweeps_started_at_once_one_runs(tmp_path, queue):
    """Two processes run the minute sweep's task at the same moment, as two consumers' workers
    would on the messages of two schedulers: one sweeps, the other finds its turn taken, and so
    does a third a moment later."""
    env = _env(tmp_path, queue)
    code = "from workers.tasks import every_minute; print(every_minute.call_local())"
    callers = [
        subprocess.Popen(
            [sys.executable, "-c", code], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outcomes = sorted(caller.communicate(timeout=120)[0].strip() for caller in callers)
    assert [caller.returncode for caller in callers] == [0, 0]
    assert outcomes == ["False", "True"]
    late = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert late.stdout.strip() == "False"


def test_two_schedulers_started_by_mistake_sweep_once(tmp_path):
    """Two ``ops`` consumers, both scheduling the periodic work, on one queue: each enqueues
    the minute sweep as it starts, both messages are run, and one of them sweeps while the
    other warns that it found the turn taken."""
    env = _env(tmp_path, {})
    logs = [tmp_path / f"scheduler-{n}.log" for n in (1, 2)]
    schedulers = [consumers.start_consumer(env, log, queues="ops") for log in logs]
    try:
        deadline = time.monotonic() + 50  # within the first minute: each scheduler's first
        text = ""
        while time.monotonic() < deadline:
            text = "".join(log.read_text(errors="replace") for log in logs if log.exists())
            if text.count("workers.tasks.every_minute: ") >= 4:  # enqueued twice, run twice
                if text.count("executed in") >= 2:
                    break
            time.sleep(0.5)
        assert text.count("executed in") == 2, text
        assert text.count("minute sweep skipped") == 1, text
    finally:
        for scheduler in schedulers:
            consumers.stop(scheduler)
