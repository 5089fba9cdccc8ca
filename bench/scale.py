"""What the scale benches (``bench.list_search``, ``bench.report_pages``) share: one database set
up the same way, one data set, and one way of timing a page and printing the table.

The database is a fresh SQLite file by default; a ``postgresql+psycopg://…`` URL is EMPTIED
(schema dropped) and migrated, so give it a database of its own.

The data set:
- the service tests' lists (``seed_lists``): 10,000 evaluations, 10,000 candidate keys and
  10,000 interviews, each in an organisation of its own;
- one assessment's cohort (``seed_cohort``): 10,000 evaluations of ONE assessment of one more
  organisation, each from a candidate key (its invite email sent) and session, with the scoring
  engine's own result (``workers.evaluation.scoring.score``, about 7 KB of JSON each), scores
  spread over the rubric, some finalised with a reviewer's adjustment, some still with the
  engine or failed: the worst case for the cohort figures of a report.

Bulk inserted and, on PostgreSQL, analysed (as autovacuum would after a bulk load).
"""

from __future__ import annotations

import copy
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

RUNS = 5
SEARCH_TARGET_MS, PAGE_TARGET_MS = 500, 1500
COHORT_SIZE = 10_000


def prepare_database(database: str | None, *, prefix: str) -> str:
    """Point the app at ``database`` (a fresh SQLite file when None), empty and migrate it."""
    tmp = Path(tempfile.mkdtemp(prefix=f"truelevel-bench-{prefix}-"))
    url = database or f"sqlite:///{tmp / 'bench.db'}"
    os.environ["TRUELEVEL_DATABASE_URL"] = url
    os.environ["TRUELEVEL_DATA_DIR"] = str(tmp / "data")
    os.environ.setdefault("TRUELEVEL_SECRET_KEY", "bench-secret-key")
    if not url.startswith("sqlite"):
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from backend.db import migrate

    migrate(url)
    return url


# -- the data set --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListOrgs:
    evaluations: str
    candidate_keys: str
    interviews: str


def seed_lists() -> ListOrgs:
    """The three list organisations of the service tests, 10,000 rows each."""
    from tests.services.test_candidate_key_search import seed_candidate_keys
    from tests.services.test_evaluation_search import seed_evaluations
    from tests.services.test_interview_search import seed_interviews

    return ListOrgs(
        seed_evaluations().org_id, seed_candidate_keys().org_id, seed_interviews().org_id
    )


@dataclass(frozen=True)
class Cohort:
    org_id: str
    assessment_id: str
    scored_ids: list[str]  # a few evaluations with a result, newest first
    email: str  # a candidate of the cohort, for the profile


def _engine_results() -> list[dict]:
    """The scoring engine's results for a clean, a messy and a middling submission."""
    from tests.workers.evaluation.test_scoring import (
        clean_reports,
        messy_reports,
        middling_reports,
        run,
    )

    return [run(reports()) for reports in (clean_reports, messy_reports, middling_reports)]


def _result_for(i: int, results: list[dict]) -> dict:
    """Evaluation ``i``'s result: one of the engine's, its category scores spread 1–5."""
    result = copy.deepcopy(results[i % len(results)])
    for j, category in enumerate(result["rubric_scores"]):
        category["score"] = 1 + (i * 7 + j * 3) % 5
    return result


