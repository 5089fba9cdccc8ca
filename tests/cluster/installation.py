"""One truelevel installation of several hosts, run on this machine for the cluster test.

Web hosts serve the API app (``backend.api:create_api``, the app ``rx.App(api_transformer=…)``
puts in front of Reflex's backend) with Granian, the server ``reflex run --env prod`` uses, so no
frontend is built; worker hosts run ``python -m workers.consumer``. Each host is a process group
with a data folder of its own and an ``application_name`` of its own in PostgreSQL. They share
only what the hosts of a real cluster share: one PostgreSQL database (a schema of its own here,
so the minute sweep sees only this installation's rows), one Redis (a queue name of its own),
one S3-compatible store (a bucket of its own) and the secret ``migrate`` stores in the database.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
from sqlalchemy import Engine, create_engine, make_url, text

from backend.db import make_engine
from tests.s3_server import S3Server

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 180


@dataclass
class Host:
    """One process group of the installation (a web host or a worker host)."""

    name: str
    process: subprocess.Popen
    log: Path
    data_dir: Path
    application_name: str
    url: str = ""  # web hosts: where the API answers
    consumers: int = 0  # worker hosts: how many consumers (one per queue) it starts

    def pids(self) -> set[int]:
        """The host's live processes (its process group)."""
        found = set()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == self.process.pid:
                        found.add(int(entry.name))
                except ProcessLookupError:
                    pass
        return found

    def send(self, signum: int) -> None:
        os.killpg(self.process.pid, signum)

    def kill(self) -> None:
        """SIGKILL every process of the host: a machine lost, no clean-up."""
        self.send(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.send(signal.SIGCONT)  # a frozen host cannot handle SIGTERM
        self.send(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Installation:
    """The shared services' settings, the hosts started so far, and clean-up of all of it."""

    def __init__(
        self, folder: Path, *, database_url: str, redis_url: str, s3: S3Server, bucket: str
    ) -> None:
        self.token = uuid.uuid4().hex[:10]
        self.schema = f"cluster_{self.token}"
        # Letters and digits only: Huey drops anything else from the names of its Redis keys.
        self.queue_name = f"cluster{self.token}"
        self.folder = folder
        self.redis_url = redis_url
        self._database_url = database_url
        self._admin = create_engine(database_url)
        self.hosts: list[Host] = []
        self.shared = {
            "TRUELEVEL_REDIS_URL": redis_url,
            "TRUELEVEL_QUEUE_NAME": self.queue_name,
            **s3.settings(bucket),
        }
        self.s3, self.bucket = s3, bucket
        self.engine: Engine | None = None

    # --- settings -----------------------------------------------------------------------------

    def application_name(self, host: str) -> str:
        return f"tl-{self.token}-{host}"

    def database_url(self, host: str) -> str:
        """The shared database as ``host`` reaches it: this installation's schema, and a name
        that says which host a connection belongs to."""
        url = make_url(self._database_url).update_query_dict(
            {
                "application_name": self.application_name(host),
                "options": f"-csearch_path={self.schema}",
            }
        )
        return url.render_as_string(hide_password=False)

    def env(self, host: str, **settings: str) -> dict[str, str]:
        """A host's environment: the shared settings, an empty data folder of its own, its own
        database connection name, and ``settings`` (``TRUELEVEL_<NAME>``). Nothing else of the
        test's own ``TRUELEVEL_*`` settings (its data folder, database, secret key) leaks in."""
        data_dir = self.folder / host / "data"
        data_dir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRUELEVEL_")}
        env.update(self.shared)
        env["TRUELEVEL_DATA_DIR"] = str(data_dir)
        env["TRUELEVEL_DATABASE_URL"] = self.database_url(host)
        env.update({f"TRUELEVEL_{name.upper()}": value for name, value in settings.items()})
        return env

    # --- deploy and hosts ---------------------------------------------------------------------

    def deploy(self) -> None:
        """The deploy step: an empty schema, then ``python -m backend.cli migrate`` (which also
        creates the installation's secret in the database, since no host sets one)."""
        with self._admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        done = subprocess.run(
            [sys.executable, "-m", "backend.cli", "migrate"],
            cwd=ROOT,
            env=self.env("deploy"),
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        self.engine = make_engine(self.database_url("test"))

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "backend.cli", *args],
            cwd=ROOT,
            env=self.env("admin"),
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT_S,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    def _start(
        self, name: str, command: list[str], env: dict[str, str], url: str = "", consumers: int = 0
    ) -> Host:
        log = self.folder / f"{name}.log"
        with log.open("ab") as output:  # the child keeps its own copy
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        host = Host(
            name,
            process,
            log,
            Path(env["TRUELEVEL_DATA_DIR"]),
            self.application_name(name),
            url,
            consumers,
        )
        self.hosts.append(host)
        return host

    def start_web(self, name: str, **settings: str) -> Host:
        """A web host: the API app under Granian on a port of its own."""
        port = _free_port()
        command = [sys.executable, "-m", "granian", "--interface", "asgi", "--factory"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
        command += ["backend.api:create_api"]
        return self._start(name, command, self.env(name, **settings), f"http://127.0.0.1:{port}")

    def start_worker(
        self, name: str, *options: str, queues: str = "gpu,cpu,ops", **settings: str
    ) -> Host:
        """A worker host: one consumer per queue named, one worker thread each."""
        command = [sys.executable, "-m", "workers.consumer", "--queues", queues]
        command += ["--workers", "1", *options]
        return self._start(
            name, command, self.env(name, **settings), consumers=len(queues.split(","))
        )

    def wait_ready(self, host: Host) -> None:
        """Until a web host answers its health check, or every consumer of a worker host has
        started."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if host.process.poll() is not None:
                raise AssertionError(f"{host.name} exited: {host.tail()}")
            if host.url:
                try:
                    if httpx.get(f"{host.url}/api/v1/health", timeout=5).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
            elif host.tail(10**6).count("Huey consumer started") == host.consumers:
                return
            time.sleep(0.5)
        raise AssertionError(f"{host.name} did not start: {host.tail()}")

    # --- the database's side ------------------------------------------------------------------

    def cut_connections(self, host: Host) -> int:
        """Terminate every PostgreSQL backend of ``host``, as the server does for a client on a
        host that vanished; how many there were."""
        return self._terminate(host.application_name)

    def _terminate(self, application_name: str) -> int:
        """Terminate the backends whose ``application_name`` matches (a LIKE pattern); the
        pids are chosen first, so no other backend is ever a candidate."""
        with self._admin.begin() as connection:
            pids = connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE application_name LIKE :name"),
                {"name": application_name},
            ).scalars()
            return sum(
                connection.execute(
                    text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}
                ).scalar_one()
                for pid in list(pids)
            )

    # --- clean-up -----------------------------------------------------------------------------

    def close(self) -> None:
        for host in self.hosts:
            host.stop()
        if self.engine is not None:
            self.engine.dispose()
        self._terminate(f"tl-{self.token}-%")
        with self._admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE'))
        self._admin.dispose()
        import redis

        client = redis.Redis.from_url(self.redis_url)
        names = list(client.scan_iter(match=f"*{self.queue_name}*"))
        if names:
            client.delete(*names)
        client.close()
