"""The recruiter's lists at 10,000 rows: time of one page as the web app's list states read it
(the query, the count, the candidates' names and the rows), median of 5.

    .venv/bin/python -m bench.list_search [--database URL]

A fresh SQLite file by default; ``--database postgresql+psycopg://…`` is EMPTIED (schema dropped)
and migrated, so give it a database of its own. The data are the service tests' (10,000
evaluations, 10,000 candidate keys, 10,000 interviews in three organisations, bulk inserted and,
on PostgreSQL, analysed). Targets from issue 13: a page ≤ 1.5 s to its first row, a search
≤ 0.5 s; this measures the server's share of both.

Measured (medians, ms, a shared 2-core machine): every list page 4–36 ms and every search
13–59 ms on SQLite and PostgreSQL 16 alike, well within the targets. The report pages are
``bench.report_pages``; both share ``bench.scale``'s data set.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench.scale import ListOrgs, Scenario, prepare_database, seed_lists, time_scenarios


def scenarios(orgs: ListOrgs) -> list[Scenario]:
    """The list pages as their states read them."""
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
                    session, org_id=orgs.evaluations, where=where, limit=20, offset=offset
                )
                names = evaluation_candidates(session, rows)
                [evaluation_row(e, names[e.id]) for e in rows]
                return total

        return run

    def keys(where: CandidateKeyFilter) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                found = list_candidate_keys(
                    session, org_id=orgs.candidate_keys, limit=25, offset=0, where=where
                )
                return int(found["total"])

        return run

    def interviews(where: InterviewFilter) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                rows, total = find_interviews(
                    session, org_id=orgs.interviews, where=where, limit=20, offset=0
                )
                names = interview_candidates(session, rows)
                [interview_row(j, names[j.id]) for j in rows]
                return total

        return run

    return [
        Scenario("evaluations, first page", evaluations(EvaluationFilter())),
        Scenario("evaluations, last page", evaluations(EvaluationFilter(), offset=9980)),
        Scenario("evaluations, by candidate", evaluations(EvaluationFilter(sort="candidate"))),
        Scenario(
            "evaluations, search 'grace'",
            evaluations(EvaluationFilter(search="grace")),
            is_search=True,
        ),
        Scenario(
            "evaluations, search + proceed",
            evaluations(EvaluationFilter(search="ada", recommendation="proceed")),
            is_search=True,
        ),
        Scenario("evaluations, flagged", evaluations(EvaluationFilter(flagged=True))),
        Scenario("candidates, first page", keys(CandidateKeyFilter())),
        Scenario(
            "candidates, search 'lovelace'",
            keys(CandidateKeyFilter(search="lovelace")),
            is_search=True,
        ),
        Scenario("candidates, expired", keys(CandidateKeyFilter(status="expired"))),
        Scenario("candidates, by candidate", keys(CandidateKeyFilter(sort="candidate"))),
        Scenario("interviews, first page", interviews(InterviewFilter())),
        Scenario(
            "interviews, search 'torvalds'",
            interviews(InterviewFilter(search="torvalds")),
            is_search=True,
        ),
        Scenario("interviews, by candidate", interviews(InterviewFilter(sort="candidate"))),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL URL (emptied); default a SQLite file")
    args = parser.parse_args(argv)
    url = prepare_database(args.database, prefix="lists")
    started = time.perf_counter()
    orgs = seed_lists()
    print(f"{url.split('://')[0]}: 30,000 rows written in {time.perf_counter() - started:.1f} s")
    return 0 if time_scenarios(scenarios(orgs), first="list") else 1


if __name__ == "__main__":
    raise SystemExit(main())
