"""Run a command from a candidate's submission where it can do no harm: bubblewrap (``bwrap``)
with no network, a private process tree, a read-only view of the system's toolchains, a copy of
the submission as the only writable folder (plus an empty ``/tmp``), and a wall-clock limit that
kills everything it started. Several runs share a worker host, so each one is isolated from the
others too:

- **A control group per run** (``run_groups``: cgroup v2, or v1's pids/memory/cpu hierarchies)
  caps the whole run's memory, process count and CPU share; the command joins it before any of
  the candidate's code runs, whatever is left in it is killed afterwards, and its counters say
  for sure when a limit was hit. ``prlimit`` limits (address space, processes, file size, no
  core dumps) still apply per process inside it; where no control group can be made (no root)
  they are all there is, and every result says so (``SandboxResult.degraded``).
- **A user of its own** (``sandbox_users``): when this process runs as root (CI, containers) the
  command drops to an unprivileged user id taken from a pool for the run, so that the per-user
  process limit of one run is not another's (the kernel enforces none on root).
- **A system call filter** (``syscall_filter``, seccomp): no new namespaces (``unshare -r``), no
  mounting, ``ptrace``, keyring, ``bpf``, ``perf_event_open``, kexec, reboot, swap or kernel
  modules. ``no_new_privs`` (set by bwrap) makes set-user-id programs (``su``, ``sudo``,
  ``mount``) run without their privileges.

What the command tried and the sandbox stopped is read from the group's counters (``pids``,
``memory``) and from the messages the kernel's refusals produce (``Network is unreachable``,
``Read-only file system``, ``Operation not permitted``...): the sandbox cannot see intentions,
only the errors they ran into. Each thing stopped comes with its evidence (the counter, or the
first line of output that shows the refusal) in ``SandboxResult.evidence``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from backend.settings import Settings, get_settings
from workers.evaluation.code import run_groups, sandbox_users, syscall_filter
from workers.evaluation.scratch import tree_size

log = logging.getLogger(__name__)

BWRAP = "bwrap"
# Where the submission copy appears inside the sandbox.
WORKSPACE = "/workspace"
# Enough for test runners with thread pools (threads count as processes), far too few for a
# fork bomb to hurt the machine.
MAX_PROCESSES = 256
MAX_FILE_MB = 64
# How much the scratch copy may grow during a run before the sandbox stops it: the workspace
# is on this machine's disk, and a submission must not be able to fill it.
MAX_WORKSPACE_GROWTH_MB = 1024
# How often a running sandbox is checked for its deadline and its disk use.
_WATCH_INTERVAL_S = 0.25
# The first line every sandboxed command writes to stderr, from inside the sandbox, before the
# candidate's command starts. Without it the sandbox itself failed to start; with it, anything
# that looks like a bwrap error was printed by the candidate's code.
_STARTED = b"truelevel-sandbox: started\n"
TAIL_CHARS = 8000
# Files read back from the scratch copy (e.g. a junit report) are capped at this size.
MAX_KEPT_FILE_BYTES = 5 * 1024 * 1024
_SCAN_BYTES = 256 * 1024
# The system folders every toolchain needs, read-only.
_SYSTEM_PATHS = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib64", "/lib32")
# Exit status bwrap reports for a command killed by a signal.
_SIGNAL_EXIT_BASE = 128
# The kernel kills what is left in the sandbox's process namespace when its first process ends,
# but asynchronously: wait this long at most for that to finish before returning.
_TEARDOWN_WAIT_S = 5.0
_CHILD_PID = re.compile(rb'"child-pid"\s*:\s*(\d+)')

KilledReason = Literal["timeout", "memory", "pids", "file_size", "disk"]
Violation = Literal[
    "network", "filesystem", "disk", "pids", "memory", "timeout", "file_size", "escalation"
]

# Kernel and runtime messages that show the sandbox refused something.
_VIOLATION_MARKERS: dict[Violation, tuple[str, ...]] = {
    "network": (
        "Network is unreachable",
        "ENETUNREACH",
        "Connection refused",
        "ECONNREFUSED",
        "Temporary failure in name resolution",
        "Name or service not known",
        "EAI_AGAIN",
        "ENOTFOUND",
    ),
    "filesystem": ("Read-only file system", "EROFS", "Permission denied", "EACCES"),
    "disk": ("No space left on device", "ENOSPC", "File too large", "EFBIG"),
    "pids": ("Resource temporarily unavailable", "BlockingIOError", "EAGAIN", "fork: retry"),
    "memory": (
        "MemoryError",
        "Cannot allocate memory",
        "ENOMEM",
        "out of memory",
        "bad_alloc",
    ),
    # Switching user, mounting, new namespaces, signalling the sandbox's init: the messages of
    # the set-user-id programs that find they have no privileges. A bare "Operation not
    # permitted" is not enough (an honest test may hit one on a file); see _ESCALATION_VERBS.
    "escalation": (
        "unshare failed",
        "must be superuser",
        "only root can",
        "Authentication failure",
        "effective uid is not 0",
    ),
}
# EPERM counts as an escalation attempt only with one of these calls or commands on its line or
# on the two lines before it (a Python traceback names the call on the line above its error).
_EPERM = re.compile(r"Operation not permitted|\bEPERM\b")
_ESCALATION_VERBS = re.compile(
    r"\b(unshare|setns|clone|mount|umount2?|pivot_root|chroot|su|sudo|setpriv|nsenter|"
    r"set(?:res|re|e)?[ug]id|setgroups|capset|ptrace|kill)\b"
)
_EVIDENCE_CHARS = 200


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here; nothing was run."""


