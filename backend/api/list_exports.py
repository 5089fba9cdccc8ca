"""List exports for the browser: ``GET /api/v1/web/evaluations/export.csv`` and
``GET /api/v1/web/candidates/export.csv``.

Like the report downloads (backend/api/report_downloads.py) they take the signed-in member's web
session, any active member of the organisation may download, and they are left out of the
OpenAPI document. The query string is the list's filter (the fields of ``EvaluationFilter`` or
``CandidateKeyFilter``, as the page holds them) and, for the rows a recruiter ticked, ``ids``
(comma-separated, at most ``MAX_SELECTED``). Only the member's organisation's rows are ever
written. The file is streamed (``backend.services.list_export``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse
from sqlmodel import Session

from backend.api.audited import by_member
from backend.api.deps import SessionDep
from backend.api.downloads import download_headers
from backend.api.errors import FlatErrorRoute
from backend.api.web_session import WebSessionToken, signed_in_member
from backend.models import Member
from backend.services.audit import Action, Subject
from backend.services.candidate_key_search import CandidateKeyFilter, matching_key_ids
from backend.services.errors import InvalidInput
from backend.services.evaluations.search import EvaluationFilter, matching_evaluation_ids
from backend.services.list_export import (
    MAX_EXPORT_ROWS,
    candidates_csv,
    evaluations_csv,
    export_filename,
)

# Ticked rows travel in the address: a few pages of them.
MAX_SELECTED = 200
MAX_ID = 64

router = APIRouter(
    prefix="/web",
    tags=["Web session"],
    route_class=FlatErrorRoute,
    include_in_schema=False,
)

SelectedIds = Annotated[
    str | None,
    Query(
        max_length=MAX_SELECTED * (MAX_ID + 1),
        description="comma-separated ids of the rows ticked; all matching rows when absent",
    ),
]


def selected_ids(raw: str | None) -> list[str] | None:
    """The ticked rows' ids (None: export every matching row)."""
    if raw is None:
        return None
    ids = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if len(ids) > MAX_SELECTED or any(len(i) > MAX_ID for i in ids):
        raise InvalidInput(
            f"Select at most {MAX_SELECTED} rows to export, or export every matching row.",
            code="too_many_rows",
        )
    return ids


def record_list_export(session: Session, member: Member, noun: str, ids: Sequence[str]) -> None:
    """An ``exported`` row for the list (how many rows, not which); its commit also hands the
    connection back to the pool while the file streams."""
    by_member(session, member, Action.exported, Subject.list, noun, f"{len(ids)} rows as CSV")


def _csv_file(
    lines: Callable[..., Iterator[str]], ids: Sequence[str], *, org_id: str, noun: str
) -> StreamingResponse:
    return StreamingResponse(
        lines(ids, org_id=org_id),
        media_type="text/csv; charset=utf-8",
        headers=download_headers(export_filename(noun)),
    )


@router.get("/evaluations/export.csv")
def export_evaluations(
    session: SessionDep,
    token: WebSessionToken,
    where: Annotated[EvaluationFilter, Query()],
    ids: SelectedIds = None,
):
    """The evaluations list as CSV: the ticked rows, or every row matching the filter."""
    member = signed_in_member(session, token)
    wanted = matching_evaluation_ids(
        session, org_id=member.org_id, where=where, among=selected_ids(ids), limit=MAX_EXPORT_ROWS
    )
    record_list_export(session, member, "evaluations", wanted)
    return _csv_file(evaluations_csv, wanted, org_id=member.org_id, noun="evaluations")


@router.get("/candidates/export.csv")
def export_candidates(
    session: SessionDep,
    token: WebSessionToken,
    where: Annotated[CandidateKeyFilter, Query()],
    ids: SelectedIds = None,
):
    """The candidates list (their keys) as CSV: the ticked rows, or every matching row."""
    member = signed_in_member(session, token)
    wanted = matching_key_ids(
        session, org_id=member.org_id, where=where, among=selected_ids(ids), limit=MAX_EXPORT_ROWS
    )
    record_list_export(session, member, "candidates", wanted)
    return _csv_file(candidates_csv, wanted, org_id=member.org_id, noun="candidates")
