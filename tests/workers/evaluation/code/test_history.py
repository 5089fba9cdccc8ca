"""The history analyser on real git repositories made in tmp_path, with commit dates set through
GIT_AUTHOR_DATE and GIT_COMMITTER_DATE."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from workers.evaluation.code import history
from workers.evaluation.code.git_adapter import HistoryLimits

EXPECTED_SIGNALS = {
    "commits",
    "commits_read",
    "authors",
    "span_minutes",
    "largest_commit_share",
    "single_giant_commit",
    "commits_after_deadline",
    "history_available",
}
START = datetime(2024, 1, 15, 10, 0, tzinfo=UTC)


def git(repo: Path, *args: str, when: datetime = START, author: str = "Ada") -> str:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(repo),
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": author,
        "GIT_AUTHOR_EMAIL": f"{author.lower()}@example.com",
        "GIT_COMMITTER_NAME": author,
        "GIT_COMMITTER_EMAIL": f"{author.lower()}@example.com",
        "GIT_AUTHOR_DATE": stamp,
        "GIT_COMMITTER_DATE": stamp,
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


def commit(repo: Path, files: dict[str, str], message: str, *, minutes: int, **kw) -> str:
    """Write ``files`` and commit them ``minutes`` after START."""
    if not (repo / ".git").exists():
        repo.mkdir(parents=True, exist_ok=True)
        git(repo, "init", "-q", "-b", "main")
    for relative, text in files.items():
        path = repo / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    when = START + timedelta(minutes=minutes)
    git(repo, "add", "-A", when=when)
    git(repo, "commit", "-q", "-m", message, when=when, **kw)
    return git(repo, "rev-parse", "HEAD")


def lines(count: int, tag: str) -> str:
    return "".join(f"{tag}_{i} = {i}\n" for i in range(count))


def test_a_zip_without_history_is_neutral(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hi')\n")
    report = history.analyse(tmp_path, started_at=START, deadline_at=START)

    assert set(report.signals) == EXPECTED_SIGNALS
    assert report.signals["history_available"] is False
    assert report.signals["commits"] == 0
    assert report.signals["single_giant_commit"] is False
    assert report.risk_flags == []
    assert [o.polarity for o in report.observations] == [0]
    (evidence,) = report.observations[0].evidence
    assert (evidence.kind, evidence.excerpt) == ("metric", "no .git folder at the submission root")


def test_one_commit_with_everything_is_a_giant_commit(tmp_path: Path) -> None:
    sha = commit(tmp_path, {"app.py": lines(30, "x")}, "Whole solution", minutes=5)
    report = history.analyse(tmp_path, started_at=START, deadline_at=START + timedelta(hours=4))

    assert report.signals["single_giant_commit"] is True
    assert report.signals["largest_commit_share"] == 1.0
    assert report.signals["commits"] == 1 and report.signals["span_minutes"] == 0
    flag = next(f for f in report.risk_flags if f.code == "single_giant_commit")
    assert flag.severity == "low"
    assert (flag.evidence[0].commit, flag.evidence[0].excerpt) == (sha, "Whole solution")


def test_one_commit_with_most_of_a_large_change_is_a_giant_commit(tmp_path: Path) -> None:
    commit(tmp_path, {"README.md": "# Shop\n"}, "Init", minutes=0)
    big = commit(tmp_path, {"shop.py": lines(300, "a")}, "Everything", minutes=60)
    commit(tmp_path, {"notes.md": "- done\n"}, "Notes", minutes=70)
    report = history.analyse(tmp_path, started_at=START, deadline_at=None)

    assert report.signals["single_giant_commit"] is True
    assert report.signals["largest_commit_share"] > 0.9
    assert report.risk_flags[0].evidence[0].commit == big


def test_a_steady_history_is_not_flagged(tmp_path: Path) -> None:
    for step in range(5):
        author = "Ada" if step < 4 else "Grace"
        files = {f"part_{step}.py": lines(60, f"p{step}")}
        commit(tmp_path, files, f"Step {step}", minutes=30 * step, author=author)
    report = history.analyse(tmp_path, started_at=START, deadline_at=START + timedelta(hours=4))

    assert report.signals == {
        "commits": 5,
        "commits_read": 5,
        "authors": 2,
        "span_minutes": 120.0,
        "largest_commit_share": 0.2,
        "single_giant_commit": False,
        "commits_after_deadline": 0,
        "history_available": True,
    }
    assert report.risk_flags == []
    assert report.observations[0].polarity == 1


def test_commits_after_the_deadline_are_flagged_with_their_commits(tmp_path: Path) -> None:
    deadline = START + timedelta(hours=2)
    commit(tmp_path, {"a.py": lines(50, "a")}, "Core", minutes=30)
    commit(tmp_path, {"b.py": lines(50, "b")}, "Tests", minutes=90)
    late_1 = commit(tmp_path, {"c.py": lines(50, "c")}, "Polish", minutes=150)
    late_2 = commit(tmp_path, {"d.py": lines(50, "d")}, "More polish", minutes=165)
    report = history.analyse(tmp_path, started_at=START, deadline_at=deadline)

    assert report.signals["commits_after_deadline"] == 2
    flag = next(f for f in report.risk_flags if f.code == "commits_after_deadline")
    assert flag.severity == "medium"
    assert [e.commit for e in flag.evidence] == [late_1, late_2]
    assert "2024-01-15T12:00:00Z" in flag.message and "45 minutes late" in flag.message


def test_naive_deadlines_are_read_as_utc(tmp_path: Path) -> None:
    commit(tmp_path, {"a.py": "x = 1\n"}, "Core", minutes=30)
    naive = (START + timedelta(minutes=10)).replace(tzinfo=None)

    assert history.analyse(tmp_path, deadline_at=naive).signals["commits_after_deadline"] == 1


def test_two_runs_give_identical_reports(tmp_path: Path) -> None:
    commit(tmp_path, {"a.py": lines(10, "a")}, "Core", minutes=30)
    commit(tmp_path, {"b.py": lines(10, "b")}, "Late", minutes=300)
    first = history.analyse(tmp_path, started_at=START, deadline_at=START + timedelta(hours=1))
    second = history.analyse(tmp_path, started_at=START, deadline_at=START + timedelta(hours=1))

    assert first.signals == second.signals
    assert [o.to_dict() for o in first.observations] == [o.to_dict() for o in second.observations]
    assert [f.to_dict() for f in first.risk_flags] == [f.to_dict() for f in second.risk_flags]


def test_a_long_history_is_read_over_its_newest_commits_and_the_summary_says_so(
    tmp_path: Path,
) -> None:
    for step in range(6):
        commit(tmp_path, {f"part_{step}.py": lines(10, f"p{step}")}, f"Step {step}", minutes=step)
    late = commit(tmp_path, {"late.py": lines(10, "late")}, "After hours", minutes=300)

    report = history.analyse(
        tmp_path, deadline_at=START + timedelta(hours=1), limits=HistoryLimits(max_commits=3)
    )

    assert report.signals["commits"] == 7
    assert report.signals["commits_read"] == 3
    assert report.signals["commits_after_deadline"] == 1
    summary = report.observations[0].text
    assert summary.startswith("The newest 3 of 7 commits (the older ones unread: the cap on")
    assert "adding 30 lines" in summary
    assert [e.commit for e in report.risk_flags[0].evidence] == [late]
