"""Everything the installation writes under its data folder is its user's alone: after real work
(a database made by the command line, uploads, a browser answer, a backup) no file there is
readable by the group or others, and every folder is 0700."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from backend.services import backups
from backend.services.storage import get_storage
from backend.settings import PROJECT_ROOT, get_settings
from tests.api.evaluations.helpers import API, zip_bytes
from tests.helpers import make_org


def _shared(folder: Path) -> list[str]:
    out = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        if (path.is_dir() and mode != 0o700) or (path.is_file() and mode & 0o077):
            out.append(f"{path.relative_to(folder)} {oct(mode)}")
    return out


def test_the_command_line_makes_a_private_database_and_queue(tmp_path):
    data = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRUELEVEL_")}
    env.update(TRUELEVEL_DATA_DIR=str(data), TRUELEVEL_SECRET_KEY="modes-secret")
    subprocess.run(
        [sys.executable, "-m", "backend", "migrate"], cwd=PROJECT_ROOT, env=env, check=True
    )
    subprocess.run(
        [sys.executable, "-c", "import workers.queue as q; q.cpu.enqueue  # makes queue.db"],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    assert (data / "truelevel.db").is_file()
    assert _shared(data) == []


def test_uploads_and_backups_in_the_data_folder_are_private(client, tmp_path):
    org = make_org()
    for _ in range(2):
        answer = client.post(
            f"{API}/evaluations/uploads",
            files={"file": ("take-home.zip", zip_bytes(), "application/zip")},
            headers=org.headers,
        )
        assert answer.status_code == 201, answer.text
    get_storage().put_bytes("resumes/modes/cv.txt", b"a resume")
    data = get_settings().ensure_data_dir()
    backups_dir = data / "backups"
    backups_dir.mkdir(mode=0o700, exist_ok=True)
    backups.backup(get_settings().sqlalchemy_url, get_storage(), backups_dir / "b.tar.gz")
    assert (backups_dir / "b.tar.gz").is_file()
    assert list((data / "uploads" / "evaluations").glob("*.zip"))
    assert _shared(data) == []