@dataclass(frozen=True)
class SandboxResult:
    """How a sandboxed command ended. ``exit_code`` is None when the sandbox killed it."""

    exit_code: int | None
    stdout_tail: str
    stderr_tail: str
    timed_out: bool
    killed_reason: KilledReason | None
    seconds: float
    violations: tuple[Violation, ...] = ()  # what the sandbox stopped, sorted
    files: dict[str, str] = field(default_factory=dict)  # read back from the workspace
    # For each violation, how it is known: a counter of the run's control group or the first
    # line of output that shows the refusal.
    evidence: dict[str, str] = field(default_factory=dict)
    # The isolation this run went without, and why (no control group, no system call filter).
    degraded: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """The command finished by itself with exit code 0."""
        return self.exit_code == 0


def python_runtime_paths() -> tuple[Path, ...]:
    """The folders the running Python (a virtual environment and the interpreter it is built
    on) lives in, to be made visible read-only so ``sys.executable -m pytest`` works inside."""
    paths = {Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable))}
    folders = {p if p.is_dir() else p.parent for p in paths}
    # A folder inside another one in the list is already visible.
    outermost = {p for p in folders if not any(other in p.parents for other in folders)}
    return tuple(sorted(p for p in outermost if not _under_system_path(p)))


def run_sandboxed(
    argv: Sequence[str],
    *,
    workdir: Path,
    timeout_s: float | None = None,
    memory_mb: int | None = None,
    env: Mapping[str, str] | None = None,
    read_only_paths: Iterable[Path] = (),
    keep_files: Iterable[str] = (),
    settings: Settings | None = None,
    max_processes: int | None = None,
) -> SandboxResult:
    """Run ``argv`` inside a sandbox on a scratch copy of ``workdir``, mounted at ``/workspace``
    and the working directory there.

    ``read_only_paths`` are extra host folders (toolchains) shown at the same place, read-only.
    ``keep_files`` are workspace-relative paths read back after the run (regular files only,
    capped) into ``SandboxResult.files``. ``max_processes`` defaults to ``MAX_PROCESSES``. The
    scratch copy is deleted afterwards, so the submission folder itself is never changed. Raises
    ``SandboxUnavailable`` when bwrap cannot run; the command is never run without the sandbox.
    """
    settings = settings or get_settings()
    timeout_s = timeout_s if timeout_s is not None else settings.sandbox_timeout_s
    memory_mb = memory_mb if memory_mb is not None else settings.sandbox_memory_mb
    # Read at call time, so a deployment (or a test) can lower the module's limit.
    max_processes = max_processes if max_processes is not None else MAX_PROCESSES
    if shutil.which(BWRAP) is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed")
    as_root = os.geteuid() == 0
    scratch = Path(tempfile.mkdtemp(prefix="truelevel-sandbox-"))
    try:
        with contextlib.ExitStack() as held:
            uid = held.enter_context(sandbox_users.run_user()) if as_root else None
            group, degraded = _run_group(memory_mb, max_processes, settings.sandbox_cpus)
            held.enter_context(group)
            filter_fd = _filter_fd(degraded)
            if filter_fd is not None:
                held.callback(os.close, filter_fd)
            workspace = scratch / "workspace"
            # Links are copied as links: following them would copy host files into the sandbox.
            shutil.copytree(workdir, workspace, symlinks=True)
            if uid is not None:
                _give_to(workspace, uid)
            # bwrap writes the host pid of the sandbox's first process here.
            info_read, info_write = os.pipe()
            held.callback(os.close, info_read)
            # Closed once only, however the run ends: another thread may reuse the number.
            write_end = held.enter_context(_OwnedFd(info_write))
            command = [
                *group.join_command(),
                *_bwrap_options(workspace, read_only_paths, as_root=as_root, memory_mb=memory_mb),
                "--info-fd",
                str(info_write),
                *(["--seccomp", str(filter_fd)] if filter_fd is not None else []),
                *(_user_files(scratch, uid) if uid is not None else []),
                "--",
                *(_drop_to(uid) if uid is not None else []),
                *_limits(memory_mb, max_processes),
                "--",
                *_announce_start(),
                *argv,
            ]
            stdout_path, stderr_path = scratch / "stdout", scratch / "stderr"
            started = time.monotonic()
            with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
                process = subprocess.Popen(
                    command,
                    env=_sandbox_environment(env),
                    stdin=subprocess.DEVNULL,
                    stdout=stdout,
                    stderr=stderr,
                    start_new_session=True,
                    pass_fds=tuple(fd for fd in (info_write, filter_fd) if fd is not None),
                )
                write_end.close()
                stopped = _watch(process, scratch, workspace, deadline=started + timeout_s)
            _wait_for_teardown(info_read)
            # Anything of the run still alive (it cannot be, outside its process namespace, but
            # the group is the one place that knows for sure) ends here.
            group.kill_all()
            counters = group.counters()
            seconds = time.monotonic() - started
            if stopped is None and not _started(stderr_path):
                raise SandboxUnavailable(_read_tail(stderr_path).strip()[-500:])
            stdout_text, stderr_text = _read_tail(stdout_path), _without_start(stderr_path)
            return _result(
                process.returncode,
                stdout_text,
                stderr_text,
                scan=_read_tail(stdout_path, _SCAN_BYTES) + _read_tail(stderr_path, _SCAN_BYTES),
                stopped=stopped,
                counters=counters,
                limits=_Limits(timeout_s, memory_mb, max_processes),
                seconds=seconds,
                files=_kept_files(workspace, keep_files),
                degraded=tuple(degraded),
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


@dataclass(frozen=True)
class _Limits:
    timeout_s: float
    memory_mb: int
    max_processes: int


def _run_group(
    memory_mb: int, max_processes: int, cpus: float
) -> tuple[run_groups.RunGroup, list[str]]:
    """The run's control group, made, and what the run goes without when none can be made (the
    evaluation runs anyway, with the per-process limits alone)."""
    where = run_groups.hierarchy()
    limits = {"memory_bytes": memory_mb * 1024 * 1024, "max_processes": max_processes}
    group = run_groups.RunGroup(where, **limits, cpus=cpus)
    try:
        group.create()
    except OSError as error:
        log.warning("sandbox: could not make a control group for a run: %s", error)
        where = run_groups.Hierarchy("none", {}, str(error))
        group = run_groups.RunGroup(where, **limits, cpus=cpus)
    if where.mode == "none":
        return group, [f"no control group ({where.reason}): limits are per process only"]
    return group, []


def _filter_fd(degraded: list[str]) -> int | None:
    try:
        return syscall_filter.program_fd()
    except syscall_filter.FilterUnavailable as error:
        _warn_once(f"sandbox: no system call filter ({error})")
        degraded.append(f"no system call filter ({error})")
        return None


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning(message)


class _OwnedFd:
    """A file descriptor closed exactly once: early by ``close``, or on leaving the block."""

    def __init__(self, fd: int):
        self.fd = fd

    def close(self) -> None:
        if self.fd != -1:
            fd, self.fd = self.fd, -1
            os.close(fd)

    def __enter__(self) -> _OwnedFd:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _watch(
    process: subprocess.Popen, scratch: Path, workspace: Path, *, deadline: float
) -> Literal["timeout", "disk"] | None:
    """Wait for the sandbox to end; kill it at the deadline or when the workspace grows past
    ``MAX_WORKSPACE_GROWTH_MB``. Returns why it was stopped, None when it ended by itself."""
    allowance = MAX_WORKSPACE_GROWTH_MB * 1024 * 1024
    free_at_start = _free_bytes(scratch)
    size_at_start = tree_size(workspace)
    while True:
        try:
            process.wait(timeout=max(0.0, min(_WATCH_INTERVAL_S, deadline - time.monotonic())))
            return None
        except subprocess.TimeoutExpired:
            pass
        stopped: Literal["timeout", "disk"] | None = None
        if time.monotonic() >= deadline:
            stopped = "timeout"
        # Free space is cheap to read; the workspace is only measured when the disk has filled
        # by more than the allowance (other programs write to it too).
        elif free_at_start - _free_bytes(scratch) > allowance:
            if tree_size(workspace) - size_at_start > allowance:
                stopped = "disk"
        if stopped is not None:
            # bwrap is the namespace's parent: killing its group ends the private process tree,
            # and every process in it, with it.
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it ended on its own in the meantime
            process.wait()
            return stopped


def _bwrap_options(
    workspace: Path, read_only_paths: Iterable[Path], *, as_root: bool, memory_mb: int
) -> list[str]:
    options = [BWRAP, "--die-with-parent", "--new-session"]
    if as_root:
        # Root needs no user namespace for the mounts; the command drops to nobody inside.
        options += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
        options += ["--unshare-cgroup-try"]
    else:
        options += ["--unshare-all", "--cap-drop", "ALL"]
    for system_path in _SYSTEM_PATHS:
        if os.path.islink(system_path):  # merged /usr: /bin -> usr/bin
            options += ["--symlink", os.readlink(system_path), system_path]
        elif os.path.isdir(system_path):
            options += ["--ro-bind", system_path, system_path]
    options += ["--proc", "/proc", "--dev", "/dev"]
    # POSIX shared memory and semaphores (multiprocessing's locks, queues and pools) live in
    # /dev/shm, which bwrap leaves owned by root: a suite using them failed with EACCES and was
    # reported as trying to write outside its folder. A private one, sized like the memory.
    options += ["--perms", "1777", "--size", str(memory_mb * 1024 * 1024), "--tmpfs", "/dev/shm"]
    # /tmp lives in memory: cap it like the memory the command may use. Mounted before the
    # toolchains, so that one that lives under /tmp on the host (a CI checkout) stays visible.
    options += ["--perms", "1777", "--size", str(memory_mb * 1024 * 1024), "--tmpfs", "/tmp"]
    created: set[Path] = set()
    wanted = {Path(p).resolve() for p in read_only_paths}
    # A folder inside another one that is shown is visible already.
    wanted = {p for p in wanted if not any(other in p.parents for other in wanted)}
    for path in sorted(wanted):
        if _under_system_path(path) or not path.exists():
            continue
        # bwrap would copy the mode of private parents (/root is 0700): make them traversable.
        for parent in reversed(path.parents[:-1]):
            if parent not in created and parent != Path("/tmp"):
                created.add(parent)
                options += ["--perms", "0755", "--dir", str(parent)]
        options += ["--ro-bind", str(path), str(path)]
    options += ["--bind", str(workspace), WORKSPACE]
    options += ["--remount-ro", "/", "--chdir", WORKSPACE]
    return options


def _drop_to(uid: int) -> list[str]:
    return [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={uid}",
        "--clear-groups",
        "--inh-caps=-all",
        "--bounding-set=-all",
        "--",
    ]


def _user_files(scratch: Path, uid: int) -> list[str]:
    """``/etc/passwd`` and ``/etc/group`` with an entry for the run's user, shown read-only in
    place of the host's (``getpass.getuser()``, ``os.userInfo()`` and ``id`` look it up)."""
    options = []
    for name, line in zip(("passwd", "group"), sandbox_users.passwd_lines(uid), strict=True):
        try:
            text = Path("/etc", name).read_text()
        except OSError:
            text = ""
        copy = scratch / name
        copy.write_text(text + ("" if text.endswith("\n") or not text else "\n") + line)
        copy.chmod(0o644)
        options += ["--ro-bind", str(copy), f"/etc/{name}"]
    return options


def _limits(memory_mb: int, max_processes: int) -> list[str]:
    return [
        "prlimit",
        f"--as={memory_mb * 1024 * 1024}",
        f"--nproc={max_processes}",
        f"--fsize={MAX_FILE_MB * 1024 * 1024}",
        "--core=0",
    ]


def _wait_for_teardown(info_fd: int) -> None:
    """Return once the sandbox's first process, and with it every process of the sandbox, is
    gone (or a zombie, which runs nothing), so nothing the submission started outlives the run."""
    os.set_blocking(info_fd, False)
    try:
        info = os.read(info_fd, 4096)
    except BlockingIOError:
        return  # bwrap never got as far as starting the sandbox
    found = _CHILD_PID.search(info)
    if found is None:
        return
    stat_path = Path(f"/proc/{int(found.group(1))}/stat")
    deadline = time.monotonic() + _TEARDOWN_WAIT_S
    while time.monotonic() < deadline:
        try:
            state = stat_path.read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.02)


