"""Code evaluations (seed 000): submit, read, poll, review, export.

All routes take an organisation API key with the ``evaluations`` scope, except the zip upload,
which a candidate key may also use (a candidate uploads the take-home from their session, then
submits it with ``POST /sessions/{id}/submission``). Invalid bodies answer 422 in the flat error
shape (``{"error", "message", "errors"}``); seed 000 documents no error codes.

Zips: ``POST /evaluations/uploads`` (multipart, field ``file``) answers ``201 {upload_id, size,
sha256}``; the upload id then goes in ``artefact: {"type": "zip_upload", "upload_id": ...}``.
A zip over ``TRUELEVEL_EVALUATION_MAX_ZIP_MB`` is 413, anything that is not a zip 400 ``not_a_zip``.
A candidate key whose session was never started is 409 ``session_not_started``; an upload already
deleted (``upload_retention``) named in a submission is 400 ``upload_expired``.

Review: ``GET /review-queue`` lists evaluations waiting for a reviewer, oldest first; ``POST
/evaluations/{id}/claim`` takes one (409 when another reviewer holds it or it is not waiting),
``POST /evaluations/{id}/review`` adjusts scores with a note and ``POST /evaluations/{id}/finalise``
records the human verdict. The reviewer is the ``reviewer`` named in the claim body, or the
``reviewer`` query parameter, or else the calling API key (``api-key:<id>``); review and finalise
must name the same reviewer as the claim.

Callbacks: with ``callback_url``, the evaluation view is POSTed when the automated result is ready,
when it is finalised and when it failed, signed the Standard Webhooks way with the organisation's
secret (``GET /evaluations/callback-secret``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel
from sqlmodel import Session
from starlette.datastructures import UploadFile

from backend.api import in_flight, upload_throttle, uploads
from backend.api.audited import by_key, key_read
from backend.api.deps import (
    Principal,
    SessionDep,
    in_thread,
    read_by_key,
    request_session,
    require_scope,
    require_scope_or_candidate,
)
from backend.api.downloads import download
from backend.api.errors import FlatErrorRoute
from backend.api.openapi_responses import raises
from backend.models import ApiScope
from backend.models.evaluations import (
    ClaimRequest,
    Evaluation,
    EvaluationAccepted,
    EvaluationCreate,
    EvaluationList,
    EvaluationStage,
    EvaluationStatus,
    EvaluationStatusView,
    EvaluationView,
    FinaliseRequest,
    RepoArtefact,
    ReviewRequest,
    TargetLevel,
    UploadAccepted,
)
from backend.services import webhook_adapter
from backend.services.audit import Action, Subject
from backend.services.evaluation_pdf import evaluation_pdf
from backend.services.evaluations import queries, review, submission
from backend.services.evaluations import search as search_module
from backend.services.report_export import evaluation_csv, export_view
from backend.services.search_words import MAX_SEARCH

EvaluationsPrincipal = Annotated[Principal, Depends(require_scope(ApiScope.evaluations))]
UploadPrincipal = Annotated[Principal, Depends(require_scope_or_candidate(ApiScope.evaluations))]

EvaluationId = Annotated[str, Path(min_length=1, max_length=64)]
ReviewerQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=255,
        description="Who acts; defaults to the calling API key. Must match the claim.",
    ),
]
StatusFilter = Literal[tuple(s.value for s in EvaluationStatus)]  # type: ignore[valid-type]
StageFilter = Literal[tuple(s.value for s in EvaluationStage)]  # type: ignore[valid-type]

router = APIRouter(tags=["Evaluations"], route_class=FlatErrorRoute)


class CallbackSecret(BaseModel):
    secret: str
    scheme: str = "Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature v1)"


def _page(rows: list[Evaluation], total: int, *, limit: int, offset: int) -> EvaluationList:
    """One page of evaluations, as both lists (all, and the review queue) answer it."""
    return EvaluationList(
        evaluations=[queries.evaluation_view(r) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


def _reviewer(principal: Principal, named: str | None) -> str:
    return named or f"api-key:{principal.api_key_id}"


@router.post(
    "/evaluations",
    status_code=202,
    response_model=EvaluationAccepted,
    summary="Submit a candidate artefact",
    responses=raises(400, 409),
)
async def submit(body: EvaluationCreate, who: EvaluationsPrincipal) -> Response:
    """Accept the artefact at once; the engine runs in the workers. ``estimated_completion`` is
    the creation time plus the tier's turnaround (standard 24 h, priority 12 h, express 2 h).
    A ``callback_url`` that delivery would refuse (a loopback, private, link-local or otherwise
    non-public address) is refused now, 422."""

    upload_id = None
    if body.callback_url or not isinstance(body.artefact, RepoArtefact):
        async with request_session() as session:

            def check() -> str | None:
                _refuse_undeliverable_callback(body.callback_url)  # may resolve a name: off loop
                return submission.usable_upload_id(session, org_id=who.org_id, data=body)

            upload_id = await in_thread(session, check)
    submitted = await submission.accept_evaluation(
        org_id=who.org_id, data=body, upload_id=upload_id, alone=in_flight.alone()
    )
    accepted = queries.accepted_view(submitted)
    # The answer made here, as FastAPI would serialise it: a ``Response`` parameter for the
    # Location header costs more than the rest of the answer.
    return Response(
        accepted.model_dump_json(),
        status_code=202,
        media_type="application/json",
        headers={"Location": f"{_prefix()}/evaluations/{accepted.id}"},
    )


def _refuse_undeliverable_callback(url: str | None) -> None:
    if url and (problem := webhook_adapter.callback_url_problem(url)):
        raise RequestValidationError(
            [{"loc": ("body", "callback_url"), "msg": problem, "type": "value_error"}]
        )


def _prefix() -> str:
    from backend.api import API_PREFIX

    return API_PREFIX


_UPLOAD_SCHEMA = uploads.multipart_body(required=["file"])


def _missing_file() -> RequestValidationError:
    return RequestValidationError(
        [{"loc": ("body", "file"), "msg": "Field required: a zip file", "type": "missing"}]
    )


@router.post(
    "/evaluations/uploads",
    status_code=201,
    summary="Upload a zip to evaluate",
    openapi_extra=_UPLOAD_SCHEMA,
    responses=raises(400, 409, 413),
)
async def upload_zip(request: Request, who: UploadPrincipal) -> UploadAccepted:
    """Multipart upload of one zip in the field ``file``; the answer's ``upload_id`` goes in a
    ``zip_upload`` artefact. The caller is authenticated before the body is read, and a declared
    ``Content-Length`` over the limit is refused before reading it, and so is a candidate key
    whose session was never started (409 ``session_not_started``). Too many uploads from the
    address or the key: 429 ``rate_limited``; a zip past the organisation's or the key's storage
    quota: 413 ``storage_quota_exceeded`` (``used_bytes``, ``quota_bytes``). The body streams in
    and is copied to the store holding no request session (``backend.api.admission``): a slow
    client keeps nobody else from the database; a session is taken for the check before and the
    row after."""
    await upload_throttle.admit(request)
    if (candidate_key_id := who.candidate_key_id) is not None:
        async with request_session() as db:
            await in_thread(
                db,
                lambda: submission.require_started_session(db, candidate_key_id=candidate_key_id),
            )
    async with uploads.multipart_form(
        request,
        max_file_bytes=submission.max_zip_bytes(),
        too_large=submission.zip_too_large,
        not_multipart=_missing_file,
    ) as form:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise _missing_file()
        stored = await run_in_threadpool(
            lambda: submission.store_upload(
                upload.file, org_id=who.org_id, candidate_key_id=who.candidate_key_id
            )
        )
    async with request_session() as db:
        saved = await in_thread(
            db,
            lambda: submission.record_upload(
                db, stored, org_id=who.org_id, candidate_key_id=who.candidate_key_id
            ),
        )
    return UploadAccepted(upload_id=saved.id, size=saved.size, sha256=saved.sha256)


@router.get("/evaluations", summary="List evaluations")
def list_evaluations(
    db: SessionDep,
    who: EvaluationsPrincipal,
    status: Annotated[StatusFilter | None, Query()] = None,
    stage: Annotated[StageFilter | None, Query()] = None,
    candidate_ref: Annotated[str | None, Query(max_length=255)] = None,
    target_level: Annotated[TargetLevel | None, Query()] = None,
    created_from: Annotated[datetime | None, Query(description="inclusive")] = None,
    created_to: Annotated[datetime | None, Query(description="exclusive")] = None,
    search: Annotated[
        str | None,
        Query(
            max_length=MAX_SEARCH,
            pattern=r"^[^\x00]*$",
            description="in the candidate's name, email and reference, any case",
        ),
    ] = None,
    recommendation: Annotated[search_module.RecommendationFilter | None, Query()] = None,
    assessment_id: Annotated[str | None, Query(max_length=64)] = None,
    flagged: Annotated[bool, Query(description="only those with risk flags")] = False,
    needs_attention: Annotated[bool, Query(description="only those to look at again")] = False,
    sort: Annotated[search_module.EvaluationSort, Query()] = search_module.EvaluationSort.newest,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = queries.DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> EvaluationList:
    """The organisation's evaluations (newest first unless ``sort`` says otherwise), with the
    count of all matches."""
    where = search_module.EvaluationFilter(
        status=status,
        stage=stage,
        candidate_ref=candidate_ref,
        target_level=target_level,
        created_from=created_from,
        created_to=created_to,
        search=search,
        recommendation=recommendation,
        assessment_id=assessment_id,
        flagged=flagged,
        needs_attention=needs_attention,
        sort=sort,
    )
    rows, total = search_module.find_evaluations(
        db, org_id=who.org_id, where=where, limit=limit, offset=offset
    )
    return _page(rows, total, limit=limit, offset=offset)


@router.get("/evaluations/callback-secret", summary="The callback signing secret")
def callback_secret(who: EvaluationsPrincipal) -> CallbackSecret:
    """The organisation's ``whsec_…`` secret for verifying callback signatures."""
    return CallbackSecret(secret=webhook_adapter.signing_secret(who.org_id))


