"""Does a flood of sign-ins slow everyone else down? The real app (``reflex run --env prod``,
as the browser tests start it), a few websocket clients sending the sign-in form's event as
fast as a script can, and ``GET /api/v1/health`` timed meanwhile.

    .venv/bin/python -m bench.sign_in_flood [--clients 4] [--seconds 15] [--wrong]

Each client signs in to its own account (the right password: every event hashes), or with
``--wrong`` sends wrong passwords (the lockout soon stops the hashing). Prints the health
endpoint's median, p99 and worst latency idle and during the flood, the events sent, the browser
sessions started and the failed attempts on record. Measure an older commit by running this
file from a checkout of it (``git archive COMMIT | tar -x -C DIR``).

Measured on a 2-core machine with a niced speech benchmark running beside it (issue 14: 10
floods, p99 under 100 ms), ``--clients 10 --seconds 15``:

    right passwords   idle p99 12 ms; during median 13 ms, p99 97 ms, worst 170 ms (2,236 events)
    wrong passwords   idle p99 10 ms; during median 14 ms, p99 95 ms, worst 103 ms (2,781 events)

(A sign-in hands the browser a ticket that it exchanges for the session cookie; these clients
never exchange theirs, so no browser session is started.)
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid

import httpx
import simple_websocket

from tests.e2e.server import RunningApp, running_app

SIGN_IN_EVENT = (
    "reflex___state____state.truelevel_app___state____auth_state."
    "truelevel_app___pages___auth____sign_in_state.submit"
)
PASSWORD = "copper lantern drifts"


def _flood(base: str, email: str, password: str, stop: threading.Event, sent: list[int]) -> None:
    """Speak Socket.IO over Reflex's websocket by hand: open, join /_event, emit events."""
    url = base.replace("http", "ws", 1) + f"/_event/?EIO=4&transport=websocket&token={uuid.uuid4()}"
    ws = simple_websocket.Client.connect(url, headers={"Origin": base})
    ws.receive(timeout=10)  # Engine.IO "open"
    ws.send("40/_event,{}")

    def answer_pings() -> None:
        while not stop.is_set():
            try:
                message = ws.receive(timeout=1)
            except Exception:
                return
            if message == "2":
                ws.send("3")

    threading.Thread(target=answer_pings, daemon=True).start()
    time.sleep(0.5)
    event = {
        "name": SIGN_IN_EVENT,
        "payload": {"form_data": {"email": email, "password": password}},
        "router_data": {"pathname": "/signin", "query": {}, "asPath": "/signin"},
    }
    while not stop.is_set():
        ws.send("42/_event," + json.dumps(["event", event]))
        sent.append(1)
        time.sleep(0.05)  # 20 sign-ins a second per client
    ws.close()


def _latencies(http: httpx.Client, url: str, seconds: float, pause: float) -> list[float]:
    out = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        began = time.perf_counter()
        http.get(url)
        out.append(time.perf_counter() - began)
        time.sleep(pause)
    return out


def _summary(latencies: list[float]) -> str:
    median, worst = statistics.median(latencies) * 1000, max(latencies) * 1000
    p99 = statistics.quantiles(latencies, n=100, method="inclusive")[98] * 1000
    return (
        f"median {median:.0f} ms, p99 {p99:.0f} ms, worst {worst:.0f} ms ({len(latencies)} probes)"
    )


def _accounts(app: RunningApp, count: int) -> list[str]:
    emails = []
    for n in range(count):
        email = f"flood{n}-{uuid.uuid4().hex[:6]}@example.com"
        command = [sys.executable, "-m", "backend.cli", "create-org", f"Flood {n}"]
        command += ["--admin-email", email, "--admin-password", PASSWORD]
        subprocess.run(command, cwd=app.workdir, env=app.env, check=True, capture_output=True)
        emails.append(email)
    return emails


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--wrong", action="store_true", help="send wrong passwords")
    args = parser.parse_args()
    with running_app() as app:
        health = app.base_url + "/api/v1/health"
        emails = _accounts(app, args.clients)
        with httpx.Client(timeout=120) as http:
            idle = _latencies(http, health, 2, 0.05)
            stop, sent = threading.Event(), []
            password = "not the password, wrong" if args.wrong else PASSWORD
            clients = [
                threading.Thread(target=_flood, args=(app.base_url, e, password, stop, sent))
                for e in emails
            ]
            for client in clients:
                client.start()
            busy = _latencies(http, health, args.seconds, 0.1)
            stop.set()
            for client in clients:
                client.join(timeout=10)
        db = sqlite3.connect(app.database_url.removeprefix("sqlite:///"))
        sessions = db.execute("select count(*) from websession").fetchone()[0]
        tables = {row[0] for row in db.execute("select name from sqlite_master")}
        failed = (
            db.execute("select count(*) from sign_in_attempts").fetchone()[0]
            if "sign_in_attempts" in tables
            else "not counted"
        )
    print(f"health idle:   {_summary(idle)}")
    print(
        f"health during: {_summary(busy)}, while {args.clients} websocket clients sent "
        f"{len(sent)} sign-in events ({'wrong' if args.wrong else 'right'} passwords)"
    )
    print(f"browser sessions started: {sessions}; failed-attempt rows on record: {failed}")


if __name__ == "__main__":
    main()
