"""Finding evaluations among 10,000 of one organisation: search by the candidate's name, email
or reference, filters, orders and pages, all answered by the database (SQLite here, PostgreSQL
when TRUELEVEL_TEST_DATABASE_URL points at one). The time of a page query is printed (run with
``-s`` to see it), not asserted."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import insert, text

from backend.db import session_scope
from backend.models.assessments import Assessment, CandidateKey, CandidateSession
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation
from backend.services.candidate_names import display_name
from backend.services.evaluations.review import review_queue
from backend.services.evaluations.search import (
    EvaluationFilter,
    EvaluationSort,
    RecommendationFilter,
    find_evaluations,
)
from tests.helpers import make_org, remove_organisations_rows

COUNT = 10_000
FIRST_NAMES = ["Ada", "Grace", "Alan", "Barbara", "Edsger", "Margaret", "Donald", "Frances"]


@dataclass(frozen=True)
class Made:
    """What the test wrote for one evaluation, to compute the expected answers from."""

    id: str
    ref: str
    name: str | None
    email: str | None
    created_index: int
    status: str
    stage: str
    recommendation: str | None  # the one that counts now
    confidence: float | None
    flagged: bool
    attention: bool
    assessment_id: str | None

    @property
    def shown(self) -> str:
        return display_name(self.name, self.email, self.ref)


def _spec(i: int) -> dict:
    """Evaluation ``i``: every fourth one is scored and waiting, completed with a reviewer's
    rejection of an engine's proceed, still with the engine, or failed."""
    kind = i % 4
    result = None
    if kind in (0, 1):
        result = {
            "recommendation": "proceed" if i % 3 else "hold",
            "confidence_score": (i * 37) % 100,
            "risk_flags": [{"code": "committed_secret"}] if i % 7 == 0 else [],
        }
    return {
        "status": ["pending", "completed", "pending", "failed"][kind],
        "stage": ["awaiting_review", "finalised", "analysing", "failed"][kind],
        "automated_result": result,
        "final_recommendation": "do_not_proceed" if kind == 1 else None,
    }


@dataclass
class Dataset:
    org_id: str
    made: list[Made]
    org_ids: list[str]  # this one's and another's, whose rows must never show


def seed_evaluations() -> Dataset:
    """10,000 evaluations of one organisation (bulk inserted) and a few of another. One in ten
    names its candidate key in ``candidate_ref``, one in ten comes from a candidate session."""
    org, other = make_org(), make_org()
    base = utcnow() - timedelta(days=30)
    suffix = uuid.uuid4().hex[:6].upper()
    made: list[Made] = []
    with session_scope() as session:
        assessment = Assessment(org_id=org.org_id, title="Take-home", role="Backend Engineer")
        session.add(assessment)
        session.commit()
        keys, sessions, evaluations = [], [], []
        for i in range(COUNT):
            spec = _spec(i)
            ref, name, email, session_id = f"REF-{i:05d}", None, None, None
            if i % 10 in (0, 5):
                name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} Person{i:05d}"
                email = f"person{i:05d}@mail{i % 3}.example"
                key = {
                    "id": uuid.uuid4().hex,
                    "org_id": org.org_id,
                    "assessment_id": assessment.id,
                    "key": f"TL-{suffix}-{i:05d}",
                    "candidate_name": name,
                    "candidate_email": email,
                    "created_at": base,
                    "expires_at": base + timedelta(days=60),
                }
                keys.append(key)
                if i % 10 == 0:
                    ref = key["key"]
                else:
                    session_id = uuid.uuid4().hex
                    sessions.append(
                        {
                            "id": session_id,
                            "org_id": org.org_id,
                            "assessment_id": assessment.id,
                            "candidate_key_id": key["id"],
                            "status": "completed",
                            "started_at": base,
                        }
                    )
            row = Evaluation(
                org_id=org.org_id,
                candidate_ref=ref,
                target_role="Backend Engineer",
                target_level="mid",
                artefact_type="github_repo",
                artefact_url="https://git.example.com/x.git",
                assessment_id=assessment.id if session_id else None,
                session_id=session_id,
                created_at=base + timedelta(seconds=i),
                estimated_completion=base + timedelta(days=1),
                attention="A later submission matched this one." if i % 50 == 0 else None,
                **spec,
            )
            evaluations.append(row.model_dump())
            result = spec["automated_result"]
            made.append(
                Made(
                    id=row.id,
                    ref=ref,
                    name=name,
                    email=email,
                    created_index=i,
                    status=spec["status"],
                    stage=spec["stage"],
                    recommendation=spec["final_recommendation"]
                    or (result or {}).get("recommendation"),
                    confidence=(result or {}).get("confidence_score"),
                    flagged=bool((result or {}).get("risk_flags")),
                    attention=i % 50 == 0,
                    assessment_id=row.assessment_id,
                )
            )
        started = time.perf_counter()
        session.execute(insert(CandidateKey), keys)
        session.execute(insert(CandidateSession), sessions)
        session.execute(insert(Evaluation), evaluations)
        for i in range(3):
            other_row = Evaluation(
                org_id=other.org_id,
                candidate_ref=f"REF-{i:05d}",
                target_role="Backend Engineer",
                target_level="mid",
                artefact_type="github_repo",
                estimated_completion=base,
            )
            session.add(other_row)
        session.commit()
        _analyse(session)
        print(f"\ninserted {COUNT} evaluations in {time.perf_counter() - started:.2f} s")
    return Dataset(org.org_id, made, [org.org_id, other.org_id])


