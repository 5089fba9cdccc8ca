"""Safe intake: real git repositories made here and fetched with the real git binary, and hostile
zips of every kind built with zipfile."""

from __future__ import annotations

import http.server
import io
import logging
import os
import socket
import stat
import struct
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from backend.settings import Settings
from workers.evaluation.code.git_adapter import commit_log, redact_url
from workers.evaluation.code.intake import (
    IntakeRefused,
    _check_repository_url,
    fetch_repository,
    unpack_zip,
)

LOCAL = Settings(evaluation_allow_local_urls=True)
REMOTE_ONLY = Settings(evaluation_allow_local_urls=False)

# --- repository builders --------------------------------------------------------------------


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> None:
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo),
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "Ada Candidate",
        "GIT_AUTHOR_EMAIL": "ada@example.com",
        "GIT_COMMITTER_NAME": "Ada Candidate",
        "GIT_COMMITTER_EMAIL": "ada@example.com",
    }
    subprocess.run(
        ["git", *args], cwd=repo, env={**base, **(env or {})}, check=True, capture_output=True
    )


def make_repo(path: Path, commits: list[dict[str, str | bytes]]) -> Path:
    """A repository with one commit per dict of {relative path: content}."""
    path.mkdir(parents=True)
    _git(path, "init", "-q", "-b", "main")
    for number, files in enumerate(commits, start=1):
        for name, content in files.items():
            target = path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                target.write_bytes(content)
            else:
                target.write_text(content)
        _git(path, "add", "-A")
        stamp = f"2026-01-0{number}T10:00:00+00:00"
        _git(
            path,
            "commit",
            "-q",
            "-m",
            f"step {number}",
            env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
        )
    return path


def refusal(call) -> IntakeRefused:
    with pytest.raises(IntakeRefused) as caught:
        call()
    return caught.value


# --- repositories ---------------------------------------------------------------------------


def test_fetches_full_history_over_a_local_url(tmp_path: Path) -> None:
    source = make_repo(
        tmp_path / "source",
        [
            {"README.md": "# Todo service\n"},
            {"app.py": "def add(a, b):\n    return a + b\n"},
            {
                "app.py": "def add(a, b):\n    return a + b\n\n\n"
                "def sub(a, b):\n    return a - b\n",
                "tests/test_app.py": "from app import add\n",
            },
        ],
    )
    dest = fetch_repository(f"file://{source}", tmp_path / "clone", settings=LOCAL)

    assert (dest / "app.py").read_text().endswith("return a - b\n")
    history = commit_log(dest)
    assert [c.message for c in history] == ["step 1", "step 2", "step 3"]
    assert history[0].author == "Ada Candidate" and history[0].email == "ada@example.com"
    assert history[0].timestamp == 1767261600  # 2026-01-01T10:00:00Z
    assert history[2].files == ("app.py", "tests/test_app.py")
    assert (history[2].insertions, history[2].deletions, history[2].files_changed) == (5, 0, 2)
    assert len({c.sha for c in history}) == 3 and all(len(c.sha) == 40 for c in history)


@pytest.mark.parametrize(
    "url",
    [
        "file:///srv/repo.git",
        "/srv/repo.git",
        "http://127.0.0.1/repo.git",
        "https://10.1.2.3/team/repo.git",
        "http://localhost:8080/repo.git",
        "git@127.0.0.1:repo.git",
        "http://[::1]/repo.git",
        "http://[::ffff:127.0.0.1]/repo.git",
        "http://169.254.169.254/latest/meta-data",
        "http://192.168.1.10/repo.git",
        "http://0.0.0.0/repo.git",
        "http://2130706433/repo.git",  # 127.0.0.1 written as one number
        "ftp://example.com/repo.git",
    ],
)
def test_local_and_private_urls_are_refused_unless_allowed(tmp_path: Path, url: str) -> None:
    error = refusal(lambda: fetch_repository(url, tmp_path / "clone", settings=REMOTE_ONLY))
    assert error.code == "url_not_allowed"
    assert not (tmp_path / "clone").exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://140.82.112.3/alice/todo.git",  # public addresses, written as numbers: no DNS
        "http://140.82.112.3:8080/alice/todo.git",
        "git://140.82.112.3/alice/todo.git",
        "ssh://git@140.82.112.3/alice/todo.git",
        "git@140.82.112.3:alice/todo.git",  # scp-like, as GitHub shows it
        "140.82.112.3:alice/todo.git",  # scp-like without a user
    ],
)
def test_public_repository_urls_pass_the_check(url: str) -> None:
    _check_repository_url(url, allow_local=False)  # raises IntakeRefused when refused