@router.get("/evaluations/{evaluation_id}", summary="Retrieve an evaluation")
async def get_evaluation(evaluation_id: EvaluationId, who: EvaluationsPrincipal) -> EvaluationView:
    """The full report: ``result`` (the final verdict once completed, the automated one
    before), ``automated_result`` and ``human_review`` side by side."""
    view = await read_by_key(
        lambda connection: queries.read_evaluation_view(
            connection, org_id=who.org_id, evaluation_id=evaluation_id
        )
    )
    await key_read(who, Subject.evaluation, evaluation_id, "report read by API")
    return view


@router.get("/status/{evaluation_id}", summary="Check an evaluation's status")
def get_status(
    evaluation_id: EvaluationId, db: SessionDep, who: EvaluationsPrincipal
) -> EvaluationStatusView:
    """Status and the current stage, for polling."""
    row = queries.get_evaluation(db, org_id=who.org_id, evaluation_id=evaluation_id)
    return queries.status_view(row)


@router.get("/review-queue", summary="Evaluations waiting for a reviewer")
def review_queue(
    db: SessionDep,
    who: EvaluationsPrincipal,
    limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = queries.DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> EvaluationList:
    """Pending evaluations whose automated result is ready (stage ``awaiting_review``), oldest
    first."""
    rows, total = review.review_queue(db, org_id=who.org_id, limit=limit, offset=offset)
    return _page(rows, total, limit=limit, offset=offset)


def _changed(db: Session, who: Principal, row: Evaluation, detail: str) -> EvaluationView:
    """The evaluation as a reviewer's change left it, the change recorded in the audit log."""
    view = queries.evaluation_view(row)
    by_key(db, who, Action.changed, Subject.evaluation, row.id, detail)
    return view


@router.post(
    "/evaluations/{evaluation_id}/claim",
    summary="Claim an evaluation for review",
    responses=raises(400, 409),
)
def claim(
    evaluation_id: EvaluationId,
    db: SessionDep,
    who: EvaluationsPrincipal,
    body: Annotated[ClaimRequest | None, Body()] = None,
    reviewer: ReviewerQuery = None,
) -> EvaluationView:
    """Status ``in_progress``, stage ``review``; 409 when another reviewer holds it or it is
    not awaiting review. Claiming again as the same reviewer changes nothing."""
    named = (body.reviewer if body is not None else None) or reviewer
    row = review.claim(
        db, org_id=who.org_id, evaluation_id=evaluation_id, reviewer_id=_reviewer(who, named)
    )
    return _changed(db, who, row, "claimed for review")


@router.post(
    "/evaluations/{evaluation_id}/review",
    summary="Adjust rubric scores",
    responses=raises(400, 409),
)
def adjust(
    evaluation_id: EvaluationId,
    body: ReviewRequest,
    db: SessionDep,
    who: EvaluationsPrincipal,
    reviewer: ReviewerQuery = None,
) -> EvaluationView:
    """Set scores (whole numbers, 1 to the category's maximum) with a note saying why."""
    row = review.adjust(
        db,
        org_id=who.org_id,
        evaluation_id=evaluation_id,
        reviewer_id=_reviewer(who, reviewer),
        scores=body.scores,
        note=body.note,
    )
    return _changed(db, who, row, "scores adjusted")


@router.post(
    "/evaluations/{evaluation_id}/finalise",
    summary="Record the human verdict",
    responses=raises(400, 409),
)
def finalise(
    evaluation_id: EvaluationId,
    db: SessionDep,
    who: EvaluationsPrincipal,
    body: Annotated[FinaliseRequest | None, Body()] = None,
    reviewer: ReviewerQuery = None,
) -> EvaluationView:
    """Complete the evaluation; omitted fields confirm the automated verdict."""
    body = body or FinaliseRequest()
    row = review.finalise(
        db,
        org_id=who.org_id,
        evaluation_id=evaluation_id,
        reviewer_id=_reviewer(who, reviewer),
        recommendation=body.recommendation,
        calibrated_seniority=body.calibrated_seniority,
        note=body.note,
    )
    return _changed(db, who, row, "verdict recorded")


def _report(
    db: Session,
    who: Principal,
    evaluation_id: str,
    *,
    render: Callable[[dict[str, Any]], bytes | str],
    media_type: str,
    extension: str,
) -> Response:
    """The full evaluation view rendered for download, named after the evaluation."""
    row = queries.get_evaluation(db, org_id=who.org_id, evaluation_id=evaluation_id)
    content = render(export_view(db, row))
    by_key(db, who, Action.exported, Subject.evaluation, row.id, f"report.{extension}")
    return download(content, media_type=media_type, filename=f"{row.id}.{extension}")


@router.get(
    "/evaluations/{evaluation_id}/report.csv",
    summary="The report as CSV",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def report_csv(evaluation_id: EvaluationId, db: SessionDep, who: EvaluationsPrincipal) -> Response:
    """One row per observation and risk flag, after the automated and human verdicts."""
    return _report(
        db,
        who,
        evaluation_id,
        render=evaluation_csv,
        media_type="text/csv; charset=utf-8",
        extension="csv",
    )


@router.get(
    "/evaluations/{evaluation_id}/report.pdf",
    summary="The report as PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def report_pdf(evaluation_id: EvaluationId, db: SessionDep, who: EvaluationsPrincipal) -> Response:
    """The report on A4, verdicts first."""
    return _report(
        db, who, evaluation_id, render=evaluation_pdf, media_type="application/pdf", extension="pdf"
    )
