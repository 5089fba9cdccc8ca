"""Session events and seed 001's cohort statistics (``GET /assessments/{id}/cohort-stats``).

A candidate client records what happens in an AI-assisted session as events (:func:`record_events`):
``prompt``, ``command`` (with its exit code; ``verification`` marks commands that check the work,
such as running the tests), ``edit`` (``manual`` or ``assisted``) and ``test_run`` (passed and
failed counts). Event times are the client's, clamped into [session start, now]: the server's
clock is the reference, so a skewed client cannot produce negative latencies.

The cohort is the assessment's sessions whose status (as it reads now, so an active session past
its deadline counts as expired) is ``completed``, ``expired`` or ``hired``.

Per-session metrics (``None`` when the session has nothing to measure it by):
- ``durationMs``: ``completed_at - started_at``; an expired session that never completed is
  measured to its ``deadline_at``;
- ``promptCount``: the number of prompt events;
- ``commandFailRate``: commands with a non-zero exit code / commands;
- ``verifyIntensity``: verification commands / commands;
- ``manualEditRatio``: manual edits / edits;
- ``firstChangeLatencyMs``: the first edit's time - ``started_at``;
- test results: the session's last ``test_run`` (latest ``at``) gives its passed and failed counts.

Cohort metrics: each ``avg*`` is the mean over the sessions where the metric is defined (``null``
when none is); durations and latencies are whole milliseconds, prompt counts one decimal, rates
0..1 with three decimals. ``testPassRate`` pools the last test run of every session: sum of passed
/ sum of (passed + failed), as a percent with one decimal. ``{"cohortStats": null}`` when the
cohort is empty.

Percentiles (only with ``sessionId``, only when the cohort has at least two sessions, and only for
a session in the cohort; otherwise ``percentiles`` is ``null``): for each metric, the share of the
*other* cohort sessions with a defined value that this session is at least as good as. Higher is
better for every metric except ``commandFailRate``, where lower is better (inverted), so a session
with the lowest fail rate gets 1.0. With 12 sessions each share is a multiple of 1/11, as in seed
001's example. Values are 0..1 with three decimals; a metric the session (or every other session)
lacks is ``null``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from backend.models.assessments import (
    Assessment,
    CandidateSession,
    SessionStatus,
    session_status,
)
from backend.models.base import plausible_id, utcnow
from backend.models.evaluations import (
    CohortMetrics,
    CohortStats,
    SessionEvent,
    SessionEventIn,
    SessionEventType,
    SessionPercentiles,
)
from backend.services.candidate_sessions import get_candidate_session
from backend.services.errors import Conflict, NotFound
from backend.services.ownership import get_owned

COHORT_STATUSES = (SessionStatus.completed, SessionStatus.expired, SessionStatus.hired)


# --------------------------------------------------------------------------------------------
# Recording events
# --------------------------------------------------------------------------------------------


def record_events(
    session: Session,
    *,
    candidate_key_id: str,
    session_id: str,
    events: Iterable[SessionEventIn],
) -> int:
    """Store a batch of events for the session that ``candidate_key_id`` started (NotFound for
    any other session); the session must be active (Conflict ``session_not_active``).
    Returns how many were stored."""
    row = session.get(CandidateSession, session_id) if plausible_id(session_id) else None
    if row is None or row.candidate_key_id != candidate_key_id:
        raise NotFound("Session not found.")
    status = session_status(row)
    if status != SessionStatus.active:
        raise Conflict(
            f"This session is {status}; events can only be recorded while it is active.",
            code="session_not_active",
        )
    now = utcnow()
    count = 0
    for event in events:
        at = event.at or now
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        at = min(max(at, row.started_at), now)
        session.add(
            SessionEvent(
                org_id=row.org_id,
                assessment_id=row.assessment_id,
                session_id=row.id,
                type=event.type,
                at=at,
                command=event.command if event.type == SessionEventType.command else None,
                exit_code=event.exit_code if event.type == SessionEventType.command else None,
                verification=event.verification and event.type == SessionEventType.command,
                edit_kind=event.edit_kind if event.type == SessionEventType.edit else None,
                path=event.path,
                passed=event.passed if event.type == SessionEventType.test_run else None,
                failed=event.failed if event.type == SessionEventType.test_run else None,
            )
        )
        count += 1
    session.commit()
    return count


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionMetrics:
    """One session's measurements (``None``: nothing to measure it by)."""

    session_id: str
    duration_ms: int | None
    prompt_count: int
    command_fail_rate: float | None
    verify_intensity: float | None
    manual_edit_ratio: float | None
    first_change_latency_ms: int | None
    tests_passed: int | None
    tests_failed: int | None


# (metric attribute, higher is better)
PERCENTILE_METRICS: tuple[tuple[str, bool], ...] = (
    ("duration_ms", True),
    ("prompt_count", True),
    ("command_fail_rate", False),  # seed 001: a lower fail rate ranks higher
    ("verify_intensity", True),
    ("manual_edit_ratio", True),
    ("first_change_latency_ms", True),
)


