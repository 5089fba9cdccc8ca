"""Erasing a candidate (``python -m backend.cli erase-candidate``): afterwards neither a dump of
the database nor any file under the data folder holds the candidate's name or email, while
another candidate of the same assessment is untouched and an audit entry keeps only a hash. The
audit log's rows about what was done with the candidate (their report read and downloaded, their
data exported) stay, naming no one: not the name, the email, nor the ids of their rows."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import uuid
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import select

from backend.db import session_scope
from backend.models import AuditEvent, CandidateKey, ErasureRecord
from backend.models.base import utcnow
from backend.services.erasure import email_hash
from backend.services.evaluations.cited_files import cited_key
from backend.services.storage import get_storage
from backend.settings import get_settings
from tests.api.assessments.helpers import create_assessment, generate_keys, redeem
from tests.api.evaluations.helpers import API, zip_bytes
from tests.api.pipeline.builders import PDF_BASE64, create_application, create_candidate
from tests.helpers import bearer, make_org
from tests.test_cli import cli
from workers.evaluation.cited_snapshot import keep_cited_files


def _database_dump() -> str:
    url = os.environ["TRUELEVEL_DATABASE_URL"]
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        with sqlite3.connect(parsed.database or "") as conn:
            return "\n".join(conn.iterdump())
    uri = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    return subprocess.run(
        ["pg_dump", "--data-only", uri], capture_output=True, text=True, check=True
    ).stdout


def _data_folder_bytes() -> bytes:
    root = get_settings().data_dir
    return b"\n".join(p.read_bytes() for p in Path(root).rglob("*") if p.is_file())


def _traces(*needles: str) -> list[str]:
    dump = _database_dump().casefold()
    files = _data_folder_bytes().lower()
    found = [f"database: {n}" for n in needles if n.casefold() in dump]
    found += [f"data folder: {n}" for n in needles if n.lower().encode() in files]
    return found


def test_erasing_a_candidate_leaves_no_trace_of_their_name_or_email(client, tmp_path):
    suffix = uuid.uuid4().hex[:8]
    name, email = f"Zelda Quartermain{suffix}", f"Zelda.Q-{suffix}@Example.com"
    other_email = f"other-{suffix}@example.com"
    org = make_org()
    assessment = create_assessment(client, org)
    keys = generate_keys(
        client,
        org,
        assessment["id"],
        count=2,
        candidateEmails=[email, other_email],
        candidateNames=[name, "Someone Else"],
    )
    key = next(k["key"] for k in keys if k["candidateEmail"].casefold() == email.casefold())
    session_id = redeem(client, key).json()["session"]["id"]
    edit = {"type": "edit", "at": utcnow().isoformat(), "editKind": "manual", "path": "app.py"}
    posted = client.post(
        f"{API}/sessions/{session_id}/events", json={"events": [edit]}, headers=bearer(key)
    )
    assert posted.status_code == 201, posted.text
    data = zip_bytes({"NOTES.md": f"by {name} <{email}>".encode()}, stored=True)
    upload = client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("take-home.zip", data, "application/zip")},
        headers=bearer(key),
    ).json()
    submitted = client.post(
        f"{API}/sessions/{session_id}/submission",
        json={"uploadId": upload["upload_id"]},
        headers=bearer(key),
    )
    assert submitted.status_code == 201, submitted.text
    evaluation_id = submitted.json()["submission"]["evaluationId"]
    # The files its result cites, as the engine keeps them for the report's code viewer.
    notes = tmp_path / "submission"
    notes.mkdir()
    (notes / "NOTES.md").write_text(f"by {name} <{email}>\n")
    cites = {"risk_flags": [{"code": "x", "evidence": [{"kind": "file", "file": "NOTES.md"}]}]}
    assert keep_cited_files(evaluation_id, notes, cites)
    assert get_storage().exists(cited_key(evaluation_id))

    candidate = create_candidate(
        client, org, email=email.lower(), first_name="Zelda", last_name=f"Quartermain{suffix}"
    )
    create_application(client, org, candidate=candidate, base64file=PDF_BASE64)
    # Auditable: the report read and downloaded by API, the person's data exported.
    headers = org.headers
    assert client.get(f"{API}/evaluations/{evaluation_id}", headers=headers).status_code == 200
    assert client.get(f"{API}/evaluations/{evaluation_id}/report.csv", headers=headers).is_success
    exported = client.get(f"{API}/candidates/export", params={"email": email}, headers=headers)
    assert exported.status_code == 200, exported.text
    person_ids = {evaluation_id, candidate["id"]}
    with session_scope() as db:
        audited = db.exec(select(AuditEvent).where(AuditEvent.org_id == org.org_id)).all()
    assert {(e.action, e.subject_id) for e in audited} >= {
        ("viewed", evaluation_id),
        ("exported", evaluation_id),
        ("exported", candidate["id"]),
    }
    before = _traces(email, f"Quartermain{suffix}")  # the check can find them at all
    assert f"database: {email}" in before and f"data folder: {email}" in before

    out = json.loads(cli("erase-candidate", "--org", org.org_id, "--email", email).stdout)
    assert out["deleted"]["candidatekey"] == 1
    assert out["deleted"]["evaluation"] == 1
    assert out["deleted"]["candidate"] == 1 and out["deleted"]["application"] == 1
    assert out["deleted"]["stored_files"] >= 2  # the zip and the resume

    assert _traces(email, f"Quartermain{suffix}", name) == []
    assert not get_storage().exists(cited_key(evaluation_id))
    assert client.get(f"{API}/evaluations/{evaluation_id}", headers=headers).status_code == 404
    assert client.get(f"{API}/candidates/{candidate['id']}", headers=headers).status_code == 404
    listed = client.get(f"{API}/assessments/{assessment['id']}/keys", headers=headers).json()
    assert [k["candidateEmail"] for k in listed["keys"]] == [other_email]
    with session_scope() as db:
        record = db.exec(select(ErasureRecord).where(ErasureRecord.org_id == org.org_id)).one()
        assert record.email_sha256 == email_hash(email)
        assert db.exec(select(CandidateKey).where(CandidateKey.key == key)).first() is None
        audited = db.exec(select(AuditEvent).where(AuditEvent.org_id == org.org_id)).all()
    # What was done stays in the log, about no one; the erasure names its record.
    texts = [" ".join((e.subject_id, e.detail, e.actor_label)) for e in audited]
    assert not [t for t in texts if any(i in t for i in person_ids)], texts
    assert {(e.action, e.subject_id) for e in audited} >= {
        ("viewed", "erased"),
        ("exported", "erased"),
        ("erased", record.id),
    }


def test_erase_candidate_refuses_an_unknown_organisation_or_a_malformed_email():
    org = make_org()
    unknown = cli(
        "erase-candidate", "--org", "no-such-org", "--email", "a@example.com", check=False
    )
    assert unknown.returncode == 2 and unknown.stderr.startswith("error:")
    malformed = cli("erase-candidate", "--org", org.org_id, "--email", "not-an-email", check=False)
    assert malformed.returncode == 2 and "not a valid email address" in malformed.stderr
