"""The REST API under load, next to a bare Starlette route reading the same row.

    ./scripts/ensure_tools.sh --bench      # wrk, the load generator (Debian)
    .venv/bin/python -m bench.api [--database URL ...] [--connections 1,16,64,256] [--seconds 10]

For each database (a fresh SQLite file by default; add ``--database postgresql+psycopg://…``,
which is emptied and migrated), it creates an organisation, an API key and one evaluation, then
starts two servers the way ``make run`` serves the API (Granian, ASGI, one worker: Reflex's
production backend without Redis):

* ``api``: our FastAPI app (``backend.api:create_api``, the object Reflex mounts);
* ``bare``: a bare Starlette route reading the same evaluation row with the same engine.

wrk then drives ``GET /api/v1/evaluations/{id}`` and ``POST /api/v1/evaluations`` on ours and
``GET /row/{id}`` on the bare one at each number of connections, and the table shows requests per
second, p99 latency, errors (non-2xx answers, socket errors), timeouts (no answer in 30 s) and the
ratio to bare.

Measured (issue 11: ≥ 0.5× bare at 1, 16 and 64 connections, no errors at 256) with
``--seconds 5`` on a 2-core machine shared with other work (load 3 to 12), so a ratio moves by
±0.1 or more from run to run. Ratio ranges, 1 / 16 / 64 connections; no run had an error or a
timeout at any number of connections, 256 included:

    SQLite              GET /evaluations/{id}               POST /evaluations
    first (2 runs)      0.30-0.44 / 0.19-0.29 / 0.18-0.20   0.06-0.08 / 0.07-0.10 / 0.05-0.11
    key cache (4 runs)  0.31-0.46 / 0.32-0.46 / 0.24-0.47   0.14-0.27 / 0.13-0.21 / 0.13-0.25
    now (4 runs)        0.58-0.76 / 0.57-1.00 / 0.70-1.32   0.28-0.47 / 0.22-0.34 / 0.21-0.43
    before one INSERT   0.34-0.76 / 0.42-0.62 / 0.41-0.50   0.17-0.33 / 0.17-0.22 / 0.15-0.23 (3)
    one INSERT          (GET: 5 runs of both)               0.22-0.29 / 0.21-0.27 / 0.21-0.22 (2)

    PostgreSQL          GET /evaluations/{id}               POST /evaluations
    first (2 runs)      0.10-0.34 / 0.16-0.27 / 0.20-0.33   0.08-0.17 / 0.09-0.12 / 0.11-0.16
    key cache (4 runs)  0.41-0.47 / 0.29-0.50 / 0.33-0.54   0.16-0.28 / 0.18-0.32 / 0.22-0.33
    now (4 runs)        0.61-0.81 / 0.49-0.62 / 0.44-0.56   0.30-0.53 / 0.40-0.53 / 0.35-0.43
    before one INSERT   0.67-0.79 / 0.50-0.68 / 0.38-0.48   0.15-0.27 / 0.31-0.59 / 0.40-0.46 (3)
    one INSERT          (GET: 5 runs of both)               0.29-0.30 / 0.45-0.47 / 0.44-0.56 (2)

The last two rows of each table were measured together, runs of the commit before and after
alternating (load 9 to 13; GET's code is the same in both): the code of "now" measured lower
than in those earlier runs, so compare rows measured together only. POST stays under 0.5× on
SQLite and at 1 connection on PostgreSQL; no run had an error or a timeout.

Earlier PostgreSQL runs may be low: a Granian worker that hung in its shutdown outlived its run
with its 30 pooled connections (``Server.stop`` now kills the process group).

In process, CPU time a request (ASGI calls one after another, best of 7 windows):

    µs                  SQLite bare / GET / POST    PostgreSQL bare / GET / POST
    key cache           125 / 450 / 820             270 / 720 / 1040
    now                 120 / 190 / 490             275 / 515 / 730

What changed: GET reads the 32 columns its view needs through one prebuilt Core query on a
pooled connection of its own (``deps.read_by_key``: no ORM object, no session), on SQLite on
the event loop (a WAL reader never waits; the thread hop cost more than the read); a submission
is inserted through Core from its values (``SubmittedEvaluation``: no 45-column ORM object, no
flush) and touches 7 indexes instead of 11 (migration 0018); keys the cache cannot answer are
checked on a session of their own, so the key dependency needs no request session and both
routes open theirs where they use it (``deps.request_session``: FastAPI's ``yield``
dependency cost ~45 µs); SQLite submissions of one process take turns on a mutex rather than
SQLite's sleep-and-retry (p99 at 16 connections 340 → ~110 ms).

Then a submission through the API became one INSERT on a pooled connection that commits it on
its own (``AUTOCOMMIT``): no session, and on PostgreSQL one round trip instead of three. Under
wrk neither moved the ratio beyond the noise: what kept POST under 0.5x was that every
concurrent submission took a thread, a pooled connection and a commit of its own, while SQLite let
the writers in one at a time anyway.

Now submissions are written together (``backend.services.evaluations.submission_writer``): a
request hands its row to one writer thread per process and awaits the outcome on the event loop;
the writer inserts every row that arrived meanwhile in one transaction (one statement for many
parameter sets), commits once, wakes each event loop once for the whole batch, and hands the
rows to the queue after answering. A failed batch is written again row by row, so a bad row
fails its own request only. In process (ASGI calls, CPU a request, best of 7 windows; 16
concurrent submissions), SQLite POST went 912 -> 402 µs. And the API's process freezes what it
has built out of the cyclic garbage collector (``gc.freeze`` in ``create_api``): a full
collection walked ~200,000 objects, a ~120 ms pause every few thousand submissions.

Measured on 2026-12-07 (``--seconds 5``), ratio at 1 / 16 / 64 / 256 connections, no error or
timeout in any run. On a quiet machine (load about 1), the last two commits' runs:

    SQLite       GET  0.69-0.70 / 1.02-1.05 / 1.20-1.23 / 1.00-1.01
                 POST 0.35-0.39 / 0.63-0.73 / 1.14-1.20 / 0.95-0.99
    PostgreSQL   GET  0.71-0.87 / 0.50-0.78 / 0.46-0.58 / 0.58-0.65
                 POST 0.65-0.67 / 0.86-1.48 / 1.30-1.57 / 1.85-2.00

With helpers' tests beside it (load 2 to 9): SQLite POST 0.29 / 0.29 / 0.44 / 0.34, PostgreSQL
POST 0.36 / 0.48 / 0.99 / 1.19. Side by side with the commit before the writer (same bare run,
2 rounds each, loaded), POST at 1 / 16 / 64 / 256: SQLite 0.22-0.33 / 0.20-0.30 / 0.22-0.29 /
0.22-0.38 before, 0.22-0.36 / 0.34-0.51 / 0.26-0.35 / 0.35-0.46 after; PostgreSQL 0.21-0.27 /
0.53-0.60 / 0.55-0.59 / 0.55-0.58 before, 0.20-0.36 / 0.74 / 0.89-0.94 / 1.00-1.03 after.

Then a submission whose request is the only one the process is answering (``backend.api.
in_flight``) writes its row on the event loop when it can without waiting: this process's SQLite
mutex and the file's write lock are free (its connection never waits; a lock held elsewhere
sends the row to the writer thread, so the loop never sleeps in SQLite's busy handler). Under
concurrent requests rows are still written together. Handing the queue message to the writer
thread instead of sending it on the loop measured lower (0.36x against 0.39x at one connection).
Side by side on a quiet machine on 2026-12-08 (load about 1), the commit before and after, two
rounds of each, ratio at 1 / 16 / 64 / 256 connections, no error or timeout in any run:

    SQLite POST  before  0.32-0.33 / 0.70 / 0.83-0.92 / 0.89-0.90   (700 req/s at 1)
                 after   0.39-0.42 / 0.67-0.72 / 0.93-0.94 / 0.88-0.95   (780-800 req/s at 1)
    SQLite GET   (same code) 0.57-0.65 / 0.87-0.89 / 0.90-1.05 / 0.77-0.83
    PostgreSQL   POST 0.51-0.55 / 1.29-1.37 / 1.32-1.41 / 1.66-1.76
                 GET  0.67-0.73 / 0.79-0.83 / 0.52-0.53 / 0.58-0.62

Two more steps for a lone submission: a request body that has arrived whole reaches the app in
one message (``backend.api.whole_body``: Granian hands even a small body over as the bytes and
then an empty last message, each a round trip between its thread and the event loop), and the
queue message is sent on the loop's next turn, once the answer is on its way. And ``bare POST
/row`` joined the table: a bare Starlette route that validates the same submission and inserts
its row in one transaction (no key, no rate limit, no queue message), the least a write costs
under this server, as a ratio to the bare GET.

Side by side on 2026-12-08, the commit before this session's work (``old``) and after it
(``new``), alternated, two rounds each, the machine otherwise idle; ratio to the bare GET at
1 / 16 / 64 / 256 connections, no error or timeout in any run:

    SQLite POST      old  0.31-0.33 / 0.70-0.71 / 0.85-0.95 / 0.89-0.90   (722-746 req/s at 1)
                     new  0.37-0.38 / 0.72-0.75 / 0.94-0.97 / 0.92-0.94   (912-946 req/s at 1)
    SQLite bare POST      0.44-0.48 / 0.53-0.56 / 0.52-0.54 / 0.49-0.51
    SQLite GET       old  0.56-0.58 / 0.88-0.90 / 0.87-0.99 / 0.78-0.79
                     new  0.52-0.54 / 0.87-0.89 / 0.91-0.95 / 0.75-0.79   (same req/s, faster bare)
    PostgreSQL POST  old  0.51-0.54 / 1.29-1.33 / 1.34-1.45 / 1.81-1.85
                     new  0.52-0.55 / 1.36-1.41 / 1.67-1.71 / 1.90-1.99
    PostgreSQL bare POST  0.71-0.74 / 1.11-1.17 / 1.11-1.19 / 1.18-1.29
    PostgreSQL GET   old  0.67-0.70 / 0.78-0.79 / 0.52-0.53 / 0.60-0.62
                     new  0.65-0.67 / 0.70-0.71 / 0.61 / 0.61-0.62

PostgreSQL's GET at 16 connections measured lower in the "new" runs because they also run the
bare POST, whose inserts the database then digests: GET alone, old and new alternated (wrk, 16
and 64 connections), gave 653-685 / 635-643 req/s old and 671-683 / 631-667 new.

What keeps SQLite's POST under 0.5x at one connection is the write itself under this server:
the bare POST route, which does nothing but validate and insert, answers 0.44-0.48x the bare
GET at one connection, and ours answers 0.80-0.84x of the bare POST. Under Granian a trivial
Starlette route that reads its request body answered 2,800-2,900 req/s at one connection, against
6,700-7,000 for the same route not reading it. In process (ASGI calls, one client, CPU a
request) our POST costs ~590 µs: the INSERT and its commit ~175 µs through SQLAlchemy (of which
SQLite ~95 µs: the row touches 8 pages), the queue message ~100 µs (a second commit, to the
queue's file), FastAPI's dependencies and body validation ~150 µs. uvloop (which Granian would
pick up) made the bare route faster than ours (SQLite POST 0.35 at one connection). Not done:
the INSERT through the DBAPI directly (~80 µs, but by hand-rolling SQLAlchemy's defaults and
type processing). PostgreSQL's GET sits near 0.5-0.6x at 64 connections: reads take turns on
the 20 session slots, where the bare route runs 40 threads on 30 pooled connections; reads let
past the slots measured 0.68-0.70 (against 0.52-0.58 side by side) but could then hold every
thread a session's next step needs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT_S = 30  # a client's patience (and the pool's checkout timeout)
API = "/api/v1"
SUBMISSION = {
    "candidate_ref": "BENCH-0001",
    "target_role": "Backend Engineer",
    "target_level": "senior",
    "artefact": {"type": "github_repo", "url": "https://github.com/candidate/take-home"},
    "sla_tier": "standard",
}


def bare_app() -> Starlette:
    """Bare Starlette routes with our engine (Granian factory): ``GET /row/{id}`` reads an
    evaluation row by id, the reference every ratio is taken to; ``POST /row`` validates a
    submission and inserts its row in one transaction, shown beside ours as the least a write
    costs (no key, no queue message)."""
    from sqlalchemy import text
    from starlette.concurrency import run_in_threadpool

    from backend.db import get_engine
    from backend.models.evaluations import EvaluationCreate
    from backend.services.evaluations import submission

    engine = get_engine()
    org_id = os.environ["TRUELEVEL_BENCH_ORG_ID"]
    query = text(
        "SELECT id, org_id, status, stage, candidate_ref, created_at FROM evaluation WHERE id = :id"
    )

    def row(request: Request) -> Response:  # sync: Starlette runs it in the thread pool
        with engine.connect() as conn:
            found = conn.execute(query, {"id": request.path_params["id"]}).mappings().first()
        if found is None:
            return JSONResponse({"error": "not_found"}, status_code=404)
        return JSONResponse({k: str(v) for k, v in found.items()})

    async def write(request: Request) -> Response:
        data = EvaluationCreate.model_validate_json(await request.body())
        accepted, values = submission._new_row(org_id=org_id, data=data, upload_id=None)

        def insert() -> None:
            with engine.begin() as conn:
                conn.execute(submission._INSERT, values)

        await run_in_threadpool(insert)
        return JSONResponse({"id": accepted.id}, status_code=202)

    return Starlette(routes=[Route("/row/{id}", row), Route("/row", write, methods=["POST"])])


@dataclass(frozen=True)
class Fixture:
    api_key: str
    evaluation_id: str
    org_id: str


def prepare(url: str) -> Fixture:
    """Migrate the database and create an organisation, a key and one evaluation (in a child
    process, so this one keeps no engine and no settings of its own)."""
    code = (
        "import json\n"
        "from backend.db import migrate, session_scope\n"
        "from backend.models.evaluations import EvaluationCreate\n"
        "from backend.services.api_keys import create_api_key\n"
        "from backend.services.organisations import create_organisation\n"
        "from backend.services.evaluations.submission import submit_evaluation\n"
        "migrate()\n"
        "with session_scope() as s:\n"
        "    org, _ = create_organisation(s, name='Bench', admin_email='bench@example.com',\n"
        "        admin_password='a long bench passphrase', admin_name='Bench')\n"
        "    _, raw = create_api_key(s, org_id=org.id, scope='all', name='bench')\n"
        f"    data = EvaluationCreate.model_validate({SUBMISSION!r})\n"
        "    ev = submit_evaluation(s, org_id=org.id, data=data)\n"
        "    print(json.dumps({'api_key': raw, 'evaluation_id': ev.id, 'org_id': org.id}))\n"
    )
    if not url.startswith("sqlite"):
        _empty_postgres(url)
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=os.environ, check=True, capture_output=True
    )
    return Fixture(**json.loads(out.stdout.decode().strip().splitlines()[-1]))


def _empty_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A Granian server (ASGI, one worker) on a free port, stopped on exit."""

    def __init__(self, target: str, probe: str, log: Path) -> None:
        self.port = _free_port()
        self._log = log.open("wb")
        granian = Path(sys.executable).with_name("granian")
        self.process = subprocess.Popen(
            [
                *(str(granian), "--interface", "asgi", "--factory", "--workers", "1"),
                *("--port", str(self.port), "--log-level", "warning", target),
            ],
            cwd=ROOT,
            env=os.environ,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # stop() ends Granian's worker process with it
        )
        self._wait(probe)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _wait(self, probe: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url(probe), timeout=2):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server for {probe} did not answer; see {self._log.name}")

    def stop(self) -> None:
        """Stop Granian and its worker. A worker serving PostgreSQL could hang in its shutdown
        and, once its parent was killed, lived on holding its pooled connections, which the next
        run then lacked ("too many clients"): the whole process group is killed."""
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self._log.close()


