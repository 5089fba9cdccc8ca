"""Backup and restore of an installation: the database and every stored file in one archive.

The archive is a gzipped tar holding ``database.sqlite`` (SQLite's online backup API: a
consistent copy while the app runs) or ``database.pgdump`` (``pg_dump`` custom format), the
stored objects under ``files/<key>`` (listed through the storage interface, so an S3 store is
backed up the same way as the data folder), and ``manifest.json`` (``BackupManifest``).

The database is dumped first and the files copied after it, so every file a dumped row names
is in the archive (bar one swept meanwhile, which the app already treats as gone).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import URL, make_url

from backend.models.base import utcnow
from backend.private_files import private_file
from backend.services.errors import DomainError
from backend.services.storage import ObjectMissing, Storage, checked_key

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FILES = "files/"
# Every key the app stores starts with one of these (evaluation zips, interview recordings and
# answers, resumes); the storage interface lists by prefix.
STORED_PREFIXES = ("uploads", "interviews", "resumes")

Dialect = Literal["sqlite", "postgresql"]


class BackupRefused(DomainError):
    code = "backup_refused"


class BackupManifest(BaseModel):
    format_version: int
    created_at: datetime
    dialect: Dialect
    migration_revision: str | None
    database_member: str
    files: list[str]


class RestoreResult(BaseModel):
    migration_revision: str | None
    files: int


def _dialect(url: str) -> Dialect:
    name = make_url(url).get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupRefused(f"backups support SQLite and PostgreSQL, not {name}")
    return name  # type: ignore[return-value]


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupRefused("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection URI for pg_dump/pg_restore and the environment carrying the password
    (never on a command line other processes can read)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    uri = parsed.set(drivername="postgresql", password=None)
    return uri.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(args[0])
    if tool is None:
        raise BackupRefused(f"{args[0]} is not installed (Debian package postgresql-client)")
    done = subprocess.run([tool, *args[1:]], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupRefused(f"{args[0]} failed: {done.stderr.strip()[-2000:]}")


def _tables(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    if "alembic_version" not in _tables(url):
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def _dump_database(url: str, target: Path) -> None:
    if _dialect(url) == "sqlite":
        path = _sqlite_path(url)
        if not path.is_file():
            raise BackupRefused(f"there is no database at {path}")
        source = sqlite3.connect(path)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    uri, env = _libpq(url)
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", uri], env)


def backup(url: str, storage: Storage, out: Path) -> BackupManifest:
    """Write the archive to ``out`` (through a temporary name, so a failed backup never leaves
    a file that looks whole)."""
    dialect = _dialect(url)
    member = "database.sqlite" if dialect == "sqlite" else "database.pgdump"
    partial = private_file(out.with_name(f".{out.name}.part"))  # the archive holds everything
    with tempfile.TemporaryDirectory(prefix="truelevel-backup-") as work:
        dump = Path(work) / member
        revision = _revision(url)
        _dump_database(url, dump)
        keys: list[str] = []
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=member)
            for prefix in STORED_PREFIXES:
                for key in sorted(storage.keys(prefix)):
                    try:
                        with storage.local_copy(key) as path:
                            archive.add(path, arcname=FILES + key)
                    except ObjectMissing:
                        continue  # swept since it was listed
                    keys.append(key)
            manifest = BackupManifest(
                format_version=FORMAT_VERSION,
                created_at=utcnow(),
                dialect=dialect,
                migration_revision=revision,
                database_member=member,
                files=keys,
            )
            manifest_path = Path(work) / MANIFEST
            manifest_path.write_text(manifest.model_dump_json(indent=2))
            archive.add(manifest_path, arcname=MANIFEST)
    os.replace(partial, out)
    return manifest


def read_manifest(archive: tarfile.TarFile) -> BackupManifest:
    try:
        handle = archive.extractfile(MANIFEST)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupRefused("not a truelevel backup: it has no manifest.json")
    return BackupManifest.model_validate(json.loads(handle.read()))


def _check_revision(url: str, revision: str | None) -> None:
    """Refuse a backup made by newer code: its revision is not one this code knows."""
    if revision is None:
        return
    from alembic.script import ScriptDirectory

    from backend.db import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(url))
    try:
        known = scripts.get_revision(revision) is not None
    except Exception:
        known = False
    if not known:
        raise BackupRefused(
            f"the backup is of migration revision {revision}, newer than this code "
            f"(head {scripts.get_current_head()}): restore it with the version that made it"
        )


def _restore_database(url: str, dump: Path, *, force: bool) -> None:
    if _dialect(url) == "sqlite":
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            private_file(target)
        source = sqlite3.connect(dump)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # replaces the whole target database
        finally:
            copy.close()
            source.close()
        return
    if force:
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        finally:
            engine.dispose()
    uri, env = _libpq(url)
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--exit-on-error",
            "--single-transaction",
            "-d",
            uri,
            str(dump),
        ],
        env,
    )


def restore(url: str, storage: Storage, source: Path, *, force: bool = False) -> RestoreResult:
    """Put the archive's database and files back. Refuses a backup of another database kind or
    of a newer migration revision, and a database that already has tables unless ``force``."""
    with tarfile.open(source, "r:*") as archive:
        manifest = read_manifest(archive)
        if manifest.format_version != FORMAT_VERSION:
            raise BackupRefused(
                f"backup format {manifest.format_version} is not {FORMAT_VERSION}, "
                "the one this code reads"
            )
        if manifest.dialect != _dialect(url):
            raise BackupRefused(
                f"the backup is of a {manifest.dialect} database; "
                f"this installation uses {_dialect(url)}"
            )
        _check_revision(url, manifest.migration_revision)
        if not force and (_dialect(url) != "sqlite" or _sqlite_path(url).exists()):
            if _tables(url):
                raise BackupRefused(
                    "the database is not empty: restoring would overwrite it "
                    "(pass --force to replace it)"
                )
        with tempfile.TemporaryDirectory(prefix="truelevel-restore-") as work:
            dump = Path(work) / "database"
            handle = archive.extractfile(manifest.database_member)
            if handle is None:
                raise BackupRefused(f"the backup has no {manifest.database_member}")
            with dump.open("wb") as out:
                shutil.copyfileobj(handle, out)
            _restore_database(url, dump, force=force)
        for key in manifest.files:
            stream = archive.extractfile(FILES + checked_key(key))
            if stream is None:
                raise BackupRefused(f"the backup lacks the stored file {key}")
            storage.put_stream(key, stream)
    return RestoreResult(migration_revision=manifest.migration_revision, files=len(manifest.files))
