"""A person's data for the browser: ``GET /api/v1/web/candidates/person-export.zip?email=…``,
the candidate profile page's "Export candidate data" button.

The same zip as ``GET /api/v1/candidates/export`` and ``python -m backend.cli export-candidate``
(``backend.services.person_export``), taking the signed-in member's web session like the report
downloads (backend/api/report_downloads.py): GET only, changes nothing but the audit log, where
it is an ``exported`` row. Only admins may export (403 ``admins_only`` for anyone else), as only
an all-scope key may through the API. Left out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from backend.api.audited import by_member
from backend.api.deps import SessionDep
from backend.api.downloads import person_export_response
from backend.api.errors import FlatErrorRoute
from backend.api.web_session import WebSessionToken, signed_in_member
from backend.models import Role
from backend.services.audit import Action, Subject
from backend.services.errors import Forbidden

router = APIRouter(
    prefix="/web/candidates",
    tags=["Web session"],
    route_class=FlatErrorRoute,
    include_in_schema=False,
)


@router.get("/person-export.zip")
def person_export_zip(
    session: SessionDep,
    token: WebSessionToken,
    email: Annotated[str, Query(min_length=1, max_length=320)],
) -> StreamingResponse:
    """Everything held about the person with ``email``, as a zip (404 when nothing is)."""
    member = signed_in_member(session, token)
    if member.role != Role.admin:
        raise Forbidden("Only admins can export a candidate's data.", code="admins_only")
    return person_export_response(
        session,
        org_id=member.org_id,
        email=email,
        audit=lambda subject_id: by_member(
            session, member, Action.exported, Subject.candidate, subject_id, "person export"
        ),
    )
