"""Backup and restore, run as an administrator would (``python -m backend.cli``): an
organisation with an assessment, keys and an evaluation of an uploaded zip is backed up, the
database and the data folder are wiped, the backup is restored, and the API answers the same
and the zip's bytes are the same."""

from __future__ import annotations

import io
import json
import os
import shutil
import tarfile
from pathlib import Path

from sqlalchemy import text

from backend.db import get_engine
from backend.services.backups import MANIFEST
from backend.services.evaluations.submission import upload_key
from backend.services.storage import get_storage
from backend.settings import get_settings
from tests.api.assessments.helpers import create_assessment, generate_keys
from tests.api.evaluations.helpers import API, submit, zip_bytes
from tests.helpers import make_org
from tests.test_cli import cli


def _wipe() -> None:
    """What a lost disk or a dropped database leaves: no schema, no SQLite file, no files."""
    url = os.environ["TRUELEVEL_DATABASE_URL"]
    engine = get_engine()
    if url.startswith("sqlite"):
        engine.dispose()
        database = Path(engine.url.database or "")
        for path in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
            path.unlink(missing_ok=True)
    else:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    shutil.rmtree(get_settings().data_dir, ignore_errors=True)


def _views(client, org, assessment_id: str, evaluation_id: str) -> dict:
    return {
        "assessment": client.get(f"{API}/assessments/{assessment_id}", headers=org.headers).json(),
        "keys": client.get(f"{API}/assessments/{assessment_id}/keys", headers=org.headers).json(),
        "evaluation": client.get(f"{API}/evaluations/{evaluation_id}", headers=org.headers).json(),
    }


def test_a_backup_restores_the_database_and_the_stored_zip(client, tmp_path):
    org = make_org()
    assessment = create_assessment(client, org)
    generate_keys(client, org, assessment["id"], count=2)
    data = zip_bytes({"src/app.py": b"print('hello')\n"})
    upload = client.post(
        f"{API}/evaluations/uploads",
        files={"file": ("take-home.zip", data, "application/zip")},
        headers=org.headers,
    ).json()
    evaluation = submit(
        client, org, artefact={"type": "zip_upload", "upload_id": upload["upload_id"]}
    )
    before = _views(client, org, assessment["id"], evaluation["id"])
    assert before["assessment"]["assessment"]["id"] == assessment["id"]
    assert len(before["keys"]["keys"]) == 2

    archive = tmp_path / "truelevel.backup"
    out = json.loads(cli("backup", str(archive)).stdout)
    assert out["files"] >= 1
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile(MANIFEST).read())
    assert manifest["migration_revision"]
    assert upload_key(upload["upload_id"]) in manifest["files"]

    _wipe()
    assert client.get(f"{API}/assessments", headers=org.headers).status_code != 200

    restored = json.loads(cli("restore", str(archive)).stdout)
    assert restored["migration_revision"] == manifest["migration_revision"]
    assert _views(client, org, assessment["id"], evaluation["id"]) == before
    with get_storage().open(upload_key(upload["upload_id"])) as stream:
        assert stream.read() == data


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(client, tmp_path):
    org = make_org()
    assessment = create_assessment(client, org)
    archive = tmp_path / "truelevel.backup"
    cli("backup", str(archive))

    refused = cli("restore", str(archive), check=False)
    assert refused.returncode == 2
    assert "not empty" in refused.stderr and "--force" in refused.stderr

    get_engine().dispose()
    cli("restore", str(archive), "--force")
    got = client.get(f"{API}/assessments/{assessment['id']}", headers=org.headers)
    assert got.status_code == 200


def test_restore_refuses_a_backup_of_newer_code(tmp_path):
    archive = tmp_path / "truelevel.backup"
    cli("backup", str(archive))
    newer = tmp_path / "newer.backup"
    with tarfile.open(archive) as source, tarfile.open(newer, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member)
            if member.name == MANIFEST:
                manifest = json.loads(content.read())
                manifest["migration_revision"] = "9999_from_the_future"
                raw = json.dumps(manifest).encode()
                member.size = len(raw)
                content = io.BytesIO(raw)
            target.addfile(member, content)

    refused = cli("restore", str(newer), "--force", check=False)
    assert refused.returncode == 2
    assert "9999_from_the_future" in refused.stderr and "newer than this code" in refused.stderr