@dataclass(frozen=True)
class Load:
    rps: float
    p99_ms: float
    errors: int  # non-2xx answers, connect/read/write errors
    timeouts: int  # no answer within TIMEOUT_S
    requests: int


_SOCKET_ERRORS = r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
_LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def wrk(url: str, *, connections: int, seconds: int, headers: dict[str, str], script: Path | None):
    """Run wrk and read requests/s, p99 and errors (socket errors, timeouts, non-2xx)."""
    cmd = ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds}s"]
    cmd += ["--latency", "--timeout", f"{TIMEOUT_S}s"]
    for name, value in headers.items():
        cmd += ["-H", f"{name}: {value}"]
    if script is not None:
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", out)
    p99_ms = float(p99.group(1)) * _LATENCY_UNITS[p99.group(2)] if p99 else float("nan")
    errors = timeouts = 0
    if found := re.search(_SOCKET_ERRORS, out):
        errors += sum(int(g) for g in found.groups()[:3])
        timeouts = int(found.group(4))
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(found.group(1))
    return Load(rps=rps, p99_ms=p99_ms, errors=errors, timeouts=timeouts, requests=requests)


def _post_script(folder: Path) -> Path:
    script = folder / "post.lua"
    body = json.dumps(SUBMISSION).replace("\\", "\\\\").replace('"', '\\"')
    script.write_text(
        f'wrk.method = "POST"\nwrk.body = "{body}"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
    )
    return script


