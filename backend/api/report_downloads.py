"""Report exports for the browser: ``GET /api/v1/web/evaluations/{id}/report.csv`` and
``report.pdf``, and an interview's ``GET /api/v1/web/interviews/{job_id}/report.pdf``.

The integrator routes under ``/api/v1/evaluations`` take an organisation API key, which a browser
never holds. These two routes take the signed-in member's web session instead (the HttpOnly
``tl_session`` cookie of backend/api/web_session.py), so the report page can link to
them directly. Any active member of the organisation may download: a viewer can already read the
report on screen. Another organisation's evaluation or interview is a 404, exactly like a missing
one. Each download is an ``exported`` row in the audit log. They are left out of the OpenAPI
document because they are not part of the integrator contract.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path
from sqlmodel import Session

from backend.api.audited import by_member
from backend.api.deps import SessionDep
from backend.api.downloads import download
from backend.api.errors import FlatErrorRoute
from backend.api.web_session import WebSessionToken, signed_in_member
from backend.services.audit import Action, Subject
from backend.services.evaluation_pdf import evaluation_pdf
from backend.services.evaluations.queries import get_evaluation
from backend.services.interviews.interview_pdf import interview_export, interview_pdf
from backend.services.report_export import evaluation_csv, export_view

router = APIRouter(
    prefix="/web/evaluations",
    tags=["Web session"],
    route_class=FlatErrorRoute,
    include_in_schema=False,
)

interview_router = APIRouter(
    prefix="/web/interviews",
    tags=["Web session"],
    route_class=FlatErrorRoute,
    include_in_schema=False,
)

EvaluationId = Annotated[str, Path(min_length=1, max_length=64)]
JobId = Annotated[str, Path(min_length=1, max_length=64)]


def report_view(session: Session, *, org_id: str, evaluation_id: str) -> dict[str, Any]:
    """The evaluation as ``GET /evaluations/{id}`` shows it, with its candidate's name, as a
    plain dict for the exporters. A foreign id is a 404, exactly like a missing one."""
    evaluation = get_evaluation(session, org_id=org_id, evaluation_id=evaluation_id)
    return export_view(session, evaluation)


@router.get("/{evaluation_id}/report.csv")
def report_csv(evaluation_id: EvaluationId, session: SessionDep, token: WebSessionToken):
    """The report as CSV: a summary row, one row per observation and one per risk flag."""
    member = signed_in_member(session, token)
    view = report_view(session, org_id=member.org_id, evaluation_id=evaluation_id)
    by_member(session, member, Action.exported, Subject.evaluation, view["id"], "report.csv")
    return download(
        evaluation_csv(view),
        media_type="text/csv; charset=utf-8",
        filename=f"{view['id']}-report.csv",
    )


@router.get("/{evaluation_id}/report.pdf")
def report_pdf(evaluation_id: EvaluationId, session: SessionDep, token: WebSessionToken):
    """The report as a PDF, verdicts first."""
    member = signed_in_member(session, token)
    view = report_view(session, org_id=member.org_id, evaluation_id=evaluation_id)
    content = evaluation_pdf(view)
    by_member(session, member, Action.exported, Subject.evaluation, view["id"], "report.pdf")
    return download(
        content,
        media_type="application/pdf",
        filename=f"{view['id']}-report.pdf",
    )


@interview_router.get("/{job_id}/report.pdf")
def interview_report_pdf(job_id: JobId, session: SessionDep, token: WebSessionToken):
    """The interview's report as a PDF, verdict first."""
    member = signed_in_member(session, token)
    export = interview_export(session, org_id=member.org_id, job_id=job_id)
    content = interview_pdf(export)
    by_member(session, member, Action.exported, Subject.interview, export.job_id, "report.pdf")
    return download(
        content,
        media_type="application/pdf",
        filename=f"{export.job_id}-interview-report.pdf",
    )
