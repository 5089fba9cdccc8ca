"""One control group per sandboxed run, so that no run can starve another.

Resource limits set with ``prlimit`` are per process (memory) or per user (processes): a fork
bomb holding its processes used up the process count every other sandbox shared, and ten
processes at the memory limit each used ten times the memory. A control group counts the whole
run: its memory (tmpfs files included), its processes and its CPU time, whatever the run does.

Which hierarchy this machine offers is found once per worker process:

- **cgroup v2** (``cgroup2`` mounted with the ``memory``, ``pids`` and ``cpu`` controllers): the
  worker's own group must be delegated to it (systemd ``Delegate=yes``, a container's private
  cgroup namespace, or root). Controllers can only be handed to children of a group without
  processes, so the worker's processes move into a ``truelevel-worker`` leaf first (as systemd's
  delegation rules ask), and each run gets ``truelevel-sandbox/run-<id>`` beside it.
- **cgroup v1** (separate ``pids``, ``memory`` and ``cpu`` hierarchies): a ``run-<id>`` group
  under ``truelevel-sandbox`` in the worker's own group of each.
- **none** writable (a developer's laptop without root): the sandbox falls back to ``prlimit``
  alone and says so, once in the log and on every result (``SandboxResult.degraded``); the
  evaluation still runs.

The command joins its group before anything of the candidate runs (``join_command`` is a shell
that writes its own pid into the group and then becomes bwrap), so every process it starts is
counted. After the run whatever is left in the group is killed, the counters are read (a limit
hit is known from ``memory.events``/``oom_control`` and ``pids.events``, not guessed from
messages) and the group is removed.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

log = logging.getLogger(__name__)

CONTROLLERS = ("memory", "pids", "cpu")
SANDBOX_GROUP = "truelevel-sandbox"
WORKER_LEAF = "truelevel-worker"
CPU_PERIOD_US = 100_000
_MOUNTINFO = Path("/proc/self/mountinfo")
_OWN_GROUPS = Path("/proc/self/cgroup")
_EMPTY_WAIT_S = 5.0
# How long a group whose last (zombie) process is slow to be reaped may keep its folder busy
# before the run gives up removing it (only a leaked group waits this long).
_REMOVE_WAIT_S = 30.0
# An empty run group older than this was left by a worker that ended mid-run.
_LEFTOVER_AGE_S = 600.0

Mode = Literal["v2", "v1", "none"]


@dataclass(frozen=True)
class Hierarchy:
    """Where run groups are made: ``parents`` maps a controller to the folder run groups are
    created in (v2: one folder under the key ``""``); ``reason`` says why there is none."""

    mode: Mode
    parents: dict[str, Path]
    reason: str = ""


@dataclass(frozen=True)
class GroupCounters:
    """What the group's own counters say the run ran into."""

    memory_killed: bool = False  # the kernel killed a process at the group's memory limit
    pids_refused: bool = False  # a fork or thread was refused at the group's process limit


_detected: Hierarchy | None = None
_detect_lock = threading.Lock()


def hierarchy() -> Hierarchy:
    """This machine's hierarchy for run groups, found on first use."""
    global _detected
    with _detect_lock:
        if _detected is None:
            _detected = _detect()
            swept = sweep_leftovers(_detected)
            if swept:
                log.info("sandbox: removed %d empty run groups left by ended workers", swept)
            if _detected.mode == "none":
                log.warning(
                    "sandbox: no control group available (%s); runs are limited per process "
                    "with prlimit only, and one run can slow down another",
                    _detected.reason,
                )
            else:
                log.info("sandbox: one control group per run (cgroup %s)", _detected.mode)
        return _detected


