"""Code evaluations (seed 000) and the session events of seed 001.

Tables first, then the request and response shapes. Seed 000 prints snake_case field names, so
its shapes are plain pydantic models (no camelCase aliases); the session-event and cohort shapes
belong to seed 001 and use its camelCase ``ApiModel``.

Status semantics (seed 000 names four statuses; the stages say where a pending one is):
- ``pending``: the automated engine runs (stages ``queued → fetching → analysing → testing →
  scoring``), then the evaluation waits in the review queue with stage ``awaiting_review`` and
  the automated result already visible;
- ``in_progress``: a reviewer claimed it (stage ``review``);
- ``completed``: the reviewer finalised it (stage ``finalised``), both verdicts kept;
- ``failed``: the engine could not evaluate it (stage ``failed``, ``failure_code``/``reason``).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, StringConstraints, model_validator
from pydantic import Field as PydanticField
from sqlalchemy import JSON, Column, Index, event, inspect
from sqlmodel import Field, SQLModel

from backend.models.assessments import (
    LEVELS as LEVELS,
)
from backend.models.assessments import (
    ApiInput,
    ApiModel,
    TargetLevel,
    WebUrl,
    WholeNumber,
    _text_problem,
    _url_check,
    url_json_schema,
)
from backend.models.base import LeasedWork, UTCDateTime, dt_column, json_column, utcnow
from backend.models.overall_score import stored_overall_score

LEN_REF = 255
LEN_URL = 2048
LEN_NOTE = 10_000


def _nullable_json() -> Column:
    return Column(JSON, nullable=True)


def new_evaluation_id() -> str:
    """Seed 000 ids read ``eval-…``: here "eval-" and 20 hex digits."""
    return f"eval-{secrets.token_hex(10)}"


def new_upload_id() -> str:
    return f"upl-{secrets.token_hex(10)}"


def new_event_id() -> str:
    return f"evt-{secrets.token_hex(10)}"


class EvaluationStatus(StrEnum):
    pending = "pending"
    in_progress = "in_progress"
    completed = "completed"
    failed = "failed"


class EvaluationStage(StrEnum):
    queued = "queued"
    fetching = "fetching"
    analysing = "analysing"
    testing = "testing"
    scoring = "scoring"
    awaiting_review = "awaiting_review"
    review = "review"
    finalised = "finalised"
    failed = "failed"


# The stages the automated engine moves through while the evaluation is pending.
ENGINE_STAGES = (
    EvaluationStage.queued,
    EvaluationStage.fetching,
    EvaluationStage.analysing,
    EvaluationStage.testing,
    EvaluationStage.scoring,
)

SlaTier = Literal["standard", "priority", "express"]
# A "reject" from the engine is a proposal: only a reviewer's finalise makes it a verdict.
Recommendation = Literal["proceed", "hold", "reject"]
# Seed 000: standard 24 h, priority 12 h, express 2 h.
SLA_HOURS: dict[str, int] = {"standard": 24, "priority": 12, "express": 2}


class CallbackState(StrEnum):
    none = "none"  # no callback_url
    pending = "pending"  # a final status waits to be delivered
    delivered = "delivered"
    failed = "failed"  # refused address or retries exhausted


# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


class Evaluation(LeasedWork, table=True):
    """One submitted artefact and everything that happened to it: the automated result, the
    human review and the callback. The lease columns belong to ``backend.services.leases``."""

    # A cohort (``cohort_position``): the newest of an assessment's, or else of a role's.
    __table_args__ = (
        Index("ix_evaluation_assessment_cohort", "org_id", "assessment_id", "created_at"),
        Index("ix_evaluation_role_cohort", "org_id", "target_role", "created_at"),
    )
    # Indexed only where a query needs it: each index is written by every submission
    # (migration 0018 dropped status, target_level, priority and lease_expires_at).
    priority: int = Field(default=0)  # higher runs first
    lease_expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    id: str = Field(default_factory=new_evaluation_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organization.id", index=True)
    candidate_ref: str = Field(max_length=LEN_REF, index=True)
    target_role: str = Field(max_length=LEN_REF)
    target_level: str = Field(max_length=16)
    artefact_type: str = Field(max_length=16)
    artefact_url: str | None = Field(default=None, max_length=LEN_URL)  # credentials removed
    upload_id: str | None = Field(default=None, foreign_key="evaluationupload.id")
    sla_tier: str = Field(default="standard", max_length=16)
    callback_url: str | None = Field(default=None, max_length=LEN_URL)
    assessment_id: str | None = Field(default=None, foreign_key="assessment.id", index=True)
    # Unique: one submission per candidate session, even when two arrive at once.
    session_id: str | None = Field(
        default=None, foreign_key="candidatesession.id", index=True, unique=True
    )
    submitted_late: bool = Field(default=False)

    status: str = Field(default=EvaluationStatus.pending.value, max_length=16)
    stage: str = Field(default=EvaluationStage.queued.value, max_length=32, index=True)
    stage_started_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    failure_code: str | None = Field(default=None, max_length=64)
    failure_reason: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=dt_column(nullable=False, index=True)
    )
    started_at: datetime | None = Field(default=None, sa_column=dt_column())
    completed_at: datetime | None = Field(default=None, sa_column=dt_column())
    estimated_completion: datetime = Field(sa_column=dt_column(nullable=False))

    # {"recommendation", "confidence_score", "calibrated_seniority", "rubric_scores", "risk_flags"}
    automated_result: dict[str, Any] | None = Field(default=None, sa_column=_nullable_json())
    # Bumped by every write of ``automated_result`` after the engine's own (a later copy adds a
    # flag to it): writers compare and set it, so two such writes never lose one another.
    result_revision: int = Field(default=0)
    # Why a reviewer must look at it again (a later submission matched it), until finalised.
    attention: str | None = Field(default=None, max_length=2000)
    engine_version: str | None = Field(default=None, max_length=64)
    rubric_id: str | None = Field(default=None, max_length=64)
    rubric_version: int | None = Field(default=None)

    reviewer_id: str | None = Field(default=None, max_length=255)
    claimed_at: datetime | None = Field(default=None, sa_column=dt_column())
    # {category: score} as the reviewer set it (categories not named keep the automated score)
    review_scores: dict[str, Any] | None = Field(default=None, sa_column=_nullable_json())
    # ``overall_score.overall_score_of(automated_result, review_scores)``, kept by every write of
    # either (see ``backend.models.overall_score``): what a cohort reads.
    overall_score: float | None = Field(default=None)
    review_note: str | None = Field(default=None, max_length=LEN_NOTE)
    final_recommendation: str | None = Field(default=None, max_length=32)
    final_level: str | None = Field(default=None, max_length=16)
    finalised_at: datetime | None = Field(default=None, sa_column=dt_column())

    callback_state: str = Field(default=CallbackState.none.value, max_length=16, index=True)
    callback_attempts: int = Field(default=0)
    callback_next_at: datetime | None = Field(default=None, sa_column=dt_column())
    callback_last_error: str | None = Field(default=None, max_length=500)


@event.listens_for(Evaluation, "before_insert")
@event.listens_for(Evaluation, "before_update")
def _keep_overall_score(_mapper: Any, _connection: Any, evaluation: Evaluation) -> None:
    """An ORM write of an evaluation's result or adjustments refreshes its overall score."""
    state = inspect(evaluation)
    changed = any(
        state.attrs[name].history.has_changes() for name in ("automated_result", "review_scores")
    )
    if changed or state.key is None:
        evaluation.overall_score = stored_overall_score(
            evaluation.automated_result, evaluation.review_scores
        )


