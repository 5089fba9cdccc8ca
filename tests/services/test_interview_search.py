"""Finding interviews among 10,000 of one organisation: search by the candidate's name and email
(interviews from a call) or the role, status, recommendation (the reviewer's over the
automated one), source, orders and pages. SQLite here, PostgreSQL when
TRUELEVEL_TEST_DATABASE_URL points at one; page query times are printed (``-s``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import insert, text

from backend.db import session_scope
from backend.models.base import utcnow
from backend.models.interviews import InterviewCall, InterviewJob
from backend.models.pipeline import Application, Candidate, Job
from backend.services.interviews.jobs import list_jobs
from backend.services.interviews.search import InterviewFilter, InterviewSort, find_interviews
from tests.helpers import make_org, remove_organisations_rows

COUNT = 10_000
ROLES = ["Backend Engineer", "Data Scientist", "Site Reliability Engineer"]
STATUSES = ["completed", "completed", "failed", "queued", "processing_inference"]


@dataclass(frozen=True)
class Made:
    id: str
    index: int
    role: str
    name: str | None
    email: str | None
    status: str
    recommendation: str | None
    source: str

    @property
    def shown(self) -> str:
        return self.name or self.email or self.role


@dataclass
class Dataset:
    org_id: str
    made: list[Made]

    @property
    def org_ids(self) -> list[str]:
        return [self.org_id]


def seed_interviews() -> Dataset:
    """10,000 interview jobs; one in five came from a call with a pipeline candidate."""
    org = make_org()
    base = utcnow() - timedelta(days=10)
    made: list[Made] = []
    with session_scope() as session:
        posting = Job(org_id=org.org_id, title="Platform team")
        session.add(posting)
        session.commit()
        candidates, applications, calls, jobs = [], [], [], []
        for i in range(COUNT):
            status = STATUSES[i % len(STATUSES)]
            automated = ["advance", "hold", "reject"][i % 3] if status == "completed" else None
            reviewed = "reject" if automated == "advance" and i % 4 == 0 else None
            result = {"assessment": {"recommendation": automated}} if automated else None
            name = email = call_id = None
            if i % 5 == 0:
                person = Candidate(
                    org_id=org.org_id,
                    first_name=f"Linus{i:05d}",
                    last_name="Torvalds" if i % 2 else None,
                    email=f"linus{i:05d}@kernel{i % 3}.example",
                )
                application = Application(
                    org_id=org.org_id,
                    job_id=posting.id,
                    candidate_id=person.id,
                    source_application_status="new",
                    application_stage="interview",
                )
                call = InterviewCall(
                    org_id=org.org_id,
                    application_id=application.id,
                    job_id=posting.id,
                    candidate_id=person.id,
                )
                candidates.append(person.model_dump())
                applications.append(application.model_dump())
                calls.append(call.model_dump())
                call_id = call.id
                name = " ".join(p for p in (person.first_name, person.last_name) if p)
                email = person.email
            job = InterviewJob(
                org_id=org.org_id,
                source="call" if call_id else "upload",
                role_title=ROLES[i % len(ROLES)],
                call_id=call_id,
                status=status,
                result=result,
                review_recommendation=reviewed,
                created_at=base + timedelta(seconds=i),
            )
            jobs.append(job.model_dump())
            made.append(
                Made(
                    id=job.id,
                    index=i,
                    role=job.role_title,
                    name=name,
                    email=email,
                    status=status,
                    recommendation=reviewed or automated,
                    source=job.source,
                )
            )
        for model, rows in (
            (Candidate, candidates),
            (Application, applications),
            (InterviewCall, calls),
            (InterviewJob, jobs),
        ):
            session.execute(insert(model), rows)
        session.commit()
        if session.bind.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))  # as autovacuum would after a bulk load
            session.commit()
    return Dataset(org.org_id, made)


@pytest.fixture(scope="module")
def dataset() -> Iterator[Dataset]:
    made = seed_interviews()
    yield made
    # Leave the shared test database as it was: other tests count queued work across
    # organisations, and workers' tests claim it.
    remove_organisations_rows(
        made.org_ids, [InterviewJob, InterviewCall, Application, Candidate, Job]
    )


def _page(db, dataset: Dataset, where: InterviewFilter, *, offset: int = 0):
    started = time.perf_counter()
    rows, total = find_interviews(db, org_id=dataset.org_id, where=where, limit=20, offset=offset)
    elapsed_ms = (time.perf_counter() - started) * 1000
    print(f"\ninterviews {where.model_dump(mode='json', exclude_defaults=True)}: ", end="")
    print(f"{total} in {elapsed_ms:.1f} ms")
    return [r.id for r in rows], total


def _newest(made: list[Made]) -> list[str]:
    return [m.id for m in sorted(made, key=lambda m: m.index, reverse=True)]


def test_pages_newest_first_and_list_jobs_agrees(db, dataset):
    ids, total = _page(db, dataset, InterviewFilter())
    assert total == COUNT and ids == _newest(dataset.made)[:20]
    ids, _ = _page(db, dataset, InterviewFilter(), offset=COUNT - 20)
    assert ids == _newest(dataset.made)[-20:]
    failed = list_jobs(db, org_id=dataset.org_id, limit=20, status="failed")
    assert failed.total == len([m for m in dataset.made if m.status == "failed"])


def test_search_filters_and_order(db, dataset):
    def check(where: InterviewFilter, keep) -> None:
        expected = [m for m in dataset.made if keep(m)]
        ids, total = _page(db, dataset, where)
        assert total == len(expected) > 0
        assert ids == _newest(expected)[:20]

    check(InterviewFilter(search="TORVALDS"), lambda m: m.name and "Torvalds" in m.name)
    check(InterviewFilter(search="@kernel2."), lambda m: m.email and "@kernel2." in m.email)
    check(InterviewFilter(search="reliability"), lambda m: "Reliability" in m.role)
    check(InterviewFilter(search="linus00015 torvalds"), lambda m: m.name == "Linus00015 Torvalds")
    check(InterviewFilter(status="failed"), lambda m: m.status == "failed")
    # A reviewer's "reject" overrides the automated "advance".
    check(InterviewFilter(recommendation="advance"), lambda m: m.recommendation == "advance")
    check(InterviewFilter(recommendation="reject"), lambda m: m.recommendation == "reject")
    check(InterviewFilter(source="call"), lambda m: m.source == "call")

    ids, _ = _page(db, dataset, InterviewFilter(sort=InterviewSort.candidate))
    by_name = sorted(dataset.made, key=lambda m: (m.shown.lower(), -m.index))
    assert ids == [m.id for m in by_name[:20]]