def _ms(start: datetime, end: datetime) -> int:
    return round((end - start).total_seconds() * 1000)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def session_metrics(
    candidate_session: CandidateSession, events: list[SessionEvent]
) -> SessionMetrics:
    """The metrics of one session from its events, as the module docstring defines them."""
    ended = candidate_session.completed_at
    if ended is None and session_status(candidate_session) == SessionStatus.expired:
        ended = candidate_session.deadline_at
    commands = [e for e in events if e.type == SessionEventType.command]
    edits = [e for e in events if e.type == SessionEventType.edit]
    test_runs = [e for e in events if e.type == SessionEventType.test_run]
    last_run = max(test_runs, key=lambda e: (e.at, e.created_at, e.id)) if test_runs else None
    first_edit = min((e.at for e in edits), default=None)
    return SessionMetrics(
        session_id=candidate_session.id,
        duration_ms=_ms(candidate_session.started_at, ended) if ended is not None else None,
        prompt_count=sum(1 for e in events if e.type == SessionEventType.prompt),
        command_fail_rate=_ratio(sum(1 for e in commands if e.exit_code), len(commands)),
        verify_intensity=_ratio(sum(1 for e in commands if e.verification), len(commands)),
        manual_edit_ratio=_ratio(sum(1 for e in edits if e.edit_kind == "manual"), len(edits)),
        first_change_latency_ms=(
            max(_ms(candidate_session.started_at, first_edit), 0)
            if first_edit is not None
            else None
        ),
        tests_passed=last_run.passed if last_run else None,
        tests_failed=last_run.failed if last_run else None,
    )


def _mean(values: Iterable[float | int | None]) -> float | None:
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


def _rounded(value: float | None, digits: int) -> float | None:
    return round(value, digits) if value is not None else None


def _whole(value: float | None) -> int | None:
    return round(value) if value is not None else None


def cohort_metrics(metrics: list[SessionMetrics]) -> CohortMetrics:
    """The averages seed 001 reports, over sessions where each metric is defined."""
    passed = sum(m.tests_passed or 0 for m in metrics if m.tests_passed is not None)
    total = sum(
        (m.tests_passed or 0) + (m.tests_failed or 0) for m in metrics if m.tests_passed is not None
    )
    return CohortMetrics(
        avg_duration_ms=_whole(_mean(m.duration_ms for m in metrics)),
        avg_prompt_count=_rounded(_mean(m.prompt_count for m in metrics), 1),
        avg_command_fail_rate=_rounded(_mean(m.command_fail_rate for m in metrics), 3),
        avg_verify_intensity=_rounded(_mean(m.verify_intensity for m in metrics), 3),
        avg_manual_edit_ratio=_rounded(_mean(m.manual_edit_ratio for m in metrics), 3),
        avg_first_change_latency_ms=_whole(_mean(m.first_change_latency_ms for m in metrics)),
        test_pass_rate=round(100 * passed / total, 1) if total else None,
    )


def percentile(
    value: float | None, others: Iterable[float | None], *, higher_is_better: bool
) -> float | None:
    """Share of ``others`` (ignoring undefined ones) that ``value`` is at least as good as,
    three decimals; ``None`` when ``value`` or every other value is undefined."""
    present = [o for o in others if o is not None]
    if value is None or not present:
        return None
    if higher_is_better:
        beaten = sum(1 for o in present if value >= o)
    else:
        beaten = sum(1 for o in present if value <= o)
    return round(beaten / len(present), 3)


def session_percentiles(target: SessionMetrics, cohort: list[SessionMetrics]) -> SessionPercentiles:
    """``target``'s percentile rank on each metric against the other sessions of ``cohort``."""
    others = [m for m in cohort if m.session_id != target.session_id]
    values = {
        name: percentile(
            getattr(target, name),
            (getattr(o, name) for o in others),
            higher_is_better=higher_is_better,
        )
        for name, higher_is_better in PERCENTILE_METRICS
    }
    return SessionPercentiles(**values)


def cohort_sessions(session: Session, *, assessment_id: str) -> list[CandidateSession]:
    """The assessment's sessions that count for its cohort, oldest first."""
    rows = session.exec(
        select(CandidateSession)
        .where(col(CandidateSession.assessment_id) == assessment_id)
        .order_by(col(CandidateSession.started_at), col(CandidateSession.id))
    ).all()
    return [r for r in rows if session_status(r) in COHORT_STATUSES]


def _events_by_session(session: Session, session_ids: list[str]) -> dict[str, list[SessionEvent]]:
    grouped: dict[str, list[SessionEvent]] = defaultdict(list)
    if not session_ids:
        return grouped
    for event in session.exec(
        select(SessionEvent).where(col(SessionEvent.session_id).in_(session_ids))
    ):
        grouped[event.session_id].append(event)
    return grouped


def cohort_stats(
    session: Session, *, org_id: str, assessment_id: str, session_id: str | None = None
) -> CohortStats | None:
    """Seed 001's cohort statistics for an assessment of the organisation (NotFound for a
    missing, deleted or foreign assessment, and for a ``session_id`` of another assessment);
    ``None`` when no session has finished yet."""
    assessment = get_owned(
        session, Assessment, assessment_id, org_id=org_id, message="Assessment not found."
    )
    if assessment.deleted_at is not None:
        raise NotFound("Assessment not found.")
    if session_id is not None:
        target_row = get_candidate_session(session, org_id=org_id, session_id=session_id)
        if target_row.assessment_id != assessment.id:
            raise NotFound("Session not found.")
    rows = cohort_sessions(session, assessment_id=assessment.id)
    if not rows:
        return None
    events = _events_by_session(session, [r.id for r in rows])
    metrics = [session_metrics(r, events.get(r.id, [])) for r in rows]
    percentiles = None
    if session_id is not None and len(metrics) >= 2:
        target = next((m for m in metrics if m.session_id == session_id), None)
        if target is not None:
            percentiles = session_percentiles(target, metrics)
    return CohortStats(
        session_count=len(metrics), metrics=cohort_metrics(metrics), percentiles=percentiles
    )
