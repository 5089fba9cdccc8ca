"""Finding invited candidates among 10,000 keys of one organisation: search by name, email or
key, the key's status as seed 001 derives it (now in SQL), the assessment, orders and pages.
SQLite here, PostgreSQL when TRUELEVEL_TEST_DATABASE_URL points at one; the time of each page
query is printed (``-s``), not asserted."""

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
from backend.services.candidate_key_search import CandidateKeyFilter, CandidateKeySort
from backend.services.candidate_keys import list_candidate_keys
from backend.services.candidate_names import display_name
from tests.helpers import make_org, remove_organisations_rows

COUNT = 10_000
# Key i's state: (session status or None, its deadline passed, the key expired).
KINDS = [
    (None, False, False),  # pending
    (None, False, True),  # expired, never started
    ("active", False, False),  # active
    ("active", True, False),  # active past the deadline: expired
    ("completed", False, True),  # completed (the key's expiry no longer counts)
    ("hired", False, False),
]
STATUS_OF_KIND = ["pending", "expired", "active", "expired", "completed", "hired"]


@dataclass(frozen=True)
class Made:
    id: str
    key: str
    name: str | None
    email: str | None
    index: int
    status: str
    assessment_id: str
    expires_index: int

    @property
    def shown(self) -> str:
        return display_name(self.name, self.email, self.key)


@dataclass
class Dataset:
    org_id: str
    made: list[Made]
    assessments: list[str]

    @property
    def org_ids(self) -> list[str]:
        return [self.org_id]


def seed_candidate_keys() -> Dataset:
    org = make_org()
    now = utcnow()
    base = now - timedelta(days=20)
    suffix = uuid.uuid4().hex[:6].upper()
    made: list[Made] = []
    with session_scope() as session:
        assessments = [
            Assessment(org_id=org.org_id, title=title, role="Backend Engineer")
            for title in ("Payments API", "Search service", "Deleted one")
        ]
        assessments[2].deleted_at = now
        session.add_all(assessments)
        session.commit()
        ids = [a.id for a in assessments]
        keys, sessions = [], []
        for i in range(COUNT + 200):
            kind = i % len(KINDS)
            session_status, deadline_passed, key_expired = KINDS[kind]
            hidden = i >= COUNT  # revoked, or of the deleted assessment
            name = f"Candidate {i:05d} Lovelace" if i % 3 == 0 else None
            email = f"c{i:05d}@firm{i % 4}.example" if i % 3 != 2 else None
            key_id = uuid.uuid4().hex
            expires_index = (i * 7919) % COUNT  # a spread of expiry times
            keys.append(
                {
                    "id": key_id,
                    "org_id": org.org_id,
                    "assessment_id": ids[2] if hidden and i % 2 else ids[i % 2],
                    "key": f"TL-{suffix}-{i:05d}",
                    "candidate_name": name,
                    "candidate_email": email,
                    "created_at": base + timedelta(seconds=i),
                    "expires_at": (now - timedelta(hours=1))
                    if key_expired
                    else now + timedelta(days=1, seconds=expires_index),
                    "session_id": key_id if session_status else None,
                    "revoked_at": now if hidden and not i % 2 else None,
                }
            )
            if session_status:
                sessions.append(
                    {
                        "id": key_id,
                        "org_id": org.org_id,
                        "assessment_id": keys[-1]["assessment_id"],
                        "candidate_key_id": key_id,
                        "status": session_status,
                        "started_at": base,
                        "deadline_at": now - timedelta(minutes=5)
                        if deadline_passed
                        else now + timedelta(hours=2),
                    }
                )
            if not hidden:
                made.append(
                    Made(
                        id=key_id,
                        key=keys[-1]["key"],
                        name=name,
                        email=email,
                        index=i,
                        status=STATUS_OF_KIND[kind],
                        assessment_id=ids[i % 2],
                        expires_index=-1 if key_expired else expires_index,
                    )
                )
        session.execute(insert(CandidateKey), keys)
        session.execute(insert(CandidateSession), sessions)
        session.commit()
        if session.bind.dialect.name == "postgresql":
            session.execute(text("ANALYZE"))  # as autovacuum would after a bulk load
            session.commit()
    return Dataset(org.org_id, made, ids[:2])


@pytest.fixture(scope="module")
def dataset() -> Iterator[Dataset]:
    made = seed_candidate_keys()
    yield made
    # Leave the shared test database as it was: other tests count queued work across
    # organisations, and workers' tests claim it.
    remove_organisations_rows(made.org_ids, [CandidateSession, CandidateKey, Assessment])


def _page(db, dataset: Dataset, where: CandidateKeyFilter, *, offset: int = 0):
    started = time.perf_counter()
    result = list_candidate_keys(db, org_id=dataset.org_id, limit=25, offset=offset, where=where)
    elapsed_ms = (time.perf_counter() - started) * 1000
    label = where.model_dump(mode="json", exclude_defaults=True)
    print(f"\ncandidates {label}: {result['total']} in {elapsed_ms:.1f} ms")
    return [c["id"] for c in result["candidates"]], result["total"], result["candidates"]


def _newest(made: list[Made]) -> list[str]:
    return [m.id for m in sorted(made, key=lambda m: m.index, reverse=True)]


def test_newest_first_and_the_last_page(db, dataset):
    ids, total, _ = _page(db, dataset, CandidateKeyFilter())
    assert total == COUNT  # revoked keys and deleted assessments' keys left out
    assert ids == _newest(dataset.made)[:25]
    ids, _, _ = _page(db, dataset, CandidateKeyFilter(), offset=COUNT - 25)
    assert ids == _newest(dataset.made)[-25:]


def test_status_filter_agrees_with_the_status_shown(db, dataset):
    for status in ("pending", "active", "completed", "expired", "hired"):
        expected = [m for m in dataset.made if m.status == status]
        ids, total, rows = _page(db, dataset, CandidateKeyFilter(status=status))
        assert total == len(expected) > 0, status
        assert ids == _newest(expected)[:25]
        assert {row["status"] for row in rows} == {status}


def test_search_and_assessment(db, dataset):
    ids, total, _ = _page(db, dataset, CandidateKeyFilter(search="lovelace"))
    expected = [m for m in dataset.made if m.name]
    assert total == len(expected)
    ids, total, _ = _page(db, dataset, CandidateKeyFilter(search="@FIRM2.example"))
    assert total == len([m for m in dataset.made if m.email and "@firm2." in m.email])
    one = dataset.made[4321]
    ids, total, _ = _page(db, dataset, CandidateKeyFilter(search=one.key.lower()))
    assert (ids, total) == ([one.id], 1)
    ids, total, _ = _page(
        db,
        dataset,
        CandidateKeyFilter(search="lovelace", assessment_id=dataset.assessments[1]),
    )
    expected = [m for m in dataset.made if m.name and m.assessment_id == dataset.assessments[1]]
    assert total == len(expected) and ids == _newest(expected)[:25]


def test_orders_by_candidate_and_by_expiry(db, dataset):
    ids, _, _ = _page(db, dataset, CandidateKeyFilter(sort=CandidateKeySort.candidate))
    by_name = sorted(dataset.made, key=lambda m: (m.shown.lower(), -m.index))
    assert ids == [m.id for m in by_name[:25]]
    ids, _, _ = _page(
        db, dataset, CandidateKeyFilter(status="pending", sort=CandidateKeySort.expires)
    )
    pending = sorted(
        (m for m in dataset.made if m.status == "pending"), key=lambda m: m.expires_index
    )
    assert ids == [m.id for m in pending[:25]]