class RunGroup:
    """The control group of one run: made with its limits (``create``), joined by the command,
    read and removed afterwards (leaving the ``with`` block). With no hierarchy it does nothing
    and reports nothing."""

    def __init__(self, where: Hierarchy, *, memory_bytes: int, max_processes: int, cpus: float):
        self.where = where
        name = f"run-{uuid.uuid4().hex[:12]}"
        self.folders = {key: parent / name for key, parent in where.parents.items()}
        self._memory_bytes = memory_bytes
        self._max_processes = max_processes
        self._cpus = cpus

    def create(self) -> None:
        """Make the group(s) with their limits; an ``OSError`` leaves nothing behind."""
        try:
            for folder in self.folders.values():
                folder.mkdir()
            self._set_limits()
        except OSError:
            self.remove()
            raise

    def __enter__(self) -> RunGroup:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.remove()

    def join_command(self) -> list[str]:
        """A shell that moves itself into the group, then runs the rest of the command line."""
        if not self.folders:
            return []
        files = [str(folder / "cgroup.procs") for folder in self.folders.values()]
        script = (
            'for f in "$@"; do shift; [ "$f" = -- ] && break; echo $$ > "$f" || exit 125; done; '
            'exec "$@"'
        )
        return ["/bin/sh", "-c", script, "sh", *files, "--"]

    def counters(self) -> GroupCounters:
        """Read the group's event counters (call after the run, before ``remove``)."""
        if self.where.mode == "v2":
            folder = self.folders[""]
            memory = _keyed(folder / "memory.events")
            pids = _keyed(folder / "pids.events")
            return GroupCounters(memory.get("oom_kill", 0) > 0, pids.get("max", 0) > 0)
        if self.where.mode == "v1":
            memory = _keyed(self.folders["memory"] / "memory.oom_control")
            pids = _keyed(self.folders["pids"] / "pids.events")
            return GroupCounters(memory.get("oom_kill", 0) > 0, pids.get("max", 0) > 0)
        return GroupCounters()

    def kill_all(self) -> None:
        """Kill every process still in the group and wait (briefly) for it to be empty."""
        if not self.folders:
            return
        first = next(iter(self.folders.values()))
        kill_switch = first / "cgroup.kill"
        deadline = time.monotonic() + _EMPTY_WAIT_S
        while time.monotonic() < deadline:
            left = _pids(first / "cgroup.procs")
            if not left:
                return
            if self.where.mode == "v2" and kill_switch.exists():
                _write(kill_switch, "1", missing_ok=True)
            else:
                for pid in left:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            time.sleep(0.02)

    def remove(self) -> None:
        self.kill_all()
        for folder in self.folders.values():
            deadline = time.monotonic() + _REMOVE_WAIT_S
            while True:
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as error:
                    # Busy until the last (zombie) process is reaped.
                    if error.errno != errno.EBUSY or time.monotonic() > deadline:
                        log.warning("sandbox: could not remove control group %s: %s", folder, error)
                        break
                    # A process may still be listed in this hierarchy though gone from another.
                    for pid in _pids(folder / "cgroup.procs"):
                        try:
                            os.kill(pid, signal.SIGKILL)
                        except ProcessLookupError:
                            pass
                    time.sleep(0.05)

    def _set_limits(self) -> None:
        quota = max(1000, int(self._cpus * CPU_PERIOD_US))
        if self.where.mode == "v2":
            folder = self.folders[""]
            _write(folder / "memory.max", str(self._memory_bytes))
            # Swap would let a run go past its memory; not every kernel has swap accounting.
            _write(folder / "memory.swap.max", "0", missing_ok=True)
            _write(folder / "pids.max", str(self._max_processes))
            _write(folder / "cpu.max", f"{quota} {CPU_PERIOD_US}")
        elif self.where.mode == "v1":
            memory = self.folders["memory"]
            _write(memory / "memory.limit_in_bytes", str(self._memory_bytes))
            _write(memory / "memory.memsw.limit_in_bytes", str(self._memory_bytes), missing_ok=True)
            _write(self.folders["pids"] / "pids.max", str(self._max_processes))
            _write(self.folders["cpu"] / "cpu.cfs_period_us", str(CPU_PERIOD_US))
            _write(self.folders["cpu"] / "cpu.cfs_quota_us", str(quota))


def sweep_leftovers(where: Hierarchy, *, older_than_s: float = _LEFTOVER_AGE_S) -> int:
    """Remove the run groups a worker that ended mid-run (killed, or its machine's power cut)
    left behind: empty, and made more than ``older_than_s`` ago, so never one a run is being
    set up in. Returns how many folders went."""
    removed = 0
    now = time.time()
    for parent in where.parents.values():
        try:
            children = [child for child in parent.iterdir() if child.name.startswith("run-")]
        except OSError:
            continue
        for child in children:
            try:
                if _pids(child / "cgroup.procs") or now - child.stat().st_mtime < older_than_s:
                    continue
                child.rmdir()
                removed += 1
            except OSError:
                continue  # busy, or gone meanwhile
    return removed


