"""The git adapter on real repositories made here with the git binary: the history the
analysers read, and the clone's failure modes seen directly (intake wraps them)."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from workers.evaluation.code.git_adapter import (
    AddedLines,
    GitError,
    HistoryLimits,
    HistoryWindow,
    added_lines_by_commit,
    clone,
    commit_count,
    commit_log,
    has_commits,
    redact_url,
)
from workers.evaluation.scratch import tree_size

MB = 1024 * 1024


def git(repo: Path, *args: str, when: str = "2026-01-01T10:00:00+00:00", who: str = "Ada") -> str:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo),
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": f"{who.lower()}@example.com",
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": f"{who.lower()}@example.com",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    return path


def test_the_history_is_read_oldest_first_with_files_and_line_counts(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "cart.py").write_text("def total(items):\n    return sum(items)\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add cart\n\nWhy: the checkout needs totals.")
    (repo / "cart.py").write_text("def total(items):\n    return round(sum(items), 2)\n")
    (repo / "logo.png").write_bytes(b"\x89PNG\0\1\2\3")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Round totals", when="2026-01-01T11:30:00+00:00", who="Bob")

    first, second = commit_log(repo)
    assert first.message == "Add cart\n\nWhy: the checkout needs totals."
    assert (first.author, first.email, first.timestamp) == ("Ada", "ada@example.com", 1767261600)
    assert (first.files, first.insertions, first.deletions) == (("cart.py",), 2, 0)
    assert second.author == "Bob" and second.timestamp == 1767267000
    # The binary file counts as touched, with no lines.
    assert second.files == ("cart.py", "logo.png") and second.files_changed == 2
    assert (second.insertions, second.deletions) == (1, 1)
    assert second.sha == git(repo, "rev-parse", "HEAD").strip()


def test_awkward_names_and_messages_are_read_exactly(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    names = ["tab\tin name.py", "new\nline.py", "café menu.py", 'quote".py']
    for name in names:
        (repo / name).write_text("x = 1\n")
    git(repo, "add", "-A")
    # Separators a naive parser might use, typed by the candidate into the message.
    git(repo, "commit", "-q", "-m", "odd \x1e record \x1f field | chars")
    git(repo, "commit", "-q", "--allow-empty", "-m", "0" * 40)  # a message that looks like a sha
    (commit, empty) = commit_log(repo)
    assert commit.files == tuple(sorted(names))
    assert commit.insertions == 4
    assert commit.message == "odd \x1e record \x1f field | chars"
    assert (empty.message, empty.files, empty.insertions) == ("0" * 40, (), 0)


def test_merges_are_listed_without_double_counting(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "a.py").write_text("a = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "b.py").write_text("b = 2\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feature", when="2026-01-01T10:05:00+00:00")
    git(repo, "checkout", "-q", "main")
    (repo / "c.py").write_text("c = 3\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "main work", when="2026-01-01T10:10:00+00:00")
    git(repo, "merge", "-q", "--no-edit", "feature", when="2026-01-01T10:15:00+00:00")
    history = commit_log(repo)
    assert len(history) == 4
    assert history[-1].message.startswith("Merge branch 'feature'")
    assert history[-1].files == ()  # the merge adds no lines of its own
    assert sum(c.insertions for c in history) == 3


def test_a_repository_without_commits_has_no_history(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    assert has_commits(repo) is False
    assert commit_log(repo) == []
    assert commit_count(repo) == 0
    assert added_lines_by_commit(repo).added == []


def test_the_lines_each_commit_added_are_read_with_their_line_numbers(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "config.py").write_text('REGION = "eu-west-1"\nKEY = "secret"\n')
    (repo / "node_modules" / "lib").mkdir(parents=True)
    (repo / "node_modules" / "lib" / "index.js").write_text("module.exports = 1;\n")
    (repo / "café menu.py").write_text("dishes = []\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Add config")
    first = git(repo, "rev-parse", "HEAD").strip()
    (repo / "config.py").write_text('REGION = "eu-west-1"\nKEY = ""\nDEBUG = False\n')
    (repo / "café menu.py").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Remove the key")
    second = git(repo, "rev-parse", "HEAD").strip()
    # The repository's own configuration must not change what git prints.
    git(repo, "config", "diff.noprefix", "true")
    git(repo, "config", "diff.mnemonicPrefix", "true")

    history = added_lines_by_commit(repo, skip_dirs={"node_modules"})

    assert history.window == HistoryWindow(commits_read=2, commits_total=2)
    assert history.added == [
        AddedLines(first, "Add config", "café menu.py", [(1, "dishes = []")]),
        AddedLines(
            first, "Add config", "config.py", [(1, 'REGION = "eu-west-1"'), (2, 'KEY = "secret"')]
        ),
        AddedLines(second, "Remove the key", "config.py", [(2, 'KEY = ""'), (3, "DEBUG = False")]),
    ]
    everything = {entry.path for entry in added_lines_by_commit(repo).added}
    assert "node_modules/lib/index.js" in everything


def commit_steps(repo: Path, count: int) -> list[str]:
    """``count`` commits, the n-th adding ``step_n.py`` with one line; their shas, oldest first."""
    shas = []
    for n in range(count):
        (repo / f"step_{n}.py").write_text(f"token_{n} = 'value {n}'\n")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Step {n}", when=f"2026-01-01T10:{n:02d}:00+00:00")
        shas.append(git(repo, "rev-parse", "HEAD").strip())
    return shas


def test_a_long_history_is_read_over_its_newest_commits_only(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    shas = commit_steps(repo, 6)

    history = added_lines_by_commit(repo, limits=HistoryLimits(max_commits=4))

    assert history.window == HistoryWindow(commits_read=4, commits_total=6, cut="commits")
    assert history.window.describe() == "the newest 4 of 6 commits"
    assert history.window.cut_reason() == "the cap on commits read"
    # Still oldest first within the window, as the whole history was.
    assert [entry.sha for entry in history.added] == shas[2:]
    assert [entry.lines for entry in history.added] == [
        [(1, f"token_{n} = 'value {n}'")] for n in range(2, 6)
    ]
    assert [c.sha for c in commit_log(repo, max_commits=4)] == shas[2:]
    assert [c.sha for c in commit_log(repo)] == shas
    assert commit_count(repo) == 6


def test_the_byte_cap_leaves_out_the_commit_it_cuts_halfway_and_says_so(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    shas = commit_steps(repo, 3)
    (repo / "data.py").write_text("".join(f"row_{n} = {n}\n" for n in range(5000)))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "A big data file", when="2026-01-01T11:00:00+00:00")

    history = added_lines_by_commit(repo, limits=HistoryLimits(max_bytes=10_000))

    # The newest commit alone is over 10 kB: nothing of it is kept, and nothing older is read.
    assert history.window == HistoryWindow(commits_read=0, commits_total=4, cut="bytes")
    assert history.added == []
    everything = added_lines_by_commit(repo)
    assert [entry.sha for entry in everything.added][:3] == shas
    assert everything.window.complete


def test_only_the_lines_the_reader_keeps_are_held(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "settings.py").write_text("DEBUG = True\nAPI_KEY = 'abc'\nNAME = 'shop'\n")
    (repo / "bundle.js").write_text("".join(f"var key{n} = {n};\n" for n in range(50)))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Settings")

    history = added_lines_by_commit(
        repo, keep_line=lambda line: "KEY" in line.upper(), max_lines_per_file=20
    )

    # Line numbers stay those of the file; a file given more than 20 lines is left out.
    assert [(e.path, e.lines) for e in history.added] == [("settings.py", [(2, "API_KEY = 'abc'")])]


def test_clone_copies_history_and_keeps_submodules_out(tmp_path: Path) -> None:
    library = new_repo(tmp_path / "library")
    (library / "lib.py").write_text("x = 1\n")
    git(library, "add", "-A")
    git(library, "commit", "-q", "-m", "lib")
    repo = new_repo(tmp_path / "repo")
    (repo / "app.py").write_text("print(1)\n")
    git(repo, "-c", "protocol.file.allow=always", "submodule", "add", "-q", f"file://{library}")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "app with a submodule")

    dest = clone(
        f"file://{repo}",
        tmp_path / "clone",
        timeout_s=30,
        max_bytes=10 * MB,
        allow_file_protocol=True,
    )
    assert (dest / "app.py").is_file()
    assert [c.message for c in commit_log(dest)] == ["app with a submodule"]
    assert list((dest / "library").iterdir()) == []  # the submodule was not fetched


def test_the_file_transport_is_off_unless_allowed(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "a.py").write_text("a = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a")
    with pytest.raises(GitError) as caught:
        clone(f"file://{repo}", tmp_path / "clone", timeout_s=30, max_bytes=MB)
    assert caught.value.kind == "failed"
    assert "transport 'file' not allowed" in caught.value.detail
    assert not (tmp_path / "clone").exists()


def test_the_command_transport_never_runs_a_command(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(GitError) as caught:
        clone(
            f"ext::sh -c touch% {marker}",
            tmp_path / "clone",
            timeout_s=30,
            max_bytes=MB,
            allow_file_protocol=True,
        )
    assert caught.value.kind == "failed"
    assert not marker.exists()


def test_an_over_size_clone_is_stopped_and_removed(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "repo")
    (repo / "noise.bin").write_bytes(os.urandom(3 * MB))
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "noise")
    with pytest.raises(GitError) as caught:
        clone(
            f"file://{repo}",
            tmp_path / "clone",
            timeout_s=30,
            max_bytes=MB,
            allow_file_protocol=True,
        )
    assert caught.value.kind == "too_large"
    assert not (tmp_path / "clone").exists()


def test_a_silent_server_is_timed_out(tmp_path: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        url = f"http://u:s3cret@127.0.0.1:{server.getsockname()[1]}/repo.git"
        with pytest.raises(GitError) as caught:
            clone(url, tmp_path / "clone", timeout_s=1, max_bytes=MB)
    assert caught.value.kind == "timeout"
    assert "s3cret" not in str(caught.value)
    assert not (tmp_path / "clone").exists()


def test_git_s_words_are_redacted(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://alice:s3cret@127.0.0.1:{port}/repo.git"  # nothing listens there
    with pytest.raises(GitError) as caught:
        clone(url, tmp_path / "clone", timeout_s=30, max_bytes=MB)
    assert caught.value.kind == "failed"
    assert f"http://127.0.0.1:{port}/repo.git" in caught.value.detail
    assert "s3cret" not in caught.value.detail and "alice" not in caught.value.detail


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://u:p4ss@host/x.git", "https://host/x.git"),
        ("https://u:p@4ss@host/x.git", "https://host/x.git"),
        ("https://ghp_token@github.com/a/b", "https://github.com/a/b"),
        ("u:p4ss@github.com:u/x.git", "github.com:u/x.git"),
        ("git@github.com:u/x.git", "github.com:u/x.git"),
        ("fatal: 'https://u:p@h/x/' failed", "fatal: 'https://h/x/' failed"),
        ("https://github.com/u/x.git", "https://github.com/u/x.git"),
        ("/srv/repos/x.git", "/srv/repos/x.git"),
    ],
)
def test_redact_url(text: str, shown: str) -> None:
    assert redact_url(text) == shown


def test_tree_size_counts_files_not_what_links_point_at(tmp_path: Path) -> None:
    (tmp_path / "a.bin").write_bytes(bytes(1000))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.bin").write_bytes(bytes(500))
    (tmp_path / "big-link").symlink_to("/usr/bin")
    size = tree_size(tmp_path)
    assert 1500 <= size < 1500 + 100  # the link itself is a few bytes
