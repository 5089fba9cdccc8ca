"""A backup lists stored objects through the storage interface, so an S3 store is backed up
and restored like the data folder: every object under every prefix the app uses comes back
byte for byte into an empty bucket."""

from __future__ import annotations

import sqlite3

from backend.services import backups
from backend.services.storage import get_storage
from backend.settings import Settings
from tests.s3_server import running_s3_server

OBJECTS = {
    "uploads/evaluations/upl-1.zip": b"PK\x03\x04 a zip",
    "interviews/calls/call-1/answer-0.webm": bytes(range(256)) * 10,
    "interviews/job-1/recording.wav": b"RIFF....WAVE",
    "resumes/org-1/resume.pdf": b"%PDF-1.7",
}


def _s3_store(server, data_dir):
    settings = {
        k.removeprefix("TRUELEVEL_").lower(): v
        for k, v in server.settings(server.new_bucket()).items()
    }
    return get_storage(Settings(data_dir=data_dir, **settings))


def test_an_s3_store_round_trips_through_a_backup(tmp_path):
    source_db, target_db = tmp_path / "source.db", tmp_path / "target.db"
    with sqlite3.connect(source_db) as conn:
        conn.execute("CREATE TABLE note (body TEXT)")
        conn.execute("INSERT INTO note VALUES ('kept')")
    with running_s3_server() as server:
        source = _s3_store(server, tmp_path / "a")
        for key, content in OBJECTS.items():
            source.put_bytes(key, content)
        archive = tmp_path / "s3.backup"
        manifest = backups.backup(f"sqlite:///{source_db}", source, archive)
        assert sorted(manifest.files) == sorted(OBJECTS)

        target = _s3_store(server, tmp_path / "b")
        result = backups.restore(f"sqlite:///{target_db}", target, archive)
        assert result.files == len(OBJECTS)
        for key, content in OBJECTS.items():
            with target.open(key) as stream:
                assert stream.read() == content
    with sqlite3.connect(target_db) as conn:
        assert conn.execute("SELECT body FROM note").fetchall() == [("kept",)]