@pytest.fixture(scope="module")
def dataset() -> Iterator[Dataset]:
    made = seed_evaluations()
    yield made
    # Leave the shared test database as it was: other tests count queued work across
    # organisations, and workers' tests claim it.
    remove_organisations_rows(
        made.org_ids, [Evaluation, CandidateSession, CandidateKey, Assessment]
    )


def _analyse(session) -> None:
    """Give PostgreSQL's planner the statistics autovacuum would gather after a bulk load
    (without them it plans for empty tables and joins row by row)."""
    if session.bind.dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
        session.commit()


def _page(db, dataset: Dataset, where: EvaluationFilter, *, limit=20, offset=0, label=""):
    started = time.perf_counter()
    rows, total = find_evaluations(
        db, org_id=dataset.org_id, where=where, limit=limit, offset=offset
    )
    elapsed_ms = (time.perf_counter() - started) * 1000
    label = label or str(where.model_dump(mode="json", exclude_defaults=True))
    print(f"{label}: {total} in {elapsed_ms:.1f} ms")
    return [r.id for r in rows], total


def _newest(made: list[Made]) -> list[str]:
    return [m.id for m in sorted(made, key=lambda m: m.created_index, reverse=True)]


def test_newest_first_with_page_jumps_and_only_the_organisations_own(db, dataset):
    expected = _newest(dataset.made)
    first, total = _page(db, dataset, EvaluationFilter(), label="first page, newest")
    assert total == COUNT
    assert first == expected[:20]
    last, _ = _page(db, dataset, EvaluationFilter(), offset=COUNT - 20, label="last page")
    assert last == expected[-20:]
    middle, _ = _page(db, dataset, EvaluationFilter(), offset=4000)
    assert middle == expected[4000:4020]
    oldest, _ = _page(db, dataset, EvaluationFilter(sort=EvaluationSort.oldest))
    assert oldest == expected[::-1][:20]


