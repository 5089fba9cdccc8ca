"""The audit log as integrators and admins meet it: an API read of a report is recorded once per
key and report within the window (not on every poll), every download, review step and share link
each time; the candidate data export for the browser is for admins only and recorded; ``python
-m backend.cli audit`` prints the log; the nightly sweep deletes rows past the retention."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import timedelta

from sqlmodel import select

from backend.db import session_scope
from backend.models import AuditEvent, Member
from backend.models.base import utcnow
from backend.services import audit
from backend.services.organisations import add_member, start_web_session
from tests.api.evaluations.helpers import API, finish_automated, submit
from tests.helpers import OrgHandle, make_org
from tests.profile_rows import seed_person
from tests.test_cli import cli


def _events(org: OrgHandle) -> list[tuple[str, str, str, str]]:
    with session_scope() as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.org_id == org.org_id)
            .order_by(AuditEvent.occurred_at, AuditEvent.id)
        ).all()
        return [(e.action, e.subject_kind, e.subject_id, e.detail) for e in rows]


def _sign_in(client, member_id: str) -> None:
    with session_scope() as session:
        token = start_web_session(session, member=session.get(Member, member_id))
    client.cookies.set("tl_session", token)


def test_api_reads_are_recorded_once_a_window_and_every_change_and_download_each_time(client):
    org = make_org()
    evaluation_id = submit(client, org)["id"]
    finish_automated(evaluation_id)
    for _ in range(3):  # a poller: one row
        assert client.get(f"{API}/evaluations/{evaluation_id}", headers=org.headers).is_success
    for _ in range(2):
        csv = client.get(f"{API}/evaluations/{evaluation_id}/report.csv", headers=org.headers)
        assert csv.is_success
    claimed = client.post(f"{API}/evaluations/{evaluation_id}/claim", headers=org.headers)
    assert claimed.status_code == 200, claimed.text
    finalised = client.post(f"{API}/evaluations/{evaluation_id}/finalise", headers=org.headers)
    assert finalised.status_code == 200, finalised.text
    share = client.post(f"{API}/evaluations/{evaluation_id}/share-links", headers=org.headers)
    assert share.status_code == 201, share.text
    revoked = client.delete(
        f"{API}/evaluations/{evaluation_id}/share-links/{share.json()['id']}", headers=org.headers
    )
    assert revoked.is_success, revoked.text

    on_it = [
        (a, d) for a, kind, sid, d in _events(org) if (kind, sid) == ("evaluation", evaluation_id)
    ]
    assert on_it == [
        ("viewed", "report read by API"),
        ("exported", "report.csv"),
        ("exported", "report.csv"),
        ("changed", "claimed for review"),
        ("changed", "verdict recorded"),
        ("shared", "share link created"),
        ("shared", "share link revoked"),
    ]
    with session_scope() as session:
        actors = {
            (e.actor_kind, e.actor_label)
            for e in session.exec(select(AuditEvent).where(AuditEvent.org_id == org.org_id))
        }
    assert actors == {("api_key", "tests")}  # the key, by its name


def test_an_admin_downloads_a_candidates_data_from_the_web_and_a_reviewer_cannot(client):
    org = make_org()
    email = f"grace.{uuid.uuid4().hex[:6]}@example.com"
    with session_scope() as session:
        seed_person(
            session, org_id=org.org_id, email=email, name="Grace Hopper", key="TL-AB12-CD34"
        )
        reviewer = add_member(
            session,
            org_id=org.org_id,
            email=f"r-{uuid.uuid4().hex[:6]}@example.com",
            role="reviewer",
        ).id
    url = "/api/v1/web/candidates/person-export.zip"

    assert client.get(url, params={"email": email}).status_code == 401
    _sign_in(client, reviewer)
    refused = client.get(url, params={"email": email})
    assert refused.status_code == 403 and refused.json()["error"] == "admins_only"

    _sign_in(client, org.admin_id)
    answer = client.get(url, params={"email": email})
    assert answer.status_code == 200, answer.text
    assert answer.headers["cache-control"] == "private, no-store"
    with zipfile.ZipFile(io.BytesIO(answer.content)) as archive:
        assert email in archive.read("person.json").decode()
    assert client.get(url, params={"email": "nobody@example.com"}).status_code == 404

    exported = [e for e in _events(org) if e[0] == "exported"]
    assert len(exported) == 1
    assert exported[0][1] == "candidate" and exported[0][3] == "person export"
    with session_scope() as session:
        row = session.exec(select(AuditEvent).where(AuditEvent.org_id == org.org_id)).one()
    assert (row.actor_kind, row.actor_id, row.actor_label) == (
        "member",
        org.admin_id,
        org.admin_email,
    )

    printed = cli("audit", "--org", org.org_id).stdout
    assert f"{org.admin_email}\texported\tcandidate:" in printed and email not in printed
    since_tomorrow = (utcnow() + timedelta(days=1)).date().isoformat()
    assert cli("audit", "--org", org.org_id, "--since", since_tomorrow).stdout == ""


def test_the_sweep_deletes_rows_past_the_retention(client):
    org = make_org()
    with session_scope() as session:
        for age in (800, 10):
            session.add(
                AuditEvent(
                    org_id=org.org_id,
                    occurred_at=utcnow() - timedelta(days=age),
                    actor_kind="system",
                    action="changed",
                    subject_kind="settings",
                    detail=f"{age} days ago",
                )
            )
        session.commit()
        assert audit.delete_expired_events(session) >= 1
    assert [e[3] for e in _events(org)] == ["10 days ago"]
