"""The recruiter's report pages at scale: what each page's state reads when it opens, with the
same service and data functions the state calls, median of 5, with the number of SQL statements.

    .venv/bin/python -m bench.report_pages [--database URL] [--only dashboard]

The data are ``bench.scale``'s: the lists' 30,000 rows plus 10,000 evaluations of ONE assessment
(the worst case for a report's cohort figures). A fresh SQLite file by default; ``--database
postgresql+psycopg://…`` is EMPTIED and migrated. Target from issue 13: a page ≤ 1.5 s to its
first row; this measures the server's share (the browser's rendering comes on top).

Pages: the evaluation report (``evaluation_report.data.read_report``: the evaluation, its
candidate and its place in the assessment's cohort), the interview report
(``interview_report.read_report``), the candidate profile (``candidate_profile``), the compare
page (``compare_evaluations`` of six candidates) and the dashboard (``organisation_counts``,
``attention_overview``, ``dashboard_funnels``: the assessments' and jobs' funnels), and the
assessment page (its candidate keys).

Medians in ms (a 2-core machine shared with other work; SQLite file / PostgreSQL 16 on localhost),
before → after the stored overall score (migration 0017) and the paged keys:

    page                               SQLite          PostgreSQL
    evaluation report                  1950 → 30       2187 → 17
    compare six of the cohort          2019 → 28       2228 → 20
    assessment page, its keys          1345 → 16       1419 → 6
    interview report                      4 → 1           5 → 7
    candidate profile (take-home)        30 → 29         24 → 28
    dashboard (10,000 evaluations)       68 → 70         82 → 54

Before, the cohort of a report or a comparison read the newest 5,000 evaluations' whole rows
(each with its ~7 KB engine result) to compute their overall scores; it now reads the stored
score. The assessment page sent every key (10,000 rows) with its delivery and evaluation; it now
shows 20 a page.

With the funnels per assessment and job and their review figures (median time to review in SQL,
pass rate, past the SLA; ``--only dashboard``), the dashboard of the cohort's organisation took
141–248 ms on SQLite (the same run of the code before: 301 ms; the machine was busy) and 68 ms
on PostgreSQL; the interviews' organisation (one job, 2,000 calls) 21–33 ms and 28 ms.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from bench.scale import (
    Cohort,
    ListOrgs,
    Scenario,
    prepare_database,
    seed_cohort,
    seed_lists,
    time_scenarios,
)


def _an_interview(org_id: str) -> tuple[str, str]:
    """(job id, candidate email) of a finished interview from a call with a known candidate."""
    from sqlmodel import col, select

    from backend.db import session_scope
    from backend.models import Candidate, InterviewCall, InterviewJob

    with session_scope() as session:
        job_id, email = session.exec(
            select(InterviewJob.id, Candidate.email)
            .join(InterviewCall, col(InterviewCall.id) == col(InterviewJob.call_id))
            .join(Candidate, col(Candidate.id) == col(InterviewCall.candidate_id))
            .where(InterviewJob.org_id == org_id, InterviewJob.status == "completed")
            .order_by(col(InterviewJob.created_at).desc())
        ).first()
        return job_id, str(email)


def scenarios(orgs: ListOrgs, cohort: Cohort) -> list[Scenario]:
    """The report pages as their states read them on open."""
    from backend.db import session_scope
    from backend.services.assessments import get_assessment
    from backend.services.attention import attention_overview
    from backend.services.candidate_keys import page_of_keys, public_keys
    from backend.services.candidate_profile import candidate_profile
    from backend.services.evaluations.comparison import compare_evaluations
    from backend.services.funnel import dashboard_funnels
    from backend.services.invite_delivery import invite_deliveries
    from backend.services.overview import organisation_counts
    from truelevel_app.pages import assessment_compare, assessments, dashboard, interview_report
    from truelevel_app.pages import candidate_profile as profile_page
    from truelevel_app.pages import dashboard_funnels as funnel_page
    from truelevel_app.pages.evaluation_report.data import read_report

    def evaluation_report(evaluation_id: str) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                data = read_report(session, org_id=cohort.org_id, evaluation_id=evaluation_id)
            return data.cohort["scored"]

        return run

    def interview(job_id: str) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                data = interview_report.read_report(session, org_id=orgs.interviews, job_id=job_id)
            return len(data.events)

        return run

    def profile(org_id: str, email: str) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                found = candidate_profile(session, org_id=org_id, email=email)
            return len([profile_page._event_row(e) for e in found.timeline])

        return run

    def compare() -> int:
        with session_scope() as session:
            comparison = compare_evaluations(
                session,
                org_id=cohort.org_id,
                assessment_id=cohort.assessment_id,
                evaluation_ids=cohort.scored_ids,
            )
        [assessment_compare._column(c, comparison.cohort_size) for c in comparison.candidates]
        assessment_compare._lines(comparison)
        return comparison.cohort_size

    def assessment_page() -> int:
        # AssessmentDetailState._reload: the assessment and a page of its keys, each with its
        # invite's delivery and the evaluation submitted from it.
        with session_scope() as session:
            assessment = get_assessment(
                session, org_id=cohort.org_id, assessment_id=cohort.assessment_id
            )
            shown = page_of_keys(
                session,
                org_id=cohort.org_id,
                assessment_id=assessment.id,
                page=1,
                size=assessments.PAGE_SIZE,
            )
            deliveries = invite_deliveries(session, keys=shown.items)
            submitted = assessments._evaluations_by_session(session, cohort.org_id, shown.items)
            [
                assessments._key_row(
                    k.model_dump(), deliveries[k.id], submitted.get(k.session_id or "", "")
                )
                for k in public_keys(session, keys=shown.items)
            ]
        return shown.total

    def dashboard_of(org_id: str) -> Callable[[], int]:
        def run() -> int:
            with session_scope() as session:
                organisation_counts(session, org_id=org_id)
                overview = attention_overview(session, org_id=org_id)
                funnels = funnel_page.funnel_views(dashboard_funnels(session, org_id=org_id))
            [dashboard._review_row(item) for item in overview.awaiting_review.items]
            [dashboard._interview_row(item) for item in overview.interviews_ready.items]
            [dashboard._invite_row(item) for item in overview.invites_not_delivered.items]
            [dashboard._expiring_row(item) for item in overview.keys_expiring.items]
            panels = (
                overview.awaiting_review,
                overview.interviews_ready,
                overview.invites_not_delivered,
                overview.keys_expiring,
            )
            return sum(panel.total for panel in panels) + len(funnels)

        return run

    job_id, interviewee = _an_interview(orgs.interviews)
    newest, oldest_shown = cohort.scored_ids[0], cohort.scored_ids[-1]
    return [
        Scenario("evaluation report, newest", evaluation_report(newest)),
        Scenario("evaluation report, another", evaluation_report(oldest_shown)),
        Scenario("interview report", interview(job_id)),
        Scenario("candidate profile, take-home", profile(cohort.org_id, cohort.email)),
        Scenario("candidate profile, interview", profile(orgs.interviews, interviewee)),
        Scenario("compare six of the cohort", compare),
        Scenario("assessment page, its keys", assessment_page),
        Scenario("dashboard, cohort's organisation", dashboard_of(cohort.org_id)),
        Scenario("dashboard, interviews' organisation", dashboard_of(orgs.interviews)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL URL (emptied); default a SQLite file")
    parser.add_argument("--only", help="time only the pages whose name contains this (dashboard)")
    args = parser.parse_args(argv)
    url = prepare_database(args.database, prefix="reports")
    started = time.perf_counter()
    orgs, cohort = seed_lists(), seed_cohort()
    print(f"{url.split('://')[0]}: 40,000 rows written in {time.perf_counter() - started:.1f} s")
    chosen = [s for s in scenarios(orgs, cohort) if (args.only or "") in s.label]
    return 0 if time_scenarios(chosen) else 1


if __name__ == "__main__":
    raise SystemExit(main())
