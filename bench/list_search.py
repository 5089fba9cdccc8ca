"""The recruiter's lists at 10,000 rows: time of one page as the web app's list states read it
(the query, the count, the candidates' names and the rows), median of 5.

    .venv/bin/python -m bench.list_search [--database URL]

A fresh SQLite file by default; ``--database postgresql+psycopg://…`` is EMPTIED (schema dropped)
and migrated, so give it a database of its own. The data are the service tests' (10,000
evaluations, 10,000 candidate keys, 10,000 interviews in three organisations, bulk inserted and,
on PostgreSQL, analysed). Targets from issue 13: a page ≤ 1.5 s to its first row, a search
≤ 0.5 s; this measures the server's share of both.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

RUNS = 5
SEARCH_TARGET_MS, PAGE_TARGET_MS = 500, 1500


def _environment(database: str | None) -> str:
    tmp = Path(tempfile.mkdtemp(prefix="truelevel-bench-lists-"))
    url = database or f"sqlite:///{tmp / 'bench.db'}"
    os.environ["TRUELEVEL_DATABASE_URL"] = url
    os.environ["TRUELEVEL_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("TRUELEVEL_SECRET_KEY", "bench-secret-key")
    return url


def _reset(url: str) -> None:
    if url.startswith("sqlite"):
        return
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _scenarios(evaluations_org: str, keys_org: str, interviews_org: str):
    from backend.db import session_scope
    from backend.services.candidate_key_search import CandidateKeyFilter
    from backend.services.candidate_keys import list_candidate_keys
    from backend.services.candidate_names import evaluation_candidates, interview_candidates
    from backend.services.evaluations.search import EvaluationFilter, find_evaluations
    from backend.services.interviews.search import InterviewFilter, find_interviews
    from truelevel_app.pages.evaluations import evaluation_row
    from truelevel_app.pages.interviews import interview_row

    def evaluations(where: EvaluationFilter, offset: int = 0) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                rows, total = find_evaluations(
                    session, org_id=evaluations_org, where=where, limit=20, offset=offset
                )
                names = evaluation_candidates(session, rows)
                [evaluation_row(e, names[e.id]) for e in rows]
                return total

        return run

    def keys(where: CandidateKeyFilter) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                found = list_candidate_keys(
                    session, org_id=keys_org, limit=25, offset=0, where=where
                )
                return int(found["total"])

        return run

    def interviews(where: InterviewFilter) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                rows, total = find_interviews(
                    session, org_id=interviews_org, where=where, limit=20, offset=0
                )
                names = interview_candidates(session, rows)
                [interview_row(j, names[j.id]) for j in rows]
                return total

        return run

    return [
        ("evaluations, first page", False, evaluations(EvaluationFilter())),
        ("evaluations, last page", False, evaluations(EvaluationFilter(), offset=9980)),
        ("evaluations, by candidate", False, evaluations(EvaluationFilter(sort="candidate"))),
        ("evaluations, search 'grace'", True, evaluations(EvaluationFilter(search="grace"))),
        (
            "evaluations, search + proceed",
            True,
            evaluations(EvaluationFilter(search="ada", recommendation="proceed")),
        ),
        ("evaluations, flagged", False, evaluations(EvaluationFilter(flagged=True))),
        ("candidates, first page", False, keys(CandidateKeyFilter())),
        ("candidates, search 'lovelace'", True, keys(CandidateKeyFilter(search="lovelace"))),
        ("candidates, expired", False, keys(CandidateKeyFilter(status="expired"))),
        ("candidates, by candidate", False, keys(CandidateKeyFilter(sort="candidate"))),
        ("interviews, first page", False, interviews(InterviewFilter())),
        ("interviews, search 'torvalds'", True, interviews(InterviewFilter(search="torvalds"))),
        ("interviews, by candidate", False, interviews(InterviewFilter(sort="candidate"))),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL URL (emptied); default a SQLite file")
    args = parser.parse_args(argv)
    url = _environment(args.database)
    _reset(url)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from backend.db import migrate

    migrate(url)
    from tests.services.test_candidate_key_search import seed_candidate_keys
    from tests.services.test_evaluation_search import seed_evaluations
    from tests.services.test_interview_search import seed_interviews

    started = time.perf_counter()
    orgs = (seed_evaluations().org_id, seed_candidate_keys().org_id, seed_interviews().org_id)
    print(f"{url.split('://')[0]}: 30,000 rows written in {time.perf_counter() - started:.1f} s")
    print(f"{'list':34} {'matches':>7} {'median ms':>9} {'max ms':>7}  target")
    worst = True
    for label, is_search, run in _scenarios(*orgs):
        times = []
        for _ in range(RUNS):
            begun = time.perf_counter()
            total = run()
            times.append((time.perf_counter() - begun) * 1000)
        target = SEARCH_TARGET_MS if is_search else PAGE_TARGET_MS
        median = statistics.median(times)
        ok = median <= target
        worst = worst and ok
        print(
            f"{label:34} {total:>7} {median:>9.1f} {max(times):>7.1f}  "
            f"≤ {target} ms {'ok' if ok else 'MISSED'}"
        )
    return 0 if worst else 1


if __name__ == "__main__":
    raise SystemExit(main())