@pytest.mark.parametrize("url", ["ext::sh -c touch% /tmp/x", "fd::17", "-uhelp", "a\nb"])
def test_transport_helpers_and_option_like_urls_are_refused(url: str) -> None:
    with pytest.raises(IntakeRefused) as caught:
        _check_repository_url(url, allow_local=True)
    assert caught.value.code == "url_not_allowed"


def test_git_command_transport_is_refused_even_when_local_urls_are_allowed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    url = f"ext::sh -c touch% {marker}"
    error = refusal(lambda: fetch_repository(url, tmp_path / "clone", settings=LOCAL))
    assert error.code == "url_not_allowed"
    assert not marker.exists()


def _hook(folder: Path, marker: Path) -> Path:
    """A hooks folder whose post-checkout hook leaves ``marker`` behind."""
    hooks = folder / "hooks"
    hooks.mkdir(parents=True)
    hook = hooks / "post-checkout"
    hook.write_text(f"#!/bin/sh\ntouch {marker}\n")
    hook.chmod(0o755)
    return hooks


# Ways this machine's git set-up (a worker's ~/.gitconfig, /etc/gitconfig, its environment, git
# LFS-style filter drivers) would run a program during a clone. Each gives git configuration
# text and environment variables; the repository may need a .gitattributes to trigger it.
def _attack(kind: str, tmp_path: Path, marker: Path) -> tuple[str, dict[str, str]]:
    hooks = _hook(tmp_path / "attack", marker)
    if kind == "core.hooksPath in global config":
        return f"[core]\n\thooksPath = {hooks}\n", {}
    if kind == "init.templateDir in global config":
        return f"[init]\n\ttemplateDir = {hooks.parent}\n", {}
    if kind == "GIT_TEMPLATE_DIR in the environment":
        return "", {"GIT_TEMPLATE_DIR": str(hooks.parent)}
    if kind == "filter driver for .gitattributes":
        return f'[filter "evil"]\n\tsmudge = "touch {marker} && cat"\n', {}
    if kind == "hooksPath in the system config":
        system = tmp_path / "system-gitconfig"
        system.write_text(f"[core]\n\thooksPath = {hooks}\n")
        return "", {"GIT_CONFIG_SYSTEM": str(system)}
    if kind == "hooksPath through GIT_CONFIG_COUNT":
        return "", {
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": "core.hooksPath",
            "GIT_CONFIG_VALUE_0": str(hooks),
        }
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    [
        "core.hooksPath in global config",
        "init.templateDir in global config",
        "GIT_TEMPLATE_DIR in the environment",
        "filter driver for .gitattributes",
        "hooksPath in the system config",
        "hooksPath through GIT_CONFIG_COUNT",
    ],
)
def test_the_clone_runs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    source = make_repo(
        tmp_path / "source",
        [{"main.py": "print('hi')\n", ".gitattributes": "*.py filter=evil\n"}],
    )
    # The candidate's own hooks are in the source repository too; they never travel.
    (source / ".git" / "hooks" / "post-checkout").write_text("#!/bin/sh\ntouch $0.ran\n")
    (source / ".git" / "hooks" / "post-checkout").chmod(0o755)
    marker = tmp_path / "program-ran"
    config_text, environment = _attack(kind, tmp_path, marker)
    config = tmp_path / "gitconfig"
    config.write_text(config_text)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    # A naive clone on this machine runs the program: the attack is real...
    subprocess.run(
        ["git", "clone", "-q", f"file://{source}", str(tmp_path / "naive")],
        check=True,
        capture_output=True,
    )
    assert marker.exists(), "the naive clone should have run the program"
    marker.unlink()

    # ...the intake clone, in the same process environment, runs nothing.
    dest = fetch_repository(f"file://{source}", tmp_path / "clone", settings=LOCAL)
    assert (dest / "main.py").read_text() == "print('hi')\n"  # no filter touched the content
    assert not marker.exists()
    assert not (dest / ".git" / "hooks" / "post-checkout").exists()
    assert not list(tmp_path.rglob("*.ran"))


