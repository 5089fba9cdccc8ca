"""The scratch folder an evaluation unpacks or clones into, always removed afterwards.

``shutil.rmtree`` recurses once per level and walks full paths, so a tree a few thousand folders
deep (issue 14: a 12 KB zip of 3,000 nested folders) made it fail and left the folder behind on
every attempt. ``remove_tree`` walks down and back up with one open folder at a time, relative
to it: no recursion, no path-length limit, one file descriptor.
"""

from __future__ import annotations

import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_NOFOLLOW", 0)


@contextmanager
def scratch_folder(prefix: str = "truelevel-eval-") -> Iterator[Path]:
    """A new empty folder under the system's temporary folder, removed on exit whatever
    happened inside (a removal that still fails is logged, never raised over the result)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        try:
            remove_tree(path)
        except OSError:
            log.exception("could not remove the scratch folder %s", path)


def remove_tree(root: Path) -> None:
    """Remove ``root`` and everything under it, however deep; links are removed, never
    followed. A missing ``root`` is not an error."""
    try:
        shutil.rmtree(root)  # the usual case, fast
        return
    except FileNotFoundError:
        return
    except (OSError, RecursionError):
        pass  # too deep or too long for it: walk it ourselves
    _remove_deep(Path(root))


def _remove_deep(root: Path) -> None:
    fd = os.open(root, _DIR_FLAGS)
    descended: list[str] = []
    try:
        while True:
            child = _empty_files_and_first_folder(fd)
            if child is not None:
                below = os.open(child, _DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd = below
                descended.append(child)
                continue
            if not descended:
                break
            above = os.open("..", os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = above
            os.rmdir(descended.pop(), dir_fd=fd)
    finally:
        os.close(fd)
    os.rmdir(root)


def _empty_files_and_first_folder(fd: int) -> str | None:
    """Unlink every non-folder in the open folder ``fd``; the name of a subfolder left, if any."""
    folder: str | None = None
    with os.scandir(fd) as entries:
        for entry in entries:
            if stat.S_ISDIR(entry.stat(follow_symlinks=False).st_mode):
                folder = folder or entry.name
            else:
                os.unlink(entry.name, dir_fd=fd)
    return folder


def tree_size(path: Path) -> int:
    """Bytes of all regular files under ``path`` (links not followed): how far a clone, an
    install or a sandboxed run has grown."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                continue  # removed while we walk (git's and pip's temporary files)
    return total
