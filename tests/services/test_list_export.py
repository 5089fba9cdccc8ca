"""The web app's lists as CSV (``GET /api/v1/web/evaluations/export.csv`` and
``/web/candidates/export.csv``): the ticked rows or every matching row, headed by the
candidate's name and email, only the member's organisation's, no cell a spreadsheet would run,
and 10,000 rows streamed. The time of the big export is printed (``-s``), not asserted."""

from __future__ import annotations

import csv
import io
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta

import pytest

from backend.db import session_scope
from backend.models import Member
from backend.models.assessments import Assessment, CandidateKey, CandidateSession
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation
from backend.services.list_export import CANDIDATE_COLUMNS, EVALUATION_COLUMNS
from backend.services.organisations import start_web_session
from tests.helpers import OrgHandle, make_org, remove_organisations_rows
from tests.services.test_evaluation_search import COUNT, Dataset, _newest, seed_evaluations

WEB = "/api/v1/web"


@pytest.fixture(scope="module")
def dataset() -> Iterator[Dataset]:
    made = seed_evaluations()
    yield made
    remove_organisations_rows(
        made.org_ids, [Evaluation, CandidateSession, CandidateKey, Assessment]
    )


def _sign_in(client, org_id: str) -> None:
    with session_scope() as session:
        from sqlmodel import select

        member = session.exec(select(Member).where(Member.org_id == org_id)).first()
        client.cookies.set("tl_session", start_web_session(session, member=member))


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


def test_every_matching_evaluation_streamed_newest_first(client, dataset):
    _sign_in(client, dataset.org_id)
    started = time.perf_counter()
    response = client.get(f"{WEB}/evaluations/export.csv")
    elapsed = time.perf_counter() - started
    print(f"\nexported {COUNT} evaluations ({len(response.content)} bytes) in {elapsed:.2f} s")
    rows = _rows(response)
    assert list(rows[0]) == EVALUATION_COLUMNS
    assert EVALUATION_COLUMNS[:2] == ["candidate_name", "candidate_email"]
    assert [r["evaluation_id"] for r in rows] == _newest(dataset.made)
    by_id = {m.id: m for m in dataset.made}
    for row in rows[:200]:
        made = by_id[row["evaluation_id"]]
        assert (row["candidate_name"], row["candidate_email"]) == (
            made.name or "",
            made.email or "",
        )
        assert row["recommendation"] == (made.recommendation or "")
        assert row["status"] == made.status


def test_the_lists_filters_narrow_the_export(client, dataset):
    _sign_in(client, dataset.org_id)
    rows = _rows(
        client.get(
            f"{WEB}/evaluations/export.csv",
            params={"status": "failed", "sort": "oldest", "search": "mail1.example"},
        )
    )
    expected = [
        m.id
        for m in sorted(dataset.made, key=lambda m: m.created_index)
        if m.status == "failed" and m.email and "mail1.example" in m.email
    ]
    assert expected and [r["evaluation_id"] for r in rows] == expected


def test_ticked_rows_only_and_never_another_organisations(client, dataset):
    _sign_in(client, dataset.org_id)
    mine = [m.id for m in dataset.made[:3]]
    with session_scope() as session:
        from sqlmodel import col, select

        foreign = session.exec(
            select(Evaluation.id).where(col(Evaluation.org_id) == dataset.org_ids[1])
        ).first()
    rows = _rows(
        client.get(f"{WEB}/evaluations/export.csv", params={"ids": ",".join([*mine, foreign])})
    )
    assert sorted(r["evaluation_id"] for r in rows) == sorted(mine)
    too_many = client.get(
        f"{WEB}/evaluations/export.csv", params={"ids": ",".join(f"id{i}" for i in range(201))}
    )
    assert too_many.status_code == 400


def test_signed_out_is_refused(client):
    client.cookies.clear()
    assert client.get(f"{WEB}/evaluations/export.csv").status_code == 401
    assert client.get(f"{WEB}/candidates/export.csv").status_code == 401


def _keys(org: OrgHandle, people: list[tuple[str, str]]) -> list[str]:
    with session_scope() as session:
        assessment = Assessment(org_id=org.org_id, title="Take-home", role="Backend Engineer")
        session.add(assessment)
        session.commit()
        keys = [
            CandidateKey(
                org_id=org.org_id,
                assessment_id=assessment.id,
                key=f"TL-{uuid.uuid4().hex[:12].upper()}",
                candidate_name=name,
                candidate_email=email,
                expires_at=utcnow() + timedelta(days=7),
            )
            for name, email in people
        ]
        session.add_all(keys)
        session.commit()
        return [k.id for k in keys]


def test_candidates_export_is_safe_in_a_spreadsheet(client):
    org, other = make_org(), make_org()
    ids = _keys(
        org,
        [
            ('=HYPERLINK("http://evil.example","click")', "eve@example.com"),
            ("Ada Lovelace", "ada@example.com"),
            ("+Grace Hopper", "grace@example.com"),
        ],
    )
    _keys(other, [("Other Person", "other@example.com")])
    _sign_in(client, org.org_id)
    rows = _rows(client.get(f"{WEB}/candidates/export.csv", params={"sort": "candidate"}))
    assert list(rows[0]) == CANDIDATE_COLUMNS
    assert [(r["candidate_name"], r["candidate_email"]) for r in rows] == [
        ("'+Grace Hopper", "grace@example.com"),
        ('\'=HYPERLINK("http://evil.example","click")', "eve@example.com"),
        ("Ada Lovelace", "ada@example.com"),
    ]
    assert {r["status"] for r in rows} == {"pending"}
    ticked = _rows(client.get(f"{WEB}/candidates/export.csv", params={"ids": ids[1]}))
    assert [r["candidate_email"] for r in ticked] == ["ada@example.com"]
    searched = _rows(client.get(f"{WEB}/candidates/export.csv", params={"search": "grace"}))
    assert [r["candidate_email"] for r in searched] == ["grace@example.com"]
