"""Start the real app (``reflex run --env prod``) in a private working directory.

Reflex writes its generated frontend into ``.web/`` of the working directory, so the app
sources are copied into a directory of their own and built there, never in the checkout. The
frontend packages (``.web/node_modules``, 13,000 files) come from the checkout's prepared ``.web``
and are copied only once: the build directory is kept between runs in the system's temporary
folder, locked while a run uses it. A second run at the same time builds in a throw-away
directory instead. Every run gets a fresh data directory and database.

Also runnable by hand for a look at the app: ``python -m tests.e2e.server`` prints the URL and
keeps it running until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_SOURCES = ("rxconfig.py", "truelevel_app", "backend", "assets")
OPTIONAL_SOURCES = ("workers", "requirements.txt")
START_TIMEOUT_S = float(os.environ.get("TRUELEVEL_E2E_START_TIMEOUT", "300"))
# One reusable build directory per checkout and user.
BUILD_CACHE = Path(tempfile.gettempdir()) / (
    f"truelevel-e2e-{os.getuid()}-{hashlib.sha256(str(REPO_ROOT).encode()).hexdigest()[:10]}"
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tool_environment() -> dict[str, str]:
    """os.environ with scripts/env.sh applied (Node 22, bun and the venv first on PATH) and
    every TRUELEVEL_* variable removed, so the app sees only what the caller passes."""
    out = subprocess.run(
        ["bash", "-c", f"source {REPO_ROOT / 'scripts' / 'env.sh'} && env -0"],
        check=True,
        capture_output=True,
    ).stdout.decode()
    env = dict(item.split("=", 1) for item in out.split("\0") if "=" in item)
    return {k: v for k, v in env.items() if not k.startswith("TRUELEVEL_")}


def _copy_sources(workdir: Path) -> None:
    """Replace the app sources in ``workdir`` with the checkout's; give it a prepared .web."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".web", "data")
    for name in APP_SOURCES + OPTIONAL_SOURCES:
        src, dst = REPO_ROOT / name, workdir / name
        if dst.is_dir():
            shutil.rmtree(dst)
        elif dst.exists():
            dst.unlink()
        if src.is_dir():
            shutil.copytree(src, dst, ignore=ignore, symlinks=True)
        elif src.is_file():
            shutil.copy2(src, dst)
        elif name in APP_SOURCES and name != "assets":
            raise FileNotFoundError(src)
    (workdir / "assets").mkdir(exist_ok=True)
    prepared, web = REPO_ROOT / ".web", workdir / ".web"
    copied = web / ".copied-from-checkout"  # absent after an interrupted copy
    if not copied.exists() and (prepared / "node_modules").is_dir():
        # Without it reflex downloads the frontend packages. `cp -a` keeps node_modules' links
        # and is several times faster than copytree.
        subprocess.run(["rm", "-rf", str(web)], check=True)
        subprocess.run(["cp", "-a", str(prepared), str(web)], check=True, capture_output=True)
        copied.touch()
    shutil.rmtree(workdir / ".web" / "build", ignore_errors=True)


@contextmanager
def _build_directory(keep: bool) -> Iterator[Path]:
    """The reusable build directory when free, else a throw-away one."""
    BUILD_CACHE.mkdir(mode=0o700, exist_ok=True)
    with (BUILD_CACHE / "lock").open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            workdir = Path(tempfile.mkdtemp(prefix="truelevel-e2e-"))
            try:
                yield workdir
            finally:
                if not keep:
                    # `rm -rf` removes node_modules' files far faster than shutil.rmtree.
                    subprocess.run(["rm", "-rf", str(workdir)], check=False)
            return
        workdir = BUILD_CACHE / "app"
        workdir.mkdir(exist_ok=True)
        yield workdir  # the lock is released when the file closes


@dataclass
class RunningApp:
    base_url: str
    port: int
    workdir: Path
    database_url: str
    log_path: Path
    env: dict[str, str] = field(repr=False)
    startup_seconds: float = 0.0

    def call(self, target: str, **kwargs: Any) -> Any:
        """Run ``module:function(**kwargs)`` in a subprocess on the app's database and data
        folder (how a test seeds what the app must then show); its JSON-able return value."""
        module, function = target.split(":")
        code = (
            "import json, sys\n"
            f"from {module} import {function} as f\n"
            "print(json.dumps(f(**json.loads(sys.argv[1]))))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, json.dumps(kwargs)],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr[-4000:]
        return json.loads(done.stdout.strip().splitlines()[-1])

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _wait_until_ready(app: RunningApp, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    health, page = f"{app.base_url}/api/v1/health", f"{app.base_url}/signin"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}:\n{app.log_tail()}")
        try:
            if (
                httpx.get(health, timeout=2).status_code == 200
                and httpx.get(page, timeout=2, follow_redirects=True).status_code == 200
            ):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"the app did not answer within {START_TIMEOUT_S:.0f} s:\n{app.log_tail()}")


def _die_with_parent() -> None:
    """In the child before exec: on Linux, get SIGTERM when the test process dies, so a killed
    test run leaves no server behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen) -> None:
    """Stop reflex and everything it started (its own process group), politely first."""
    pgid = process.pid  # start_new_session: the group is named after reflex's pid
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    # The web server's workers can outlive reflex for a moment.
    deadline = time.monotonic() + 10
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_alive(pgid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=5)


@contextmanager
def running_app(extra_env: Mapping[str, str] | None = None) -> Iterator[RunningApp]:
    """Copy, migrate and start the app on a free port; stop it (and its children) afterwards."""
    keep = os.environ.get("TRUELEVEL_E2E_KEEP") == "1"
    with _build_directory(keep) as workdir:
        yield from _run_in(workdir, extra_env or {})


def _run_in(workdir: Path, extra_env: Mapping[str, str]) -> Iterator[RunningApp]:
    started = time.monotonic()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    data_dir = workdir / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir()
    database_url = f"sqlite:///{data_dir / 'truelevel.db'}"
    env = tool_environment() | {
        "TRUELEVEL_DATA_DIR": str(data_dir),
        "TRUELEVEL_DATABASE_URL": database_url,
        "TRUELEVEL_PUBLIC_URL": base_url,
        "TRUELEVEL_PORT": str(port),
        "TRUELEVEL_SECRET_KEY": "e2e-secret-key-not-for-production",
        "PYTHONDONTWRITEBYTECODE": "1",
        **extra_env,
    }
    process: subprocess.Popen | None = None
    log_path = workdir / "reflex.log"
    try:
        _copy_sources(workdir)
        migrated = subprocess.run(
            ["python", "-m", "backend.cli", "migrate"],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
        )
        if migrated.returncode != 0:
            raise RuntimeError(f"migrations failed:\n{migrated.stderr[-4000:]}")
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                [
                    "reflex",
                    "run",
                    "--env",
                    "prod",
                    "--frontend-port",
                    str(port),
                    "--backend-port",
                    str(port),
                    "--loglevel",
                    "info",
                ],
                cwd=workdir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        app = RunningApp(base_url, port, workdir, database_url, log_path, env)
        _wait_until_ready(app, process)
        app.startup_seconds = time.monotonic() - started
        yield app
    finally:
        if process is not None:
            _stop(process)


if __name__ == "__main__":
    # A plain `kill` should stop the app too, not only Ctrl-C.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    with running_app() as running:
        print(f"truelevel at {running.base_url} (ready in {running.startup_seconds:.1f} s)")
        print(f"working directory {running.workdir}; log {running.log_path}")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