class EvaluationUpload(SQLModel, table=True):
    """A zip received before the evaluation that names it (``POST /evaluations/uploads``)."""

    id: str = Field(default_factory=new_upload_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organization.id", index=True)
    # Set when a candidate uploaded it: only that candidate's submission may use it.
    candidate_key_id: str | None = Field(default=None, max_length=64)
    path: str = Field(max_length=1024)
    size: int
    sha256: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class EvaluationFingerprint(SQLModel, table=True):
    """Winnowing fingerprints of one submission, compared within its group (same assessment,
    or same organisation and role)."""

    evaluation_id: str = Field(primary_key=True, foreign_key="evaluation.id", max_length=32)
    group_key: str = Field(max_length=400, index=True)
    hashes: list[int] = Field(default_factory=list, sa_column=json_column())
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class SessionEventType(StrEnum):
    prompt = "prompt"
    command = "command"
    edit = "edit"
    test_run = "test_run"


class SessionEvent(SQLModel, table=True):
    """One thing a candidate did in an AI-assisted coding session (seed 001 cohort metrics)."""

    id: str = Field(default_factory=new_event_id, primary_key=True, max_length=32)
    org_id: str = Field(foreign_key="organization.id", index=True)
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    session_id: str = Field(foreign_key="candidatesession.id", index=True)
    type: str = Field(max_length=16)
    at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    command: str | None = Field(default=None, max_length=500)
    exit_code: int | None = Field(default=None)
    verification: bool = Field(default=False)  # a command that checks the work (runs tests)
    edit_kind: str | None = Field(default=None, max_length=16)  # manual | assisted
    path: str | None = Field(default=None, max_length=500)
    passed: int | None = Field(default=None)
    failed: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


# --------------------------------------------------------------------------------------------
# Seed 000 request shapes (snake_case)
# --------------------------------------------------------------------------------------------


class EvaluationInput(BaseModel):
    """Base of seed 000 request bodies: trims text, refuses text a database cannot store and
    unknown fields are ignored (integrators send extra fields)."""

    model_config = ConfigDict(str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        if (problem := _text_problem(data)) is not None:
            raise ValueError(problem)
        return data


def _check_git_url(value: str | None) -> str | None:
    """A repository URL as RepoUrl accepts it, or a ``file://`` URL. Whether a local or private
    repository may be fetched is the deployment's decision (``evaluation_allow_local_urls``),
    taken by the worker's intake, which fails the evaluation with the reason."""
    if value and urlsplit(value).scheme.lower() == "file":
        if any(ch.isspace() for ch in value) or not urlsplit(value).path.strip("/"):
            raise ValueError("must be a file:// URL with a path, such as file:///srv/repo.git")
        return value
    return _remote_git_url(value)


_remote_git_url = _url_check(frozenset({"http", "https", "git", "ssh"}), scp_like=True)
# Any git URL: https, ssh, git, scp-style git@host:owner/repo, or file:// for local mirrors.
GitUrl = Annotated[
    str,
    StringConstraints(max_length=2048),
    AfterValidator(_check_git_url),
    url_json_schema("https", "http", "git", "ssh"),  # documented: remote repositories
]

Ref = Annotated[str, StringConstraints(min_length=1, max_length=LEN_REF)]
IdText = Annotated[str, StringConstraints(min_length=1, max_length=64)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=LEN_NOTE)]


class RepoArtefact(EvaluationInput):
    """Any git URL (https, ssh, git or scp-style); GitHub is not required."""

    type: Literal["github_repo"]
    url: GitUrl = PydanticField(min_length=1)


class ZipArtefact(EvaluationInput):
    """A zip sent earlier to ``POST /evaluations/uploads``."""

    type: Literal["zip_upload"]
    upload_id: IdText


Artefact = Annotated[RepoArtefact | ZipArtefact, PydanticField(discriminator="type")]


class EvaluationCreate(EvaluationInput):
    candidate_ref: Ref
    target_role: Ref
    target_level: TargetLevel
    artefact: Artefact
    sla_tier: SlaTier = "standard"
    callback_url: WebUrl | None = None


class ClaimRequest(EvaluationInput):
    """Who claims it; without a body the calling API key is recorded as the reviewer."""

    reviewer: Annotated[str, StringConstraints(min_length=1, max_length=255)] | None = None


class ScoreAdjustment(EvaluationInput):
    category: Ref
    score: Annotated[float, PydanticField(strict=False, ge=0, le=100, allow_inf_nan=False)]


class ReviewRequest(EvaluationInput):
    """Adjust one or more rubric scores; a note saying why is required."""

    scores: Annotated[list[ScoreAdjustment], PydanticField(max_length=50)] = []
    note: Note


class FinaliseRequest(EvaluationInput):
    """The human verdict; omitted fields keep the automated verdict."""

    recommendation: Recommendation | None = None
    calibrated_seniority: TargetLevel | None = None
    note: Note | None = None


# --------------------------------------------------------------------------------------------
# Seed 000 response shapes
# --------------------------------------------------------------------------------------------


class SubmittedEvaluation(BaseModel):
    """A submission as it was recorded (``submission.submit_evaluation``): the new row's values,
    without reading the row back or building an ORM object of its 45 columns."""

    model_config = ConfigDict(frozen=True)

    id: str
    org_id: str
    status: str
    candidate_ref: str
    target_role: str
    target_level: str
    sla_tier: str
    created_at: datetime
    estimated_completion: datetime
    assessment_id: str | None
    session_id: str | None
    submitted_late: bool
    priority: int


class EvaluationAccepted(BaseModel):
    id: str
    status: str
    candidate_ref: str
    target_role: str
    target_level: str
    sla_tier: str
    estimated_completion: str
    created_at: str


class Progress(BaseModel):
    stage: str
    started_at: str


class EvaluationStatusView(BaseModel):
    id: str
    status: str
    candidate_ref: str
    progress: Progress
    estimated_completion: str


class RubricScore(BaseModel):
    # The engine adds explanation fields (weight, level_descriptor, rules); keep them.
    model_config = ConfigDict(extra="allow")

    category: str
    score: int | float  # whole points (1-5) as seed 000 prints them
    max_score: int | float
    observations: list[Any] = []


class EvaluationResult(BaseModel):
    recommendation: str | None
    confidence_score: int | float | None
    calibrated_seniority: str | None
    rubric_scores: list[RubricScore]
    risk_flags: list[Any]


class ReviewScore(BaseModel):
    category: str
    automated_score: int | float | None
    score: int | float
    max_score: int | float | None


class HumanReview(BaseModel):
    reviewer_id: str | None
    claimed_at: str | None
    scores: list[ReviewScore]
    note: str | None
    recommendation: str | None
    calibrated_seniority: str | None
    finalised_at: str | None


class Failure(BaseModel):
    code: str
    reason: str


class ArtefactView(BaseModel):
    type: str
    url: str | None = None
    upload_id: str | None = None


class EvaluationView(BaseModel):
    """``GET /evaluations/{id}``: seed 000's fields, then what truelevel adds: ``result`` is
    the final verdict once completed (the automated one before), and ``automated_result`` and
    ``human_review`` keep both verdicts side by side."""

    id: str
    status: str
    candidate_ref: str
    target_role: str
    target_level: str
    sla_tier: str
    created_at: str
    estimated_completion: str
    completed_at: str | None
    turnaround_hours: float | None
    progress: Progress
    result: EvaluationResult | None
    automated_result: EvaluationResult | None
    human_review: HumanReview | None
    failure: Failure | None
    artefact: ArtefactView
    assessment_id: str | None
    session_id: str | None
    submitted_late: bool
    engine_version: str | None
    rubric_id: str | None
    rubric_version: int | None
    callback_url: str | None
    attention: str | None = None


class EvaluationList(BaseModel):
    evaluations: list[EvaluationView]
    total: int
    limit: int
    offset: int


class UploadAccepted(BaseModel):
    upload_id: str
    size: int
    sha256: str


# --------------------------------------------------------------------------------------------
# Seed 001 shapes: session events, submissions from a session, cohort statistics
# --------------------------------------------------------------------------------------------

Count = Annotated[int, PydanticField(strict=True, ge=0, le=1_000_000), WholeNumber]


class SessionEventIn(ApiInput):
    """One event. ``command`` needs ``exitCode``; ``edit`` needs ``editKind``; ``test_run``
    needs ``passed`` and ``failed`` counts. ``at`` defaults to the time the server receives it."""

    model_config = ConfigDict(
        json_schema_extra={
            "allOf": [
                {
                    "if": {"properties": {"type": {"const": kind}}, "required": ["type"]},
                    "then": {
                        "required": needs,
                        "properties": {n: {"not": {"type": "null"}} for n in needs},
                    },
                }
                for kind, needs in (
                    ("command", ["exitCode"]),
                    ("edit", ["editKind"]),
                    ("test_run", ["passed", "failed"]),
                )
            ]
        }
    )

    type: Literal["prompt", "command", "edit", "test_run"]
    at: datetime | None = None
    command: Annotated[str, StringConstraints(max_length=500)] | None = None
    exit_code: Annotated[int, PydanticField(strict=True, ge=-255, le=255), WholeNumber] | None = (
        None
    )
    verification: bool = False
    edit_kind: Literal["manual", "assisted"] | None = None
    path: Annotated[str, StringConstraints(max_length=500)] | None = None
    passed: Count | None = None
    failed: Count | None = None

    @model_validator(mode="after")
    def _payload_for_type(self) -> SessionEventIn:
        if self.type == "command" and self.exit_code is None:
            raise ValueError("a command event needs exitCode")
        if self.type == "edit" and self.edit_kind is None:
            raise ValueError("an edit event needs editKind: manual or assisted")
        if self.type == "test_run" and (self.passed is None or self.failed is None):
            raise ValueError("a test_run event needs passed and failed counts")
        return self


class SessionEventsIn(ApiInput):
    """A batch ``{"events": [...]}`` of 1 to 500 events, or a single event object."""

    events: Annotated[list[SessionEventIn], PydanticField(min_length=1, max_length=500)]

    @model_validator(mode="before")
    @classmethod
    def _single_event(cls, data: Any) -> Any:
        if isinstance(data, dict) and "type" in data and "events" not in data:
            return {"events": [data]}
        return data


class SessionEventsAccepted(ApiModel):
    accepted: int
    session_id: str


class SubmissionIn(ApiInput):
    """``POST /sessions/{id}/submission``: a repository URL or an upload id, not both."""

    model_config = ConfigDict(
        json_schema_extra={
            "oneOf": [
                {"required": [name], "properties": {name: {"type": "string", "minLength": 1}}}
                for name in ("repoUrl", "uploadId")
            ]
        }
    )

    repo_url: GitUrl | None = None
    upload_id: Annotated[str, StringConstraints(max_length=64)] | None = None

    @model_validator(mode="after")
    def _one_artefact(self) -> SubmissionIn:
        self.repo_url = self.repo_url or None
        self.upload_id = self.upload_id or None
        if (self.repo_url is None) == (self.upload_id is None):
            raise ValueError("send exactly one of repoUrl and uploadId")
        return self


class SubmissionPublic(ApiModel):
    evaluation_id: str
    session_id: str
    assessment_id: str
    status: str
    submitted_late: bool
    submitted_at: str
    estimated_completion: str


class SubmissionEnvelope(ApiModel):
    submission: SubmissionPublic


class CohortMetrics(ApiModel):
    avg_duration_ms: int | None
    avg_prompt_count: float | None
    avg_command_fail_rate: float | None
    avg_verify_intensity: float | None
    avg_manual_edit_ratio: float | None
    avg_first_change_latency_ms: int | None
    test_pass_rate: float | None


class SessionPercentiles(ApiModel):
    duration_ms: float | None
    prompt_count: float | None
    command_fail_rate: float | None
    verify_intensity: float | None
    manual_edit_ratio: float | None
    first_change_latency_ms: float | None


class CohortStats(ApiModel):
    session_count: int
    metrics: CohortMetrics
    percentiles: SessionPercentiles | None = None


class CohortStatsEnvelope(ApiModel):
    cohort_stats: CohortStats | None
