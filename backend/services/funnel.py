"""How far candidates got, per assessment and per job (the dashboard's funnels), and how the
review of them goes: the median time from submission to the reviewer's decision, how many of the
decided ones the reviewer passed, and (for take-homes, which have an SLA) how many wait past it.

- An assessment's steps: invited (live keys) → started (keys redeemed) → submitted (evaluations
  of the assessment) → reviewed (evaluations a reviewer finalised) → hired (sessions marked
  hired). Its review: a finalised evaluation is decided, passed when its final recommendation is
  ``proceed``; time to review runs from the submission (``created_at``) to ``finalised_at``;
  overdue are the evaluations still open (scored or claimed, not finalised) past their SLA due
  time (``estimated_completion``, submission + the tier's ``SLA_HOURS``).
- A job's steps: applied (its applications) → invited (applications with an interview call) →
  interviewed (applications whose call became an interview job: the candidate answered) →
  assessed (whose interview the engine assessed) → decided (whose interview a reviewer decided).
  Passed: the reviewer's recommendation is ``advance``; time to review runs from the interview
  job's creation (the answers submitted) to ``reviewed_at``. Interviews have no SLA.

For the ``FUNNEL_LIMIT`` newest live assessments and newest jobs of one organisation, each figure
comes from a grouped query (one per table, the steps as conditional counts); the medians are
computed in SQL with window functions, on SQLite and PostgreSQL alike, so no row is read into
Python."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, computed_field
from sqlalchemy import FromClause, Integer, case, func, outerjoin
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.types import Float
from sqlmodel import Session, col, select

from backend.models import Assessment, CandidateKey, CandidateSession
from backend.models.assessments import SessionStatus
from backend.models.base import utcnow
from backend.models.evaluations import Evaluation, EvaluationStatus
from backend.models.interviews import InterviewCall, InterviewJob, InterviewJobStatus
from backend.models.pipeline import Application, Job

FUNNEL_LIMIT = 10
PASSED_TAKE_HOME = "proceed"  # an evaluation's final recommendation (``Recommendation``)
PASSED_INTERVIEW = "advance"  # an interview review's (``interviews.jobs.RECOMMENDATIONS``)
OPEN_STATUSES = (EvaluationStatus.pending.value, EvaluationStatus.in_progress.value)


class ReviewFigures(BaseModel):
    """How the review of one assessment's or job's candidates goes."""

    decided: int = 0  # candidates a reviewer decided on
    passed: int = 0  # of them, those the reviewer passed (proceed / advance)
    median_hours: float | None = None  # submission → reviewer's decision; None: none decided
    overdue: int | None = None  # waiting past the review SLA now; None where there is no SLA

    @computed_field  # type: ignore[prop-decorator]
    @property
    def pass_rate(self) -> float | None:
        """Share of the decided candidates passed, 0–1; None while none is decided."""
        return self.passed / self.decided if self.decided else None


class FunnelStep(BaseModel):
    label: str
    count: int


def _steps(labels: tuple[str, ...], counts: tuple[int, ...]) -> list[FunnelStep]:
    return [FunnelStep(label=label, count=n) for label, n in zip(labels, counts, strict=True)]


class FunnelRow(BaseModel):
    """One assessment's funnel."""

    assessment_id: str
    title: str
    invited: int = 0
    started: int = 0
    submitted: int = 0
    reviewed: int = 0
    hired: int = 0
    review: ReviewFigures = ReviewFigures()

    def steps(self) -> list[FunnelStep]:
        counts = (self.invited, self.started, self.submitted, self.reviewed, self.hired)
        return _steps(ASSESSMENT_STEPS, counts)


class JobFunnelRow(BaseModel):
    """One job's interview funnel."""

    job_id: str
    title: str
    applied: int = 0
    invited: int = 0
    interviewed: int = 0
    assessed: int = 0
    decided: int = 0
    review: ReviewFigures = ReviewFigures()

    def steps(self) -> list[FunnelStep]:
        counts = (self.applied, self.invited, self.interviewed, self.assessed, self.decided)
        return _steps(JOB_STEPS, counts)