# --- detection ------------------------------------------------------------------------------


def _detect() -> Hierarchy:
    mounts = _cgroup_mounts()
    own = _own_groups()
    problems = []
    try:
        found = _detect_v2(mounts, own)
        if found is not None:
            return found
        problems.append("cgroup v2 has no memory, pids and cpu controllers to delegate")
    except OSError as error:
        problems.append(f"cgroup v2: {error}")
    try:
        found = _detect_v1(mounts, own)
        if found is not None:
            return found
        problems.append("no cgroup v1 memory, pids and cpu hierarchies")
    except OSError as error:
        problems.append(f"cgroup v1: {error}")
    return Hierarchy("none", {}, "; ".join(problems))


def _detect_v2(mounts: dict[str, Path], own: dict[str, str]) -> Hierarchy | None:
    mount = mounts.get("cgroup2")
    if mount is None or "" not in own:
        return None
    base = mount / own[""].lstrip("/")
    if base.name == WORKER_LEAF:  # another worker process moved us there already
        base = base.parent
    available = set(_read(base / "cgroup.controllers").split())
    if not set(CONTROLLERS) <= available:
        return None
    enable = " ".join(f"+{c}" for c in CONTROLLERS)
    try:
        _write(base / "cgroup.subtree_control", enable)
    except OSError as error:
        if error.errno != errno.EBUSY:
            raise
        # Controllers go to children of a group without processes: move ours into a leaf.
        leaf = base / WORKER_LEAF
        leaf.mkdir(exist_ok=True)
        for pid in _pids(base / "cgroup.procs"):
            try:
                _write(leaf / "cgroup.procs", str(pid))
            except OSError:
                pass  # ended meanwhile, or a kernel thread
        _write(base / "cgroup.subtree_control", enable)
    parent = base / SANDBOX_GROUP
    parent.mkdir(exist_ok=True)
    _write(parent / "cgroup.subtree_control", enable)
    return Hierarchy("v2", {"": parent})


def _detect_v1(mounts: dict[str, Path], own: dict[str, str]) -> Hierarchy | None:
    parents = {}
    for controller in CONTROLLERS:
        if controller not in mounts or controller not in own:
            return None
        parent = mounts[controller] / own[controller].lstrip("/") / SANDBOX_GROUP
        parent.mkdir(exist_ok=True)
        parents[controller] = parent
    return Hierarchy("v1", parents)


def _cgroup_mounts() -> dict[str, Path]:
    """Mount points: ``cgroup2`` for the unified hierarchy, a controller's name for v1."""
    found: dict[str, Path] = {}
    try:
        lines = _MOUNTINFO.read_text().splitlines()
    except OSError:
        return found
    for line in lines:
        fields = line.split()
        if "-" not in fields:
            continue
        separator = fields.index("-")
        point, fstype = fields[4], fields[separator + 1]
        options = fields[separator + 3].split(",") if len(fields) > separator + 3 else []
        if fstype == "cgroup2":
            found.setdefault("cgroup2", Path(point))
        elif fstype == "cgroup":
            for controller in CONTROLLERS:
                if controller in options:
                    found.setdefault(controller, Path(point))
    return found


def _own_groups() -> dict[str, str]:
    """This process's group per controller (``""`` for the unified hierarchy)."""
    groups: dict[str, str] = {}
    try:
        lines = _OWN_GROUPS.read_text().splitlines()
    except OSError:
        return groups
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            groups[controller] = path
    return groups


# --- files ----------------------------------------------------------------------------------


def _read(path: Path) -> str:
    return path.read_text()


def _write(path: Path, value: str, *, missing_ok: bool = False) -> None:
    try:
        with open(path, "w") as handle:
            handle.write(value)
    except FileNotFoundError:
        if not missing_ok:
            raise


def _keyed(path: Path) -> dict[str, int]:
    """``key value`` lines (``memory.events``, ``pids.events``, ``memory.oom_control``)."""
    values: dict[str, int] = {}
    try:
        text = path.read_text()
    except OSError:
        return values
    for line in text.splitlines():
        key, _, value = line.partition(" ")
        if value.strip().isdigit():
            values[key] = int(value)
    return values


def _pids(procs: Path) -> list[int]:
    try:
        return [int(line) for line in procs.read_text().split()]
    except (OSError, ValueError):
        return []
