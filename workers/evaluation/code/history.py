"""The "history" analyser: how the work was committed — how many commits, by whom, over how
long, whether it all arrived in one giant commit, and whether commits came after the deadline.
A long history is read over its newest commits only (``HistoryLimits.max_commits``); ``commits``
counts them all and the summary names the window.

Times are the commits' author times, which the candidate's machine sets: a history is evidence
of how the candidate worked, not proof of when. A zip upload has no history; its signals say so
and no observation counts against the candidate.
"""

from __future__ import annotations

import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

from workers.evaluation.code.evidence import AnalyserReport, Evidence, Observation, RiskFlag
from workers.evaluation.code.git_adapter import (
    Commit,
    GitError,
    HistoryLimits,
    HistoryWindow,
    commit_count,
    commit_log,
)

REPORT_NAME = "history"
CATEGORY = "Reasoning and Trade-offs"  # the rubric's "problem decomposition, visible in commits"
GIANT_SHARE = 0.9
GIANT_MIN_LINES = 200  # below this, a single commit of most lines is just a small task
_MAX_CITED = 5


def analyse(
    root: Path,
    *,
    started_at: datetime | None = None,
    deadline_at: datetime | None = None,
    limits: HistoryLimits | None = None,
) -> AnalyserReport:
    """Read the git history of the submission under ``root``: the "history" analyser.
    ``started_at`` and ``deadline_at`` are the assessment's window (naive times are UTC);
    ``limits`` caps the commits read (the installation's settings when None)."""
    started = time.monotonic()
    commits, total = _commits(Path(root), limits or HistoryLimits.from_settings())
    if not commits:
        report = _unavailable(has_git=(Path(root) / ".git").exists())
    else:
        window = HistoryWindow(len(commits), max(total, len(commits)), "commits")
        report = _report(
            commits, window, started_at=_utc(started_at), deadline_at=_utc(deadline_at)
        )
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _commits(root: Path, limits: HistoryLimits) -> tuple[list[Commit], int]:
    """The newest commits within ``limits``, oldest first, and how many there are in all."""
    if not (root / ".git").exists():
        return [], 0
    try:
        return commit_log(root, max_commits=limits.max_commits), commit_count(root)
    except (GitError, OSError, subprocess.SubprocessError, ValueError):
        return [], 0  # an unreadable history is treated like none at all


def _utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _unavailable(*, has_git: bool) -> AnalyserReport:
    report = AnalyserReport(
        name=REPORT_NAME,
        signals={
            "commits": 0,
            "commits_read": 0,
            "authors": 0,
            "span_minutes": None,
            "largest_commit_share": None,
            "single_giant_commit": False,
            "commits_after_deadline": 0,
            "history_available": False,
        },
    )
    text = "No git history was submitted, so how the work progressed cannot be read."
    measured = (
        "a .git folder with 0 readable commits reachable from HEAD"
        if has_git
        else "no .git folder at the submission root"
    )
    report.observations.append(
        Observation(CATEGORY, text, 0, (Evidence(kind="metric", excerpt=measured),))
    )
    return report


def _report(
    commits: list[Commit],
    window: HistoryWindow,
    *,
    started_at: datetime | None,
    deadline_at: datetime | None,
) -> AnalyserReport:
    total_lines = sum(c.insertions for c in commits)
    # Ties go to the earliest commit, so the citation is stable.
    biggest = max(commits, key=lambda c: c.insertions)
    share = biggest.insertions / total_lines if total_lines else None
    giant = window.commits_total == 1 or (
        total_lines > GIANT_MIN_LINES and share is not None and share > GIANT_SHARE
    )
    late = [c for c in commits if c.timestamp > deadline_at.timestamp()] if deadline_at else []
    times = [c.timestamp for c in commits]
    span = round((max(times) - min(times)) / 60, 1)
    authors = {(c.email or c.author).strip().lower() for c in commits}
    report = AnalyserReport(
        name=REPORT_NAME,
        signals={
            "commits": window.commits_total,
            "commits_read": len(commits),
            "authors": len(authors),
            "span_minutes": span,
            "largest_commit_share": round(share, 3) if share is not None else None,
            "single_giant_commit": giant,
            "commits_after_deadline": len(late),
            "history_available": True,
        },
    )
    by = (
        f"by {len(authors)} author{'s' if len(authors) != 1 else ''} over {_duration(span)}, "
        f"adding {total_lines:,} lines."
    )
    if window.complete:
        summary = f"{len(commits)} commit{'s' if len(commits) != 1 else ''} {by}"
    else:
        described = window.describe()
        summary = (
            f"{described[0].upper()}{described[1:]} (the older ones unread: "
            f"{window.cut_reason()}) are {by}"
        )
    ends = [commits[0]] if len(commits) == 1 else [commits[0], commits[-1]]
    steady = len(commits) >= 5 and not giant
    report.observations.append(
        Observation(CATEGORY, summary, 1 if steady else 0, tuple(_cite(c) for c in ends))
    )
    if giant:
        percent = f"{share:.0%}" if share is not None else "all"
        text = (
            f"The work arrived in one giant commit: {biggest.sha[:10]} adds {percent} of the "
            f"lines, so the history shows nothing of how the problem was broken down."
        )
        report.observations.append(Observation(CATEGORY, text, -1, (_cite(biggest),)))
        report.risk_flags.append(RiskFlag("single_giant_commit", "low", text, (_cite(biggest),)))
    if late and deadline_at is not None:
        minutes = round((max(c.timestamp for c in late) - deadline_at.timestamp()) / 60)
        text = (
            f"{len(late)} commit{'s' if len(late) != 1 else ''} after the deadline "
            f"({_iso(deadline_at.timestamp())}); the last {_duration(minutes)} late."
        )
        cited = tuple(_cite(c) for c in late[:_MAX_CITED])
        report.observations.append(Observation(CATEGORY, text, -1, cited))
        report.risk_flags.append(RiskFlag("commits_after_deadline", "medium", text, cited))
    early = [c for c in commits if c.timestamp < started_at.timestamp()] if started_at else []
    if early and started_at is not None:
        text = (
            f"{len(early)} commit{'s' if len(early) != 1 else ''} predate the start of the "
            f"assessment ({_iso(started_at.timestamp())}): starter code, or work done earlier."
        )
        report.observations.append(
            Observation(CATEGORY, text, 0, tuple(_cite(c) for c in early[:_MAX_CITED]))
        )
    return report


def _cite(commit: Commit) -> Evidence:
    subject = commit.message.splitlines()[0] if commit.message else ""
    return Evidence(kind="commit", commit=commit.sha, excerpt=subject[:200])


def _iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _duration(minutes: float) -> str:
    if minutes < 120:
        return f"{minutes:g} minutes"
    return f"{minutes / 60:.1f} hours"
