"""A user id of its own for each sandboxed run that runs at the same time as others.

The kernel counts processes (``RLIMIT_NPROC``) per user: when every sandbox ran as ``nobody``,
a fork bomb holding its processes left none for a concurrent honest run ("Cannot fork"). Each
run now takes an id from a small pool (``FIRST_UID`` and up, no account on the host owns them)
for as long as it runs, so the process limit couples nothing even where control groups are not
available. A slot is held with an exclusive ``flock`` on a file named after it, which works
between the threads of one worker and between worker processes on one host alike, and is let
go by the kernel if the worker dies.

Only root can switch to another user; without root the command runs as the worker's user.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FIRST_UID = 200_000
POOL_SIZE = 64
# The group of a run's user has the same number.
_WAIT_S = 0.1


def _lock_folder() -> Path:
    folder = Path(tempfile.gettempdir()) / "truelevel-sandbox-users"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


@contextmanager
def run_user() -> Iterator[int]:
    """Hold a user id from the pool for the duration of a run (waits while all are taken)."""
    folder = _lock_folder()
    while True:
        for uid in range(FIRST_UID, FIRST_UID + POOL_SIZE):
            fd = os.open(folder / str(uid), os.O_CREAT | os.O_RDWR, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                continue
            try:
                yield uid
            finally:
                os.close(fd)  # closing releases the lock
            return
        time.sleep(_WAIT_S)


def passwd_lines(uid: int) -> tuple[str, str]:
    """The ``/etc/passwd`` and ``/etc/group`` entries shown inside the sandbox for ``uid``
    (tools that look up the current user by id fail without one)."""
    return (
        f"candidate:x:{uid}:{uid}:candidate:/tmp:/usr/sbin/nologin\n",
        f"candidate:x:{uid}:\n",
    )