def seed_cohort() -> Cohort:
    """10,000 evaluations of one assessment (see the module docstring)."""
    from sqlalchemy import insert, text

    from backend.db import session_scope
    from backend.models.assessments import (
        Assessment,
        CandidateKey,
        CandidateSession,
        SessionStatus,
    )
    from backend.models.base import utcnow
    from backend.models.evaluations import Evaluation
    from backend.models.mail import OutboundEmail
    from backend.models.overall_score import stored_overall_score
    from tests.helpers import make_org

    org = make_org()
    results = _engine_results()
    base = utcnow() - timedelta(days=40)
    suffix = uuid.uuid4().hex[:6].upper()
    with session_scope() as session:
        assessment = Assessment(org_id=org.org_id, title="Platform take-home", role="Backend")
        session.add(assessment)
        session.commit()
        assessment_id = assessment.id
        keys, invites, sessions, evaluations, scored = [], [], [], [], []
        for i in range(COHORT_SIZE):
            at = base + timedelta(minutes=5 * i)
            key = CandidateKey(
                org_id=org.org_id,
                assessment_id=assessment_id,
                key=f"TL-{suffix}-{i:05d}",
                candidate_name=f"Cohort Person{i:05d}",
                candidate_email=f"cohort{i:05d}@mail.example",
                created_at=at,
                expires_at=at + timedelta(days=60),
                redeemed_at=at,
                invite_sent_at=at,
            )
            invite = OutboundEmail(
                org_id=org.org_id,
                to_address=key.candidate_email,
                subject="Your take-home for Platform take-home",
                body_text=f"Your key is {key.key}.",
                purpose="candidate_invite",
                related_id=key.id,
                status="sent",
                created_at=at,
                sent_at=at,
            )
            started = CandidateSession(
                org_id=org.org_id,
                assessment_id=assessment_id,
                candidate_key_id=key.id,
                status=SessionStatus.completed,
                started_at=at,
                completed_at=at + timedelta(hours=2),
            )
            kind = i % 20
            finalised = kind < 5
            result = None if kind in (18, 19) else _result_for(i, results)
            first_category = result["rubric_scores"][0]["category"] if result else ""
            row = Evaluation(
                org_id=org.org_id,
                candidate_ref=key.key,
                target_role="Backend Engineer",
                target_level="senior",
                artefact_type="github_repo",
                artefact_url="https://git.example.com/x.git",
                assessment_id=assessment_id,
                session_id=started.id,
                created_at=at + timedelta(hours=2),
                stage_started_at=at + timedelta(hours=3),
                estimated_completion=at + timedelta(days=1),
                status="completed" if finalised else "failed" if kind == 19 else "pending",
                stage="finalised"
                if finalised
                else {18: "analysing", 19: "failed"}.get(kind, "awaiting_review"),
                automated_result=result,
                review_scores={first_category: 2} if finalised else None,
                reviewer_id="reviewer@example.com" if finalised else None,
                claimed_at=at + timedelta(hours=4) if finalised else None,
                finalised_at=at + timedelta(hours=5) if finalised else None,
                final_recommendation="hold" if finalised else None,
            )
            # A bulk insert passes the ORM by, which keeps the stored score on other writes.
            row.overall_score = stored_overall_score(result, row.review_scores)
            keys.append(key.model_dump())
            invites.append(invite.model_dump())
            sessions.append(started.model_dump())
            evaluations.append(row.model_dump())
            if result is not None:
                scored.append(row.id)
        for model, rows in (
            (CandidateKey, keys),
            (OutboundEmail, invites),
            (CandidateSession, sessions),
            (Evaluation, evaluations),
        ):
            session.execute(insert(model), rows)
        session.commit()
        if session.bind.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()
    newest = list(reversed(scored))
    return Cohort(org.org_id, assessment_id, newest[:6], "Cohort00042@Mail.example ")


# -- timing --------------------------------------------------------------------------------------


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """The SQL statements run inside the block (SQLAlchemy's cursor events)."""
    from sqlalchemy import event

    from backend.db import get_engine

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


@dataclass(frozen=True)
class Scenario:
    label: str
    run: Callable[[], int]  # what the page's state does on open; returns the rows it found
    is_search: bool = False


def time_scenarios(scenarios: list[Scenario], *, first: str = "page") -> bool:
    """Print one line per scenario (median and max of ``RUNS``, its queries); True when every
    median is within its target."""
    print(f"{first:34} {'rows':>7} {'queries':>7} {'median ms':>9} {'max ms':>7}  target")
    all_ok = True
    for scenario in scenarios:
        times = []
        for _ in range(RUNS):
            with counted_queries() as statements:
                begun = time.perf_counter()
                found = scenario.run()
                times.append((time.perf_counter() - begun) * 1000)
        target = SEARCH_TARGET_MS if scenario.is_search else PAGE_TARGET_MS
        median = statistics.median(times)
        ok = median <= target
        all_ok = all_ok and ok
        print(
            f"{scenario.label:34} {found:>7} {len(statements):>7} {median:>9.1f} "
            f"{max(times):>7.1f}  ≤ {target} ms {'ok' if ok else 'MISSED'}"
        )
    return all_ok