def _announce_start() -> list[str]:
    """A shell that writes ``_STARTED`` to stderr and then becomes the command: it runs inside
    the sandbox, as the dropped user, under the limits, before any of the candidate's code."""
    marker = _STARTED.decode().rstrip("\n")
    return ["/bin/sh", "-c", f'echo "{marker}" >&2 && exec "$@"', "sh"]


def _started(stderr_path: Path) -> bool:
    with open(stderr_path, "rb") as handle:
        return handle.read(len(_STARTED)) == _STARTED


def _without_start(stderr_path: Path) -> str:
    """The stderr tail without our start line (when the tail still reaches back to it)."""
    text = _read_tail(stderr_path)
    marker = _STARTED.decode()
    return text.removeprefix(marker) if stderr_path.stat().st_size <= TAIL_CHARS else text


def _free_bytes(path: Path) -> int:
    status = os.statvfs(path)
    return status.f_bavail * status.f_frsize


def _sandbox_environment(extra: Mapping[str, str] | None) -> dict[str, str]:
    """Nothing from this process's environment (tokens, database URLs) reaches the sandbox."""
    environment = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/tmp",
        "TMPDIR": "/tmp",
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        # The memory limit caps address space (RLIMIT_AS), and glibc reserves 64 MB of it for
        # each thread's malloc arena: a suite that starts a few dozen threads (a thread-safety
        # test) ran out of address space at 70 MB resident and read as a memory bomb. Two
        # arenas keep the reservation proportional to what is used.
        "MALLOC_ARENA_MAX": "2",
    }
    environment.update(extra or {})
    return environment


