"""The dependency build cache stays under its size cap by removing the least recently used
builds, never one another worker process is using, and never uses a half made one."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from workers.evaluation.code.build_cache import (
    builds_in_use,
    cached_build,
    cached_builds,
    evict,
)

KB = 1024
# Spawned processes start clean, as separate workers on one host do.
SPAWN = multiprocessing.get_context("spawn")


def filler(size: int, calls: list[str] | None = None):
    """A build that writes ``size`` bytes (and notes that it ran)."""

    def build(building: Path) -> str | None:
        if calls is not None:
            calls.append(building.name)
        (building / "package.bin").write_bytes(b"x" * size)
        return None

    return build


def kept(cache: Path) -> list[str]:
    return sorted(b.path.name for b in cached_builds(cache))


def add(base: Path, key: str, size: int) -> tuple[Path, bool]:
    """A worker's use of the build ``key`` (made if absent) under a 1 MB cap."""
    with builds_in_use():
        target, from_cache, excerpt = cached_build(base, key, filler(size), max_mb=1)
        assert excerpt is None
    return target, from_cache


def test_the_least_recently_used_builds_go_first_once_the_cache_passes_its_cap(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    python, node = cache / "python-dependencies", cache / "node-dependencies"
    add(python, "old", 300 * KB)
    time.sleep(0.02)
    add(node, "middle", 300 * KB)
    time.sleep(0.02)
    add(python, "recent", 300 * KB)
    # Using the oldest build makes it the most recently used (the cache hit marks it).
    time.sleep(0.02)
    target, from_cache = add(python, "old", 300 * KB)
    assert from_cache and (target / "package.bin").stat().st_size == 300 * KB
    assert kept(cache) == ["middle", "old", "recent"]

    # A fourth build passes the 1 MB cap (1,200 KB): the least recently used, across Python's
    # and Node's builds, goes.
    add(node, "newest", 300 * KB)
    assert kept(cache) == ["newest", "old", "recent"]
    assert not (node / "middle").exists() and not (node / ".locks" / "middle").exists()

    # A tighter cap keeps only what fits, newest first.
    evict(cache, 650 * KB)
    assert kept(cache) == ["newest", "old"]


def test_a_build_in_use_is_kept_even_when_it_is_the_oldest(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    base = cache / "python-dependencies"
    with builds_in_use():
        cached_build(base, "running-suite", filler(600 * KB), max_mb=1)
        time.sleep(0.02)
        add(base, "other", 600 * KB)  # over the cap, but the oldest is in use
        assert kept(cache) == ["other", "running-suite"]
        assert evict(cache, 0) == [base / "other"]
        assert kept(cache) == ["running-suite"]
    assert evict(cache, 0) == [base / "running-suite"]
    assert kept(cache) == []


def _use_and_wait(base: Path, ready, release) -> None:
    """Another worker: uses the build ``in-use`` until told to stop."""
    with builds_in_use():
        target, _, excerpt = cached_build(base, "in-use", filler(400 * KB), max_mb=1)
        assert excerpt is None
        ready.set()
        release.wait(30)
        assert (target / "package.bin").stat().st_size == 400 * KB


def test_another_worker_s_build_in_use_is_not_evicted(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    base = cache / "python-dependencies"
    ready, release = SPAWN.Event(), SPAWN.Event()
    worker = SPAWN.Process(target=_use_and_wait, args=(base, ready, release))
    worker.start()
    try:
        assert ready.wait(60), "the other worker never got its build"
        time.sleep(0.02)
        # This worker's third build passes the 1 MB cap: the least recently used build is the
        # other worker's, which stays; the next one goes.
        add(base, "second", 400 * KB)
        add(base, "third", 400 * KB)
        assert kept(cache) == ["in-use", "third"]
        # Even with no room at all, the build in use stays.
        assert evict(cache, 0) == [base / "third"]
        assert kept(cache) == ["in-use"]
    finally:
        release.set()
        worker.join(30)
    assert worker.exitcode == 0
    assert evict(cache, 0) == [base / "in-use"]


def _build_once(base: Path, log: Path) -> None:
    def build(building: Path) -> str | None:
        with open(log, "a") as notes:
            notes.write(f"{os.getpid()}\n")
        time.sleep(0.5)
        (building / "package.bin").write_bytes(b"x" * KB)
        return None

    with builds_in_use():
        cached_build(base, "shared", build, max_mb=1)


def test_two_workers_needing_the_same_build_make_it_once(tmp_path: Path) -> None:
    base, log = tmp_path / "cache" / "node-dependencies", tmp_path / "builds.log"
    workers = [SPAWN.Process(target=_build_once, args=(base, log)) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert [w.exitcode for w in workers] == [0, 0]
    assert len(log.read_text().splitlines()) == 1
    assert kept(tmp_path / "cache") == ["shared"]


def _crash_while_building(base: Path) -> None:
    def build(building: Path) -> str | None:
        (building / "package.bin").write_bytes(b"half")
        os._exit(9)  # the worker dies mid-way: no cleanup runs

    cached_build(base, "crashed", build, max_mb=1)


def test_a_build_left_half_made_by_a_crashed_worker_is_never_used_and_is_cleaned_up(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    base = cache / "python-dependencies"
    worker = SPAWN.Process(target=_crash_while_building, args=(base,))
    worker.start()
    worker.join(60)
    assert worker.exitcode == 9
    (leftover,) = base.glob(".building-crashed-*")
    assert kept(cache) == []

    calls: list[str] = []
    with builds_in_use():
        target, from_cache, _ = cached_build(base, "crashed", filler(KB, calls), max_mb=1)
    assert (from_cache, len(calls)) == (False, 1)
    assert (target / "package.bin").read_bytes() == b"x" * KB
    # The next eviction removes what the crash left (the cap is not even reached).
    assert evict(cache, 10 * 1024 * KB) == []
    assert not leftover.exists()
    assert kept(cache) == ["crashed"]


def test_a_failed_build_is_not_kept_and_leaves_no_lock_behind(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    base = cache / "python-dependencies"
    with builds_in_use():
        _, _, excerpt = cached_build(base, "broken", lambda _b: "ERROR: no wheel", max_mb=1)
    assert excerpt == "ERROR: no wheel"
    assert kept(cache) == [] and not list(base.glob(".building-*"))
    add(base, "fine", KB)
    evict(cache, 10 * 1024 * KB)
    assert sorted(p.name for p in (base / ".locks").iterdir()) == ["fine", "fine.build"]
