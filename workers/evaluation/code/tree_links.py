"""Symbolic links inside a submission, turned into plain copies of what they name.

Projects link one file of theirs from another place of theirs: python-semver's
``tests/coerce.py`` is a link to ``docs/advanced/coerce.py``, which its ``conftest.py`` imports.
A submission is never given links (a zip's are not extracted as links, a clone checks them out
as small files holding the target's name), because a link could name a file of the worker's
machine. Without them, such a suite fails before its first test.

So each link whose target lies inside the submission is replaced by a copy of that target, a
file or a folder, and nothing else is followed: a link that points outside the submission
(an absolute path, or one that climbs above it), at nothing, at a folder holding the link
itself, or past the size budget is left out, with the reason. The target is found by the
link's text alone, read as a path relative to the link's folder, never by asking the file
system to follow anything.
"""

from __future__ import annotations

import os
import posixpath
import shutil
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from workers.evaluation.scratch import tree_size

MAX_TARGET_CHARS = 1024


@dataclass(frozen=True)
class TreeLink:
    """A link at ``path`` (relative to the submission) whose text is ``target``."""

    path: PurePosixPath
    target: str


@dataclass(frozen=True)
class LeftOut:
    """A link that was not replaced, and why."""

    path: PurePosixPath
    reason: str


def inside(link: TreeLink) -> PurePosixPath | None:
    """What ``link`` names, relative to the submission, or None when that is outside it."""
    target = link.target.replace("\\", "/")
    if not target or target.startswith("/") or "\0" in target or len(target) > MAX_TARGET_CHARS:
        return None
    joined = posixpath.normpath(posixpath.join(str(link.path.parent), target))
    if joined == "." or joined == ".." or joined.startswith("../"):
        return None
    return PurePosixPath(joined)


def replace_links(root: Path, links: list[TreeLink], *, max_bytes: int) -> list[LeftOut]:
    """Write a copy of each link's target at the link's place under ``root`` (which holds no
    link); copies take at most ``max_bytes`` together. Returns the links left out. A link to a
    link is followed once that one is copied."""
    left_out: list[LeftOut] = []
    pending: dict[PurePosixPath, PurePosixPath] = {}
    for link in sorted(links, key=lambda item: item.path):
        target = inside(link)
        if target is None:
            left_out.append(LeftOut(link.path, "points outside the submission"))
        else:
            pending[link.path] = target
    budget = max_bytes
    progress = True
    while pending and progress:
        progress = False
        for path, target in list(pending.items()):
            if any(_within(other, target) for other in pending if other != path):
                continue  # a link inside what it names: copied once that one is
            del pending[path]
            progress = True
            why = _copy(root, target, path, budget)
            if isinstance(why, str):
                left_out.append(LeftOut(path, why))
            else:
                budget -= why
    left_out += [LeftOut(path, "names a link that is left out") for path in pending]
    return sorted(left_out, key=lambda item: item.path)


def _within(path: PurePosixPath, folder: PurePosixPath) -> bool:
    return path == folder or folder in path.parents


def _copy(root: Path, target: PurePosixPath, path: PurePosixPath, budget: int) -> int | str:
    """Copy ``target`` to ``path``: the bytes written, or why nothing was."""
    source, dest = root.joinpath(*target.parts), root.joinpath(*path.parts)
    try:
        mode = os.lstat(source).st_mode
    except OSError:
        return "names nothing in the submission"
    if stat.S_ISDIR(mode) and _within(path, target):
        return "names a folder that holds the link itself"
    if not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
        return "names nothing in the submission"
    size = tree_size(source) if stat.S_ISDIR(mode) else os.lstat(source).st_size
    if size > budget:
        return "its target is larger than what is left of the size limit"
    if os.path.lexists(dest):
        return "its place is taken"
    dest.parent.mkdir(parents=True, exist_ok=True)
    if stat.S_ISDIR(mode):
        shutil.copytree(source, dest, symlinks=True)
    else:
        shutil.copy2(source, dest, follow_symlinks=False)
    return size