def test_links_in_a_repository_never_reach_outside_it(tmp_path: Path) -> None:
    source = make_repo(tmp_path / "source", [{"README.md": "hi\n"}])
    (source / "leak").symlink_to("/etc/passwd")
    (source / "host-root").symlink_to("/")
    (source / "climb").symlink_to("../../etc/passwd")
    (source / "readme-again.md").symlink_to("README.md")
    _git(source, "add", "-A")
    _git(source, "commit", "-q", "-m", "link")
    dest = fetch_repository(f"file://{source}", tmp_path / "clone", settings=LOCAL)
    for name in ("leak", "host-root", "climb"):  # left out: neither a link nor its text
        assert not os.path.lexists(dest / name)
    # A link inside the repository becomes a copy of what it names.
    assert not (dest / "readme-again.md").is_symlink()
    assert (dest / "readme-again.md").read_text() == "hi\n"


@pytest.mark.parametrize("settings", [LOCAL, REMOTE_ONLY], ids=["local allowed", "remote only"])
@pytest.mark.parametrize(
    "url",
    [
        "https://alice:s3cret-pass@example.com/alice/repo.git",
        "https://ghp_s3cretTokenValue@github.com/alice/repo.git",
        "https://alice:s3cret@pass@example.com/alice/repo.git",  # unencoded @ in the password
        "ssh://bob:s3cret-pass@example.com/repo.git",
        "http://alice:s3cret-pass@127.0.0.1:9/repo.git",
        "alice:s3cret-pass@github.com:alice/repo.git",  # scp-like with a password
    ],
)
def test_urls_with_credentials_are_refused_without_showing_them(
    tmp_path: Path,
    url: str,
    settings: Settings,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    error = refusal(lambda: fetch_repository(url, tmp_path / "clone", settings=settings))
    assert error.code == "url_not_allowed"
    assert "s3cret" not in error.reason and "s3cret" not in str(error)
    assert any(host in error.reason for host in ("example.com", "github.com", "127.0.0.1"))
    # Nothing logged or printed anywhere carries the secret either.
    assert all("s3cret" not in record.getMessage() for record in caplog.records)
    printed = capfd.readouterr()
    assert "s3cret" not in printed.out + printed.err


def test_redact_url_removes_user_info_from_git_messages() -> None:
    message = "fatal: unable to access 'https://u:p4ss@host/x.git/': Could not resolve host"
    assert "p4ss" not in redact_url(message)
    assert "https://host/x.git/" in redact_url(message)
    assert redact_url("https://u:p@4ss@host/x.git") == "https://host/x.git"
    assert redact_url("u:p4ss@github.com:u/x.git") == "github.com:u/x.git"
    assert redact_url("git@github.com:u/x.git") == "github.com:u/x.git"
    assert redact_url("https://github.com/u/x.git") == "https://github.com/u/x.git"


def test_over_size_repository_is_refused(tmp_path: Path) -> None:
    source = make_repo(tmp_path / "source", [{"data.bin": os.urandom(3 * 1024 * 1024)}])
    settings = Settings(evaluation_allow_local_urls=True, evaluation_max_repo_mb=1)
    error = refusal(
        lambda: fetch_repository(f"file://{source}", tmp_path / "clone", settings=settings)
    )
    assert error.code == "repository_too_large"
    assert "1 MB" in error.reason
    assert not (tmp_path / "clone").exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unreachable_host_is_refused_with_git_s_reason(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/repo.git"
    error = refusal(lambda: fetch_repository(url, tmp_path / "clone", settings=LOCAL))
    assert error.code == "repository_unreachable"
    assert error.reason.startswith(f"Could not fetch the repository at {url}: ")
    assert "Failed to connect" in error.reason
    assert not (tmp_path / "clone").exists()


class _GitHostStub(http.server.BaseHTTPRequestHandler):
    """A git host that asks for a login under /private/ and knows no repository elsewhere,
    as GitHub answers for private and missing repositories."""

    def do_GET(self) -> None:
        private = self.path.startswith("/private/")
        self.send_response(401 if private else 404)
        if private:
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def git_host() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _GitHostStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("kind", ["private", "missing", "missing local path"])
def test_an_inaccessible_repository_is_refused(tmp_path: Path, git_host: str, kind: str) -> None:
    url = {
        "private": f"{git_host}/private/repo.git",
        "missing": f"{git_host}/alice/no-such-repo.git",
        "missing local path": f"file://{tmp_path}/no-such-repo",
    }[kind]
    error = refusal(lambda: fetch_repository(url, tmp_path / "clone", settings=LOCAL))
    assert error.code == "repository_inaccessible"
    assert error.reason.startswith(f"The repository at {url} does not exist or is not public: ")
    expected = {
        "private": "Authentication failed",
        "missing": "not found",
        "missing local path": "does not appear to be a git repository",
    }[kind]
    assert expected in error.reason
    assert not (tmp_path / "clone").exists()


def test_a_server_that_never_answers_hits_the_clone_timeout(tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    settings = Settings(evaluation_allow_local_urls=True, evaluation_clone_timeout_s=1)
    url = f"http://127.0.0.1:{server.getsockname()[1]}/repo.git"
    started = time.monotonic()
    try:
        error = refusal(lambda: fetch_repository(url, tmp_path / "clone", settings=settings))
    finally:
        server.close()
        for connection in accepted:
            connection.close()
    assert error.code == "clone_timeout"
    assert time.monotonic() - started < 30  # git alone would wait for ever
    assert not (tmp_path / "clone").exists()


def test_repository_without_commits_is_an_empty_submission(tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    _git(source, "init", "-q")
    error = refusal(
        lambda: fetch_repository(f"file://{source}", tmp_path / "clone", settings=LOCAL)
    )
    assert error.code == "empty_submission"


# --- zips -----------------------------------------------------------------------------------


def build_zip(
    path: Path,
    entries: list[tuple[str | zipfile.ZipInfo, bytes]],
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return path


def entry_with_mode(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix: the high 16 bits of external_attr are st_mode
    info.external_attr = mode << 16
    return info


def test_a_normal_zip_unpacks_into_its_single_folder(tmp_path: Path) -> None:
    archive = build_zip(
        tmp_path / "upload.zip",
        [
            ("todo-main/app.py", b"print('todo')\n"),
            (entry_with_mode("todo-main/run.sh", stat.S_IFREG | 0o755), b"#!/bin/sh\n"),
            ("todo-main/tests/test_app.py", b"def test_x():\n    assert True\n"),
            ("__MACOSX/todo-main/._app.py", b"junk"),
        ],
    )
    root = unpack_zip(archive, tmp_path / "out", settings=LOCAL)
    assert root == tmp_path / "out" / "todo-main"
    assert (root / "app.py").read_text() == "print('todo')\n"
    assert (root / "tests" / "test_app.py").is_file()
    assert os.access(root / "run.sh", os.X_OK) and not os.access(root / "app.py", os.X_OK)
    assert not (tmp_path / "out" / "__MACOSX").exists()


HOSTILE_ENTRIES = [
    ("../evil.txt", "zip_path_traversal"),
    ("src/../../evil.txt", "zip_path_traversal"),
    ("..\\evil.txt", "zip_path_traversal"),
    ("/etc/evil.txt", "zip_absolute_path"),
    ("C:\\evil.txt", "zip_absolute_path"),
    (entry_with_mode("link", stat.S_IFLNK | 0o777), "zip_link"),
    (entry_with_mode("pipe", stat.S_IFIFO | 0o644), "zip_special_file"),
    (entry_with_mode("disk", stat.S_IFBLK | 0o600), "zip_special_file"),
    (entry_with_mode("tty", stat.S_IFCHR | 0o600), "zip_special_file"),
]


@pytest.mark.parametrize(
    ("entry", "code"),
    HOSTILE_ENTRIES,
    ids=[code + ":" + str(getattr(e, "filename", e)) for e, code in HOSTILE_ENTRIES],
)
def test_hostile_entries_are_refused_before_anything_is_written(
    tmp_path: Path, entry: str | zipfile.ZipInfo, code: str
) -> None:
    payload = b"/etc/passwd" if code == "zip_link" else b"owned"
    archive = build_zip(tmp_path / "upload.zip", [("good.py", b"x = 1\n"), (entry, payload)])
    dest = tmp_path / "deep" / "out"
    error = refusal(lambda: unpack_zip(archive, dest, settings=LOCAL))
    assert error.code == code
    name = getattr(entry, "filename", entry)
    assert name in error.reason
    assert not dest.exists()  # checked before a single byte was written
    assert not (tmp_path / "deep" / "evil.txt").exists()


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path: Path) -> None:
    archive = build_zip(tmp_path / "bomb.zip", [("zeros.bin", bytes(50 * 1024 * 1024))])
    assert archive.stat().st_size < 100_000
    error = refusal(lambda: unpack_zip(archive, tmp_path / "out", settings=LOCAL))
    assert error.code == "zip_bomb"
    assert "zeros.bin" in error.reason


def test_too_many_files_are_refused(tmp_path: Path) -> None:
    archive = build_zip(tmp_path / "many.zip", [(f"f{i}.txt", b"x") for i in range(11)])
    error = refusal(
        lambda: unpack_zip(archive, tmp_path / "out", settings=Settings(evaluation_max_files=10))
    )
    assert error.code == "zip_too_many_files"
    assert "11" in error.reason and "10" in error.reason


def test_an_archive_that_unpacks_past_the_total_size_is_refused(tmp_path: Path) -> None:
    noise = [(f"part{i}.bin", os.urandom(600 * 1024)) for i in range(3)]  # 1.8 MB, incompressible
    archive = build_zip(tmp_path / "big.zip", noise)
    error = refusal(
        lambda: unpack_zip(
            archive, tmp_path / "out", settings=Settings(evaluation_max_unpacked_mb=1)
        )
    )
    assert error.code == "zip_too_large"
    assert not (tmp_path / "out").exists()


def test_an_upload_over_the_zip_size_limit_is_refused(tmp_path: Path) -> None:
    archive = build_zip(
        tmp_path / "big.zip",
        [("noise.bin", os.urandom(2 * 1024 * 1024))],
        compression=zipfile.ZIP_STORED,
    )
    error = refusal(
        lambda: unpack_zip(archive, tmp_path / "out", settings=Settings(evaluation_max_zip_mb=1))
    )
    assert error.code == "zip_too_large"
    assert "upload limit" in error.reason


def test_corrupt_bytes_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK\x03\x04" + os.urandom(500))
    assert refusal(lambda: unpack_zip(garbage, tmp_path / "a", settings=LOCAL)).code == (
        "zip_corrupt"
    )


def test_damaged_data_is_refused_and_nothing_half_written_is_left(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        archive.writestr("a.py", b"print('a')\n")
        archive.writestr("b.py", b"print('b')\n" * 100)
    data = bytearray(buffer.getvalue())
    offset = data.index(b"print('b')") + 5
    data[offset] ^= 0xFF  # flip a byte inside b.py: the CRC no longer matches
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))
    dest = tmp_path / "out"
    error = refusal(lambda: unpack_zip(damaged, dest, settings=LOCAL))
    assert error.code == "zip_corrupt"
    assert "b.py" in error.reason
    assert list(dest.iterdir()) == []


@pytest.mark.parametrize("entries", [[], [("only-a-folder/", b"")]], ids=["no entries", "folders"])
def test_an_empty_zip_is_an_empty_submission(tmp_path: Path, entries) -> None:
    archive = build_zip(tmp_path / "empty.zip", entries)
    assert refusal(lambda: unpack_zip(archive, tmp_path / "out", settings=LOCAL)).code == (
        "empty_submission"
    )


def test_many_small_compressible_entries_are_a_bomb_as_a_whole(tmp_path: Path) -> None:
    # Each entry stays under the per-file rule; together they expand a thousand times.
    entries = [(f"part{i}.txt", bytes(512 * 1024)) for i in range(40)]
    archive = build_zip(tmp_path / "bomb.zip", entries)
    error = refusal(lambda: unpack_zip(archive, tmp_path / "out", settings=LOCAL))
    assert error.code == "zip_bomb"
    assert "as a whole" in error.reason
    assert not (tmp_path / "out").exists()


def test_a_total_declared_size_over_the_limit_is_refused_before_writing(tmp_path: Path) -> None:
    # Compressible, so small on the wire, within the ratio rule here, and over the size limit.
    archive = build_zip(
        tmp_path / "big.zip", [(f"log{i}.txt", bytes(600 * 1024)) for i in range(3)]
    )
    settings = Settings(evaluation_max_unpacked_mb=1, evaluation_max_compression_ratio=100_000)
    error = refusal(lambda: unpack_zip(archive, tmp_path / "out", settings=settings))
    assert error.code == "zip_too_large"
    assert "1 MB" in error.reason
    assert not (tmp_path / "out").exists()


def _lying_zip(path: Path, real: bytes, declared: int) -> Path:
    """A zip whose headers (local and central) declare ``declared`` bytes for data that really
    inflates to ``len(real)``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("small.txt", b"fine\n")
        archive.writestr("notes.txt", real)
    data = bytearray(buffer.getvalue())
    local = data.index(b"notes.txt") - 30  # the name follows the 30-byte local header
    central = data.rindex(b"PK\x01\x02")  # the last central directory record: notes.txt
    assert data[local : local + 4] == b"PK\x03\x04"
    struct.pack_into("<I", data, local + 22, declared)  # uncompressed size, local header
    struct.pack_into("<I", data, central + 24, declared)  # uncompressed size, central directory
    path.write_bytes(bytes(data))
    return path


def test_a_header_that_understates_the_data_is_caught_by_counting_real_bytes(
    tmp_path: Path,
) -> None:
    archive = _lying_zip(tmp_path / "liar.zip", bytes(20 * 1024 * 1024), declared=1000)
    (info,) = [i for i in zipfile.ZipFile(archive).infolist() if i.filename == "notes.txt"]
    assert info.file_size == 1000  # every check made on the headers alone passes
    dest = tmp_path / "out"
    error = refusal(lambda: unpack_zip(archive, dest, settings=LOCAL))
    assert error.code == "zip_size_mismatch"
    assert "notes.txt" in error.reason and "1000 bytes" in error.reason
    assert list(dest.iterdir()) == []  # what was written before is removed


def test_an_entry_that_appears_twice_is_refused(tmp_path: Path) -> None:
    with pytest.warns(UserWarning, match="Duplicate name"):
        archive = build_zip(tmp_path / "twice.zip", [("app.py", b"a = 1\n"), ("app.py", b"b\n")])
    error = refusal(lambda: unpack_zip(archive, tmp_path / "out", settings=LOCAL))
    assert error.code == "zip_corrupt"
    assert "twice" in error.reason
    assert list((tmp_path / "out").iterdir()) == []


def test_a_name_the_file_system_cannot_hold_is_refused(tmp_path: Path) -> None:
    archive = build_zip(tmp_path / "long.zip", [("ok.py", b"x = 1\n"), ("n" * 300, b"x")])
    error = refusal(lambda: unpack_zip(archive, tmp_path / "out", settings=LOCAL))
    assert error.code == "zip_corrupt"
    assert "cannot be written" in error.reason


def test_files_at_the_top_stay_at_the_top(tmp_path: Path) -> None:
    archive = build_zip(
        tmp_path / "flat.zip",
        [("app.py", b"x = 1\n"), ("src/util.py", b"y = 2\n"), ("__MACOSX/._app.py", b"junk")],
    )
    root = unpack_zip(archive, tmp_path / "out", settings=LOCAL)
    assert root == tmp_path / "out"
    assert sorted(p.name for p in root.iterdir()) == ["app.py", "src"]
