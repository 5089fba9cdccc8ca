"""The cache of dependency builds (a Python project's installed wheels, a Node project's
``node_modules``), shared by every worker process on a host, kept under a size cap.

Each build lives in ``<cache>/<kind>/<key>`` and is used by the sandboxed test runs that need
it. Beside it, ``<kind>/.locks/<key>`` is its *use lock*: a process holds it shared for as long
as it uses the build (``cached_build`` takes it, the ``holding_cached_builds`` context gives it
back), and its modification time is when the build was last used. ``<kind>/.locks/<key>.build``
is its *build lock*, held exclusively while the build is made, so two workers needing the same
build make it once.

A build is made in ``<kind>/.building-<key>-*`` and renamed into place once complete, so a half
made one is never used; one left by a worker that crashed mid-way is removed by the next
eviction. After a new build is added, the least recently used builds of every kind are removed
until the whole cache takes no more than ``TRUELEVEL_DEPENDENCY_CACHE_MAX_MB``; a build another
process holds is never removed (the evicting process must get its use lock exclusively, without
waiting). A removed build is first renamed aside, so no process sees a half removed one either.
"""

from __future__ import annotations

import fcntl
import functools
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import ParamSpec, TypeVar

from workers.evaluation.scratch import tree_size

LOCKS = ".locks"
_BUILDING = ".building-"
_EVICTING = ".evicting-"
_BUILD_SUFFIX = ".build"

P = ParamSpec("P")
R = TypeVar("R")


# --- locks ----------------------------------------------------------------------------------


def _lock(path: Path, operation: int) -> int | None:
    """An open descriptor of ``path`` (created if absent) holding ``operation`` (``LOCK_SH`` or
    ``LOCK_EX``, with ``LOCK_NB`` not to wait: None when it is held elsewhere). A lock file is
    removed with its build, so the lock is only kept once the file locked is still the one at
    ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, operation)
        except BlockingIOError:
            os.close(fd)
            return None
        try:
            current = os.stat(path)
        except FileNotFoundError:
            current = None
        if current is not None and current.st_ino == os.fstat(fd).st_ino:
            return fd
        os.close(fd)  # removed (or replaced) while we waited: lock the new one


def _unlock(fd: int) -> None:
    os.close(fd)  # closing the only descriptor releases the flock


class _Leases(threading.local):
    def __init__(self) -> None:
        self.stack: list[list[int]] = []


_leases = _Leases()
# Use locks taken outside any ``holding_cached_builds``: kept until the process ends.
_kept: list[int] = []


def _keep(fd: int) -> None:
    (_leases.stack[-1] if _leases.stack else _kept).append(fd)


@contextmanager
def builds_in_use() -> Iterator[None]:
    """The builds ``cached_build`` hands out inside stay in use (never evicted) until the end."""
    held: list[int] = []
    _leases.stack.append(held)
    try:
        yield
    finally:
        _leases.stack.pop()
        for fd in held:
            _unlock(fd)


def holding_cached_builds(function: Callable[P, R]) -> Callable[P, R]:
    """``function`` runs inside ``builds_in_use``."""

    @functools.wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with builds_in_use():
            return function(*args, **kwargs)

    return wrapper


# --- building and using ---------------------------------------------------------------------


def cached_build(
    base: Path,
    key: str,
    build: Callable[[Path], str | None],
    *,
    max_mb: int | None = None,
) -> tuple[Path, bool, str | None]:
    """``base/key``, built by ``build`` (given an empty folder; it returns None when done, else
    why it failed) unless a finished one is there already. Returns the folder, whether it came
    from the cache, and the failure (nothing is cached then). The folder stays in use, never
    evicted, until the enclosing ``builds_in_use`` ends. After a new build, the cache is brought
    under ``max_mb`` (default: ``TRUELEVEL_DEPENDENCY_CACHE_MAX_MB``)."""
    target = base / key
    use = _lock(base / LOCKS / key, fcntl.LOCK_SH)
    assert use is not None
    try:
        if target.is_dir():
            _mark_used(use)
            _keep(use)
            return target, True, None
        built = _lock(base / LOCKS / f"{key}{_BUILD_SUFFIX}", fcntl.LOCK_EX)
        assert built is not None
        try:
            if target.is_dir():  # another worker made it while we waited
                _mark_used(use)
                _keep(use)
                return target, True, None
            excerpt = _build(base, key, build)
            if excerpt is not None:
                _unlock(use)
                return target, False, excerpt
            _record_size(use, tree_size(target))
            _mark_used(use)
        finally:
            _unlock(built)
    except BaseException:
        _unlock(use)
        raise
    _keep(use)
    evict(base.parent, _cap_bytes(max_mb))
    return target, False, None


def _build(base: Path, key: str, build: Callable[[Path], str | None]) -> str | None:
    building = Path(tempfile.mkdtemp(prefix=f"{_BUILDING}{key}-", dir=base))
    try:
        excerpt = build(building)
        if excerpt is not None:
            return excerpt
        _make_readable(building)
        building.rename(base / key)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return None


def _mark_used(fd: int) -> None:
    os.utime(fd)


def _record_size(fd: int, size: int) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(size).encode(), 0)


def _cap_bytes(max_mb: int | None) -> int:
    if max_mb is None:
        from backend.settings import get_settings

        max_mb = get_settings().dependency_cache_max_mb
    return max_mb * 1024 * 1024


def _make_readable(folder: Path) -> None:
    """The sandbox's user (``nobody`` when the worker runs as root) must read the packages."""
    for current, _dirs, files in os.walk(folder):
        os.chmod(current, 0o755)
        for name in files:
            path = os.path.join(current, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644 if not os.access(path, os.X_OK) else 0o755)


