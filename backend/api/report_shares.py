"""Read-only report links (``backend.services.evaluations.report_shares``): an organisation key
with the ``evaluations`` scope creates, lists and revokes them; whoever holds a link reads the
report in the web app at ``/shared/<token>`` without an account."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path

from backend.api.audited import by_key
from backend.api.deps import Principal, SessionDep, require_scope
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.models import ApiScope
from backend.models.report_shares import ShareCreate, ShareList, SharePublic
from backend.services.audit import Action, Subject
from backend.services.evaluations import report_shares

EvaluationsPrincipal = Annotated[Principal, Depends(require_scope(ApiScope.evaluations))]
EvaluationId = Annotated[str, Path(min_length=1, max_length=64)]
ShareId = Annotated[str, Path(min_length=1, max_length=64)]

router = APIRouter(tags=["Evaluations"], route_class=FlatErrorRoute)


@router.post(
    "/evaluations/{evaluation_id}/share-links",
    status_code=201,
    summary="Share the report read-only",
    responses=raises(400, 409),
)
def create_share_link(
    evaluation_id: EvaluationId,
    db: SessionDep,
    who: EvaluationsPrincipal,
    body: Annotated[ShareCreate | None, Body()] = None,
) -> SharePublic:
    """A link (``url``, shown only now) that opens the report read-only, without an account,
    for ``expires_in_days`` days (1-30, default 7) or until revoked."""
    days = (body or ShareCreate()).expires_in_days
    share, url = report_shares.create_share(
        db,
        org_id=who.org_id,
        evaluation_id=evaluation_id,
        created_by=f"api-key:{who.api_key_id}",
        days=days,
    )
    by_key(db, who, Action.shared, Subject.evaluation, evaluation_id, "share link created")
    return SharePublic.from_row(share, url)


@router.get("/evaluations/{evaluation_id}/share-links", summary="The report's share links")
def list_share_links(
    evaluation_id: EvaluationId, db: SessionDep, who: EvaluationsPrincipal
) -> ShareList:
    """Newest first, revoked and expired ones included, with how often each was opened."""
    rows = report_shares.list_shares(db, org_id=who.org_id, evaluation_id=evaluation_id)
    return ShareList(share_links=[SharePublic.from_row(r) for r in rows])


@router.delete("/evaluations/{evaluation_id}/share-links/{share_id}", summary="Revoke a share link")
def revoke_share_link(
    evaluation_id: EvaluationId, share_id: ShareId, db: SessionDep, who: EvaluationsPrincipal
) -> SharePublic:
    """The link stops working at once."""
    share = report_shares.revoke_share(
        db, org_id=who.org_id, evaluation_id=evaluation_id, share_id=share_id
    )
    view = SharePublic.from_row(share)
    by_key(db, who, Action.shared, Subject.evaluation, evaluation_id, "share link revoked")
    return view