ASSESSMENT_STEPS = ("Invited", "Started", "Submitted", "Reviewed", "Hired")
JOB_STEPS = ("Applied", "Invited", "Interviewed", "Assessed", "Decided")


class Funnels(BaseModel):
    assessments: list[FunnelRow] = []
    jobs: list[JobFunnelRow] = []


# -- SQL building blocks ---------------------------------------------------------------------


class hours_between(FunctionElement):
    """Hours from the first timestamp to the second, as a float, in SQL."""

    type = Float()
    inherit_cache = True


@compiles(hours_between)
def _hours_between(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(EXTRACT(EPOCH FROM ({end} - {start})) / 3600.0)"


@compiles(hours_between, "sqlite")
def _hours_between_sqlite(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


def _count_if(condition: ColumnElement) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _count_distinct_if(condition: ColumnElement, column) -> ColumnElement:
    return func.count(func.distinct(case((condition, column), else_=None)))


def _medians(session: Session, group, hours: ColumnElement, *conditions) -> dict[str, float]:
    """Per ``group``, the median of ``hours`` over the rows matching ``conditions``: the rows
    are numbered in order within their group and the middle one (or the middle two, averaged)
    kept, so only one number per group leaves the database."""
    numbered = (
        select(
            group.label("grp"),
            hours.label("hours"),
            func.row_number().over(partition_by=group, order_by=hours).label("position"),
            func.count().over(partition_by=group).label("size"),
        )
        .where(*conditions)
        .subquery()
    )
    size = numbered.c.size.cast(Integer)
    middle = numbered.c.position.in_([(size + 1) // 2, (size + 2) // 2])
    rows = session.exec(
        select(numbered.c.grp, func.avg(numbered.c.hours)).where(middle).group_by(numbered.c.grp)
    ).all()
    return {grp: round(float(median), 1) for grp, median in rows if median is not None}


def _newest(session: Session, model: type[Assessment] | type[Job], *conditions) -> list[tuple]:
    """The ``FUNNEL_LIMIT`` newest rows of ``model`` matching ``conditions``, as (id, title)."""
    return list(
        session.exec(
            select(model.id, model.title)
            .where(*conditions)
            .order_by(col(model.created_at).desc())
            .limit(FUNNEL_LIMIT)
        ).all()
    )


def _counts_by(
    session: Session,
    group,
    ids: list[str],
    counts: tuple[ColumnElement, ...],
    *conditions,
    from_: FromClause | None = None,
) -> dict[str, tuple[int, ...]]:
    """For each of ``ids`` (values of the ``group`` column), ``counts`` over its rows matching
    ``conditions`` (of ``from_`` where given, such as a join): one grouped query, zeros for an
    id without rows."""
    statement = select(group, *counts)
    if from_ is not None:
        statement = statement.select_from(from_)
    found = {
        row[0]: tuple(row[1:])
        for row in session.exec(statement.where(*conditions, group.in_(ids)).group_by(group)).all()
    }
    zeros = (0,) * len(counts)
    return {grp: found.get(grp, zeros) for grp in ids}


# -- per assessment --------------------------------------------------------------------------


def assessment_funnel(
    session: Session, *, org_id: str, now: datetime | None = None
) -> list[FunnelRow]:
    """The newest live assessments first, each with its step counts and review figures."""
    now = now or utcnow()
    assessments = _newest(
        session, Assessment, Assessment.org_id == org_id, col(Assessment.deleted_at).is_(None)
    )
    ids = [assessment_id for assessment_id, _ in assessments]
    if not ids:
        return []

    keys = _counts_by(
        session,
        col(CandidateKey.assessment_id),
        ids,
        (
            _count_if(col(CandidateKey.revoked_at).is_(None)),
            _count_if(col(CandidateKey.redeemed_at).is_not(None)),
        ),
    )

    evaluation_group = col(Evaluation.assessment_id)
    finalised = col(Evaluation.status) == EvaluationStatus.completed.value
    evaluations = _counts_by(
        session,
        evaluation_group,
        ids,
        (
            func.count(),
            _count_if(finalised),
            _count_if(finalised & (col(Evaluation.final_recommendation) == PASSED_TAKE_HOME)),
            _count_if(
                col(Evaluation.status).in_(OPEN_STATUSES)
                & (col(Evaluation.estimated_completion) < now)
            ),
        ),
        Evaluation.org_id == org_id,
    )
    medians = _medians(
        session,
        evaluation_group,
        hours_between(col(Evaluation.created_at), col(Evaluation.finalised_at)),
        Evaluation.org_id == org_id,
        evaluation_group.in_(ids),
        finalised,
        col(Evaluation.finalised_at).is_not(None),
    )

    hired = _counts_by(
        session,
        col(CandidateSession.assessment_id),
        ids,
        (func.count(),),
        CandidateSession.status == SessionStatus.hired.value,
    )

    rows = []
    for assessment_id, title in assessments:
        invited, started = keys[assessment_id]
        submitted, reviewed, passed, overdue = evaluations[assessment_id]
        rows.append(
            FunnelRow(
                assessment_id=assessment_id,
                title=title,
                invited=invited,
                started=started,
                submitted=submitted,
                reviewed=reviewed,
                hired=hired[assessment_id][0],
                review=ReviewFigures(
                    decided=reviewed,
                    passed=passed,
                    median_hours=medians.get(assessment_id),
                    overdue=overdue,
                ),
            )
        )
    return rows


# -- per job ---------------------------------------------------------------------------------


def job_funnel(session: Session, *, org_id: str) -> list[JobFunnelRow]:
    """The newest jobs first, each with its interview steps and review figures."""
    jobs = _newest(session, Job, Job.org_id == org_id)
    ids = [job_id for job_id, _ in jobs]
    if not ids:
        return []

    applied = _counts_by(
        session, col(Application.job_id), ids, (func.count(),), Application.org_id == org_id
    )

    # An application may have had more than one call: each step counts applications once.
    call_group = col(InterviewCall.job_id)
    application = col(InterviewCall.application_id)
    interviewed = col(InterviewJob.id).is_not(None)
    assessed = col(InterviewJob.status) == InterviewJobStatus.completed.value
    decided = col(InterviewJob.reviewed_at).is_not(None)
    passed = decided & (col(InterviewJob.review_recommendation) == PASSED_INTERVIEW)
    calls = _counts_by(
        session,
        call_group,
        ids,
        (
            func.count(func.distinct(application)),
            _count_distinct_if(interviewed, application),
            _count_distinct_if(assessed, application),
            _count_distinct_if(decided, application),
            _count_distinct_if(passed, application),
        ),
        InterviewCall.org_id == org_id,
        from_=outerjoin(
            InterviewCall, InterviewJob, col(InterviewJob.call_id) == col(InterviewCall.id)
        ),
    )
    medians = _medians(
        session,
        call_group,
        hours_between(col(InterviewJob.created_at), col(InterviewJob.reviewed_at)),
        InterviewCall.org_id == org_id,
        call_group.in_(ids),
        col(InterviewJob.call_id) == col(InterviewCall.id),
        decided,
    )

    rows = []
    for job_id, title in jobs:
        invited, interviews, assessments, decisions, passes = calls[job_id]
        rows.append(
            JobFunnelRow(
                job_id=job_id,
                title=title,
                applied=applied[job_id][0],
                invited=invited,
                interviewed=interviews,
                assessed=assessments,
                decided=decisions,
                review=ReviewFigures(
                    decided=decisions, passed=passes, median_hours=medians.get(job_id)
                ),
            )
        )
    return rows


def dashboard_funnels(session: Session, *, org_id: str, now: datetime | None = None) -> Funnels:
    return Funnels(
        assessments=assessment_funnel(session, org_id=org_id, now=now),
        jobs=job_funnel(session, org_id=org_id),
    )