def _give_to(workspace: Path, uid: int) -> None:
    """The scratch copy belongs to the run's user, the only one that may write it."""
    for root, dirs, files in os.walk(workspace):
        os.lchown(root, uid, uid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, uid)


def _under_system_path(path: Path) -> bool:
    return any(path == Path(p) or Path(p) in path.parents for p in _SYSTEM_PATHS)


def _read_tail(path: Path, size: int = TAIL_CHARS) -> str:
    with open(path, "rb") as handle:
        handle.seek(max(0, path.stat().st_size - size))
        return handle.read().decode("utf-8", "replace")


def _kept_files(workspace: Path, names: Iterable[str]) -> dict[str, str]:
    kept: dict[str, str] = {}
    for name in names:
        path = workspace / name
        try:
            # O_NOFOLLOW: the submission may have replaced the file with a link to a host file.
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                continue
            data = handle.read(MAX_KEPT_FILE_BYTES + 1)
        if len(data) <= MAX_KEPT_FILE_BYTES:
            kept[name] = data.decode("utf-8", "replace")
    return kept


def _result(
    returncode: int,
    stdout_text: str,
    stderr_text: str,
    *,
    scan: str,
    stopped: Literal["timeout", "disk"] | None,
    counters: run_groups.GroupCounters,
    limits: _Limits,
    seconds: float,
    files: dict[str, str],
    degraded: tuple[str, ...],
) -> SandboxResult:
    evidence: dict[str, str] = {}
    for kind, markers in _VIOLATION_MARKERS.items():
        line = _first_line_with(scan, markers, kind)
        if line is not None:
            evidence[kind] = f"output: {line}"
    # The group's counters are certain; they replace a message that only suggests the same.
    if counters.pids_refused:
        evidence["pids"] = (
            f"the run's control group refused new processes at its limit of "
            f"{limits.max_processes} (pids.events max)"
        )
    if counters.memory_killed:
        evidence["memory"] = (
            f"the kernel killed a process at the run's memory limit of {limits.memory_mb} MB "
            "(control group oom_kill)"
        )
    timed_out = stopped == "timeout"
    killed_reason: KilledReason | None = None
    if stopped is not None:
        killed_reason = stopped
        evidence[stopped] = (
            f"stopped at the {limits.timeout_s:g}-second time limit"
            if stopped == "timeout"
            else f"the workspace grew past {MAX_WORKSPACE_GROWTH_MB} MB"
        )
    elif returncode == _SIGNAL_EXIT_BASE + signal.SIGXFSZ:
        killed_reason = "file_size"
        evidence["file_size"] = f"a file reached the {MAX_FILE_MB} MB limit (SIGXFSZ)"
    elif "memory" in evidence:
        killed_reason = "memory"
    elif "pids" in evidence:
        killed_reason = "pids"
    return SandboxResult(
        exit_code=None if stopped is not None else returncode,
        stdout_tail=stdout_text,
        stderr_tail=stderr_text,
        timed_out=timed_out,
        killed_reason=killed_reason,
        seconds=round(seconds, 3),
        violations=tuple(sorted(evidence)),  # type: ignore[arg-type]
        files=files,
        evidence=dict(sorted(evidence.items())),
        degraded=degraded,
    )


def _first_line_with(text: str, markers: tuple[str, ...], kind: str = "") -> str | None:
    """The first output line showing one of ``markers`` (for ``escalation``, also an EPERM
    next to a privileged call: ``_ESCALATION_VERBS``), as the evidence quotes it."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        found = any(marker in line for marker in markers)
        if not found and kind == "escalation" and _EPERM.search(line):
            context = " ".join(lines[max(0, index - 2) : index + 1])
            found = _ESCALATION_VERBS.search(context) is not None
        if found:
            line = line.strip()
            return line if len(line) <= _EVIDENCE_CHARS else line[: _EVIDENCE_CHARS - 1] + "…"
    return None
