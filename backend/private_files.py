"""What the installation writes under its data folder is its own: files 0600, folders 0700
(the SQLite database and its -wal/-shm, the queue, stored uploads, spooled uploads, backups
written there). Candidates' code, recordings and resumes must not be readable by another account
of the host.

Two layers: ``keep_private()`` sets the process's umask to 077 at the entry points that are
backend only (``python -m backend``, the workers), so everything they create is private; and the
places that create data files in every process (the web app's too, whose process also builds
the frontend and so keeps its umask) set modes themselves: ``private_dir`` and ``private_file``.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700


def keep_private() -> None:
    """Files and folders this process creates from now on are its user's alone."""
    os.umask(0o077)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as 0700 folders; an existing one is made 0700."""
    missing = []
    current = Path(path)
    while not current.exists() and current != current.parent:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        os.chmod(folder, DIR_MODE)
    os.chmod(path, DIR_MODE)
    return path


def private_file(path: Path) -> Path:
    """Make an existing file 0600, or create it empty as 0600 (an SQLite file before SQLite opens
    it: SQLite gives its -wal and -shm the database file's mode)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)
    finally:
        os.close(fd)
    return path