def _label(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else url.split("://", 1)[0].split("+", 1)[0]


def bench_database(url: str, *, connections: list[int], seconds: int, folder: Path) -> None:
    os.environ["TRUELEVEL_DATABASE_URL"] = url
    fixture = prepare(url)
    os.environ["TRUELEVEL_BENCH_ORG_ID"] = fixture.org_id
    auth = {"Authorization": f"Bearer {fixture.api_key}"}
    post = _post_script(folder)
    label = _label(url)
    api = Server("backend.api:create_api", f"{API}/health", folder / f"api-{label}.log")
    bare = Server("bench.api:bare_app", f"/row/{fixture.evaluation_id}", folder / "bare.log")
    try:
        print(f"\n{label}: {url.split('@')[-1]}")
        print(
            f"{'route':<28}{'conns':>6}{'req/s':>10}{'p99 ms':>10}{'errors':>8}"
            f"{'timeouts':>10}{'× bare':>8}"
        )
        for n in connections:
            base = wrk(
                bare.url(f"/row/{fixture.evaluation_id}"),
                connections=n,
                seconds=seconds,
                headers={},
                script=None,
            )
            runs = {
                "bare GET /row/{id}": base,
                "GET /evaluations/{id}": wrk(
                    api.url(f"{API}/evaluations/{fixture.evaluation_id}"),
                    connections=n,
                    seconds=seconds,
                    headers=auth,
                    script=None,
                ),
                "POST /evaluations": wrk(
                    api.url(f"{API}/evaluations"),
                    connections=n,
                    seconds=seconds,
                    headers=auth,
                    script=post,
                ),
                "bare POST /row": wrk(
                    bare.url("/row"), connections=n, seconds=seconds, headers={}, script=post
                ),
            }
            for name, load in runs.items():
                ratio = load.rps / base.rps if base.rps else float("nan")
                print(
                    f"{name:<28}{n:>6}{load.rps:>10.0f}{load.p99_ms:>10.1f}"
                    f"{load.errors:>8}{load.timeouts:>10}{ratio:>8.2f}",
                    flush=True,
                )
    finally:
        api.stop()
        bare.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", action="append", default=[], help="SQLAlchemy URL")
    parser.add_argument("--connections", default="1,16,64,256")
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: ./scripts/ensure_tools.sh --bench installs it (Debian).")
    folder = Path(tempfile.mkdtemp(prefix="truelevel-bench-api-"))
    os.environ["TRUELEVEL_DATA_DIR"] = str(folder / "data")
    os.environ.setdefault("TRUELEVEL_SECRET_KEY", "bench-secret-key")
    # The rate limit is measured (it counts every request) but never refuses the load.
    os.environ["TRUELEVEL_API_RATE_LIMIT_PER_MINUTE"] = str(10**9)
    for name in ("TRUELEVEL_REDIS_URL", "TRUELEVEL_SMTP_HOST", "TRUELEVEL_OIDC_ISSUER"):
        os.environ.pop(name, None)
    databases = args.database or [f"sqlite:///{folder / 'bench.db'}"]
    connections = [int(n) for n in args.connections.split(",")]
    try:
        for url in databases:
            bench_database(url, connections=connections, seconds=args.seconds, folder=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
