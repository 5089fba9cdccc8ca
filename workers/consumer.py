"""Start the consumers of a host as one unit: ``python -m workers.consumer --queues gpu,cpu,ops``
runs one ``huey_consumer workers.tasks.<kind>`` process per kind named (``make run`` starts all
three; a GPU host names ``gpu``, a sandbox host ``cpu``). Signals reach every consumer; when one
ends, the others are stopped and this process ends with its status, so a supervisor sees one
service.

Only the ``ops`` consumer can schedule the periodic work, and only without ``--no-periodic``:
in a cluster exactly one host starts ``ops`` without it."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from types import FrameType

from workers.queue import KINDS, PERIODIC_KIND, WorkKind

STOP_GRACE_SECONDS = 30


def consumer_command(kind: WorkKind, *, workers: int, periodic: bool) -> list[str]:
    """The ``huey_consumer`` command line serving ``kind``'s queue."""
    command = [sys.executable, "-m", "huey.bin.huey_consumer", f"workers.tasks.{kind}"]
    command += ["--workers", str(workers), "--worker-type", "thread"]
    if not (periodic and kind == PERIODIC_KIND):
        command.append("--no-periodic")
    return command


def _kinds(value: str) -> list[WorkKind]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = sorted(set(names) - set(KINDS))
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"queues are {', '.join(KINDS)}; got {value!r}")
    return [kind for kind in KINDS if kind in names]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m workers.consumer", description=__doc__)
    parser.add_argument("--queues", type=_kinds, default=list(KINDS), help="gpu,cpu,ops")
    parser.add_argument("--workers", type=int, default=2, help="worker threads per queue")
    parser.add_argument(
        "--no-periodic", action="store_true", help="leave the periodic work to another host"
    )
    return parser


def _stop(children: Sequence[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: Sequence[str] | None = None) -> int:
    from backend.private_files import keep_private

    keep_private()  # the consumers inherit it: queue, database and stored files are 0600
    args = build_parser().parse_args(argv)
    from backend.secret_key import require_secret_key

    require_secret_key()  # a worker host without the installation's secret refuses to start
    children = [
        subprocess.Popen(
            consumer_command(kind, workers=args.workers, periodic=not args.no_periodic)
        )
        for kind in args.queues
    ]
    stopping: list[int] = []

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        _stop(children)
    if stopping:
        return 0
    return next(child.returncode for child in children if child.returncode is not None) or 1


if __name__ == "__main__":
    sys.exit(main())