# --- eviction -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CachedBuild:
    """One finished build: where it is, when it was last used and how many bytes it takes."""

    path: Path
    last_used: float
    size: int

    @property
    def lock(self) -> Path:
        return self.path.parent / LOCKS / self.path.name


def cached_builds(cache: Path) -> list[CachedBuild]:
    """Every finished build under ``cache`` (all kinds), least recently used first."""
    found = []
    for base in _kinds(cache):
        for entry in base.iterdir():
            if entry.name.startswith(".") or not entry.is_dir() or entry.is_symlink():
                continue
            lock = base / LOCKS / entry.name
            try:
                info = lock.stat()
                last_used, size = info.st_mtime, int(lock.read_text() or "-1")
            except (OSError, ValueError):  # built before sizes were recorded
                last_used, size = entry.stat().st_mtime, -1
            if size < 0:
                size = tree_size(entry)
            found.append(CachedBuild(entry, last_used, size))
    return sorted(found, key=lambda b: (b.last_used, str(b.path)))


def evict(cache: Path, cap_bytes: int) -> list[Path]:
    """Remove the least recently used builds under ``cache`` until they take at most
    ``cap_bytes``, never one in use elsewhere; remove what crashed builds and evictions left.
    Returns the builds removed."""
    sweep(cache)
    builds = cached_builds(cache)
    total = sum(b.size for b in builds)
    removed = []
    for candidate in builds:
        if total <= cap_bytes:
            break
        if _remove_unused(candidate.path):
            total -= candidate.size
            removed.append(candidate.path)
    return removed


def _remove_unused(target: Path) -> bool:
    """Remove ``target`` unless a process holds it (then False)."""
    lock = target.parent / LOCKS / target.name
    use = _lock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    if use is None:
        return False
    try:
        if not target.is_dir():
            return False
        aside = Path(tempfile.mkdtemp(prefix=_EVICTING, dir=target.parent))
        target.rename(aside / target.name)
        shutil.rmtree(aside, ignore_errors=True)
        lock.unlink(missing_ok=True)
        # Nobody builds it now (a builder holds its use lock): its build lock can go too.
        lock.with_name(lock.name + _BUILD_SUFFIX).unlink(missing_ok=True)
        return True
    finally:
        _unlock(use)


def sweep(cache: Path) -> None:
    """Remove the half made builds of workers that crashed, what an interrupted eviction left
    and the locks of builds that do not exist; a build still being made (its build lock held)
    or about to be (its use lock held) is left alone."""
    for base in _kinds(cache):
        for entry in base.iterdir():
            if entry.name.startswith(_EVICTING):
                shutil.rmtree(entry, ignore_errors=True)
            elif entry.name.startswith(_BUILDING):
                key = entry.name.removeprefix(_BUILDING).rsplit("-", 1)[0]
                held = _lock(base / LOCKS / f"{key}{_BUILD_SUFFIX}", fcntl.LOCK_EX | fcntl.LOCK_NB)
                if held is not None:
                    shutil.rmtree(entry, ignore_errors=True)
                    _unlock(held)
        for lock in (base / LOCKS).iterdir():
            if lock.name.endswith(_BUILD_SUFFIX) or (base / lock.name).is_dir():
                continue
            # The lock of a build that failed or was never finished: gone unless held.
            held = _lock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if held is not None:
                if not (base / lock.name).is_dir():
                    lock.unlink(missing_ok=True)
                    lock.with_name(lock.name + _BUILD_SUFFIX).unlink(missing_ok=True)
                _unlock(held)


def _kinds(cache: Path) -> list[Path]:
    """The build caches under ``cache``: the folders with a ``.locks`` folder."""
    if not cache.is_dir():
        return []
    return sorted(p for p in cache.iterdir() if (p / LOCKS).is_dir())