def test_search_finds_name_email_and_reference_in_any_case(db, dataset):
    by_name = [m for m in dataset.made if m.name and "grace" in m.name.lower()]
    ids, total = _page(db, dataset, EvaluationFilter(search="GRACE"), limit=200)
    assert total == len(by_name) > 0
    assert ids == _newest(by_name)[:200]

    one = next(m for m in dataset.made if m.email and m.created_index > 5000)
    ids, total = _page(db, dataset, EvaluationFilter(search=one.email.upper()))
    assert (ids, total) == ([one.id], 1)

    ids, total = _page(db, dataset, EvaluationFilter(search="ref-0004"))
    expected = [m for m in dataset.made if "ref-0004" in m.ref.lower()]
    assert total == len(expected) and set(ids) == {m.id for m in expected}

    # A key string found through the candidate's session as well as through the reference.
    session_linked = next(m for m in dataset.made if m.created_index % 10 == 5)
    ids, total = _page(db, dataset, EvaluationFilter(search=session_linked.name))
    assert ids == [session_linked.id]

    # A NUL (which PostgreSQL refuses in text) is dropped, surrounding spaces too.
    assert _page(db, dataset, EvaluationFilter(search=" gra\x00ce "))[1] == len(by_name)

    # Wildcards are plain characters.
    assert _page(db, dataset, EvaluationFilter(search="%"))[1] == 0
    assert _page(db, dataset, EvaluationFilter(search="_"))[1] == 0


def test_filters_by_status_recommendation_flags_and_attention(db, dataset):
    def check(where: EvaluationFilter, keep) -> None:
        expected = [m for m in dataset.made if keep(m)]
        ids, total = _page(db, dataset, where)
        assert total == len(expected) > 0
        assert ids == _newest(expected)[:20]

    check(EvaluationFilter(status="completed"), lambda m: m.status == "completed")
    check(
        EvaluationFilter(recommendation=RecommendationFilter.proceed),
        lambda m: m.recommendation == "proceed",
    )
    # The reviewer's "do not proceed" overrides the engine's "proceed" once completed.
    check(
        EvaluationFilter(recommendation=RecommendationFilter.reject),
        lambda m: m.recommendation in ("reject", "do_not_proceed"),
    )
    check(EvaluationFilter(flagged=True), lambda m: m.flagged)
    check(EvaluationFilter(needs_attention=True), lambda m: m.attention)
    check(
        EvaluationFilter(search="ada", recommendation=RecommendationFilter.hold),
        lambda m: m.recommendation == "hold" and "ada" in (m.name or "").lower(),
    )
    assessment_id = next(m.assessment_id for m in dataset.made if m.assessment_id)
    check(EvaluationFilter(assessment_id=assessment_id), lambda m: m.assessment_id)


def test_orders_by_candidate_and_by_confidence(db, dataset):
    by_name = sorted(dataset.made, key=lambda m: (m.shown.lower(), -m.created_index))
    ids, _ = _page(db, dataset, EvaluationFilter(sort=EvaluationSort.candidate), label="by name")
    assert ids == [m.id for m in by_name[:20]]
    assert ids[0] in {m.id for m in dataset.made if m.name and m.name.startswith("Ada")}
    ids, _ = _page(db, dataset, EvaluationFilter(sort=EvaluationSort.candidate_desc))
    assert ids[0] == sorted(dataset.made, key=lambda m: (m.shown.lower(), m.created_index))[-1].id

    scored = sorted(
        (m for m in dataset.made if m.confidence is not None),
        key=lambda m: (-(m.confidence or 0), -m.created_index),
    )
    ids, _ = _page(db, dataset, EvaluationFilter(sort=EvaluationSort.confidence))
    assert ids == [m.id for m in scored[:20]]
    # Unscored ones come last.
    ids, _ = _page(db, dataset, EvaluationFilter(sort=EvaluationSort.confidence), offset=COUNT - 5)
    assert all(m.confidence is None for m in dataset.made if m.id in ids)


def test_the_review_queue_is_the_same_query_oldest_first(db, dataset):
    rows, total = review_queue(db, org_id=dataset.org_id, limit=20)
    waiting = [m for m in dataset.made if m.stage == "awaiting_review"]
    assert total == len(waiting)
    assert [r.id for r in rows] == _newest(waiting)[::-1][:20]
