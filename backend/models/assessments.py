"""Assessments (seeds 001, 002): the library of open-source issues, rubrics, assessments,
candidate keys and the sessions that redeemed keys become.

Tables first, then the request and response shapes of the REST contract. The shapes use
camelCase aliases (the seeds' field names) and snake_case attribute names, so Python callers
(the web app) build them with ``AssessmentCreate(task_brief=...)`` and integrators send
``{"taskBrief": ...}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StringConstraints,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic import Field as PydanticField
from pydantic.alias_generators import to_camel
from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, json_column, new_id, utcnow
from backend.models.email_addresses import EmailAddress

# The seniority a take-home is judged against (seed 000's ``target_level``); an assessment names
# one for every evaluation submitted from its sessions.
TargetLevel = Literal["junior", "mid", "senior", "staff"]
LEVELS: tuple[str, ...] = ("junior", "mid", "senior", "staff")
DEFAULT_TARGET_LEVEL = "mid"

# --------------------------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------------------------


class OssIssue(SQLModel, table=True):
    """A pre-configured open-source issue that an assessment can use as its task."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    title: str = Field(max_length=255)
    repo_url: str | None = Field(default=None, max_length=2048)
    issue_url: str | None = Field(default=None, max_length=2048)
    body: str = Field(default="")
    language: str | None = Field(default=None, max_length=64)
    difficulty: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Rubric(SQLModel, table=True):
    """One version of a rubric. Editing a rubric adds a row with the same family and version + 1,
    so a report can always name the exact version that scored it."""

    # Two concurrent edits must not both become "version n + 1".
    __table_args__ = (UniqueConstraint("family_id", "version", name="uq_rubric_family_version"),)

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    family_id: str = Field(index=True)
    version: int = Field(default=1)
    name: str = Field(max_length=255)
    description: str = Field(default="")
    # [{"name", "weight", "criteria": [{"name", "description", "weight", "levels": {"1".."5"}}]}]
    categories: list[dict[str, Any]] = Field(default_factory=list, sa_column=json_column())
    is_latest: bool = Field(default=True, index=True)
    # The organisation's starter rubric (ensure_default_rubric); kept across versions.
    is_default: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))


class Assessment(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    title: str = Field(max_length=255)
    role: str = Field(max_length=255)
    task_brief: str = Field(default="")
    repo_url: str | None = Field(default=None, max_length=2048)
    issue_id: str | None = Field(default=None, foreign_key="ossissue.id")
    time_limit_minutes: int | None = Field(default=None)
    expires_in_days: int = Field(default=7)
    rubric_id: str | None = Field(default=None, foreign_key="rubric.id")
    target_level: str = Field(default=DEFAULT_TARGET_LEVEL, max_length=16)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=dt_column(nullable=False, index=True)
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    deleted_at: datetime | None = Field(default=None, sa_column=dt_column())


class CandidateKey(SQLModel, table=True):
    """A single-use key that lets one candidate start a session of one assessment."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    key: str = Field(max_length=32, unique=True, index=True)
    candidate_email: str | None = Field(default=None, max_length=320)
    candidate_name: str | None = Field(default=None, max_length=255)
    session_id: str | None = Field(default=None, index=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=dt_column(nullable=False, index=True)
    )
    expires_at: datetime = Field(sa_column=dt_column(nullable=False))
    redeemed_at: datetime | None = Field(default=None, sa_column=dt_column())
    completed_at: datetime | None = Field(default=None, sa_column=dt_column())
    revoked_at: datetime | None = Field(default=None, sa_column=dt_column())
    invite_sent_at: datetime | None = Field(default=None, sa_column=dt_column())


class SessionStatus(StrEnum):
    active = "active"
    completed = "completed"
    expired = "expired"
    hired = "hired"


class KeyStatus(StrEnum):
    pending = "pending"
    active = "active"
    completed = "completed"
    expired = "expired"
    hired = "hired"


class CandidateSession(SQLModel, table=True):
    """What a redeemed candidate key becomes: the candidate's working session."""

    id: str = Field(default_factory=new_id, primary_key=True)
    org_id: str = Field(foreign_key="organization.id", index=True)
    assessment_id: str = Field(foreign_key="assessment.id", index=True)
    candidate_key_id: str = Field(foreign_key="candidatekey.id", unique=True)
    status: SessionStatus = Field(default=SessionStatus.active)
    started_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    deadline_at: datetime | None = Field(default=None, sa_column=dt_column())
    completed_at: datetime | None = Field(default=None, sa_column=dt_column())


# --------------------------------------------------------------------------------------------
# Status derivations: the one place each status is computed from stored columns.
# --------------------------------------------------------------------------------------------


def session_status(candidate_session: CandidateSession, now: datetime | None = None) -> str:
    """The status a session reads as: a stored ``active`` past its deadline reads ``expired``
    (nothing has to flip the column for the deadline to count)."""
    stored = SessionStatus(candidate_session.status)
    deadline = candidate_session.deadline_at
    if stored == SessionStatus.active and deadline is not None and deadline <= (now or utcnow()):
        return SessionStatus.expired.value
    return stored.value


def key_status(
    key: CandidateKey, candidate_session: CandidateSession | None, now: datetime | None = None
) -> str:
    """Seed 001 key status: ``pending`` until redeemed (``expired`` once past expiresAt without
    a redeem), then the status of the session it became."""
    now = now or utcnow()
    if candidate_session is not None:
        return session_status(candidate_session, now)
    if key.expires_at <= now:
        return KeyStatus.expired.value
    return KeyStatus.pending.value


# --------------------------------------------------------------------------------------------
# Request and response shapes
# --------------------------------------------------------------------------------------------


def _text_problem(data: Any) -> str | None:
    """First text in a decoded JSON document the database cannot store, if any. Iterative, so a
    deeply nested body cannot exhaust the stack."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return "Text must not contain NUL characters."
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return "Text must be valid Unicode (no lone surrogates)."
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return None


class ApiModel(BaseModel):
    """Base of every request and response shape: camelCase on the wire, snake_case in Python."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ApiInput(ApiModel):
    """Base of request bodies: trims text and refuses text the database could not store."""

    model_config = ConfigDict(str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _storable_text(cls, data: Any) -> Any:
        if (problem := _text_problem(data)) is not None:
            raise ValueError(problem)
        return data


_SCP_LIKE = re.compile(r"^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+$")


def _url_check(schemes: frozenset[str], *, scp_like: bool) -> Callable[[str | None], str | None]:
    """A validator for URLs with one of ``schemes`` and a host (``scp_like`` also accepts
    ``git@host:owner/repo.git``); an empty string means not given."""
    names = "/".join(sorted(schemes))

    def check(value: str | None) -> str | None:
        if not value:
            return None
        if any(ch.isspace() for ch in value):
            raise ValueError("must be a URL without spaces")
        if scp_like and _SCP_LIKE.fullmatch(value):
            return value
        parts = urlsplit(value)
        _ = parts.port  # raises ValueError for a malformed port
        if parts.scheme.lower() not in schemes or not parts.hostname:
            raise ValueError(f"must be a {names} URL such as https://github.com/owner/repo")
        return value

    return check


# What the OpenAPI document promises of a URL: a part of what ``_url_check`` accepts (a dotted
# host name, a plain path), so a request that follows the document is never refused for it.
_LABEL = r"[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?"
_HOST = rf"{_LABEL}(\.{_LABEL}){{0,3}}\.[a-z]{{2,24}}"
_PATH = r"(/[A-Za-z0-9._~-]{0,40}){0,8}"


def url_json_schema(*schemes: str, max_length: int = 2048) -> WithJsonSchema:
    """The documented form of a URL field with one of ``schemes`` (see ``_HOST``)."""
    pattern = rf"^({'|'.join(schemes)})://{_HOST}{_PATH}$"
    return WithJsonSchema({"type": "string", "maxLength": max_length, "pattern": pattern})


Name = Annotated[str, StringConstraints(min_length=1, max_length=255)]
OptionalName = Annotated[str, StringConstraints(max_length=255)]
LongText = Annotated[str, StringConstraints(max_length=100_000)]
IdRef = Annotated[str, StringConstraints(max_length=64)]
# Repositories: http(s), git, ssh or scp-style; issue pages: http(s) only.
RepoUrl = Annotated[
    str,
    StringConstraints(max_length=2048),
    AfterValidator(_url_check(frozenset({"http", "https", "git", "ssh"}), scp_like=True)),
    url_json_schema("https", "http", "git", "ssh"),
]
WebUrl = Annotated[
    str,
    StringConstraints(max_length=2048),
    AfterValidator(_url_check(frozenset({"http", "https"}), scp_like=False)),
    url_json_schema("https", "http"),
]


def _whole_number(value: Any) -> Any:
    """JSON's 3.0 is the integer 3 (JSON Schema says so too); 1.5 stays a float, refused."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A whole number in JSON: 3 or 3.0, never true, "3" or 1.5 (strict after ``_whole_number``).
WholeNumber = BeforeValidator(_whole_number)
# Strict: JSON true or 1.5 is not a count; bounded so nothing overflows a database integer.
TimeLimit = Annotated[int, PydanticField(strict=True, ge=1, le=10_080), WholeNumber]
ExpiryDays = Annotated[int, PydanticField(strict=True, ge=1, le=365), WholeNumber]
# Keys per POST /assessments/{id}/keys (seed 001: between 1 and 50).
MIN_KEYS, MAX_KEYS = 1, 50
KeyCount = Annotated[int, PydanticField(strict=True, ge=MIN_KEYS, le=MAX_KEYS), WholeNumber]
Weight = Annotated[float, PydanticField(strict=True, gt=0, le=1000, allow_inf_nan=False)]

DEFAULT_EXPIRES_IN_DAYS = 7


# --- OSS issues ---


class IssueCreate(ApiInput):
    title: Name
    # The issue text; "brief" is accepted too since it becomes an assessment's task brief.
    body: Annotated[str, StringConstraints(min_length=1, max_length=100_000)] = PydanticField(
        validation_alias=AliasChoices("body", "brief")
    )
    repo_url: RepoUrl | None = None
    issue_url: WebUrl | None = None
    language: Annotated[str, StringConstraints(max_length=64)] | None = None
    difficulty: Annotated[str, StringConstraints(max_length=32)] | None = None


class IssuePublic(ApiModel):
    id: str
    org_id: str
    title: str
    body: str
    repo_url: str | None
    issue_url: str | None
    language: str | None
    difficulty: str | None
    created_at: str


class IssueEnvelope(ApiModel):
    issue: IssuePublic


class IssueList(ApiModel):
    issues: list[IssuePublic]


# --- Rubrics ---


class RubricCriterionIn(ApiInput):
    name: Name
    description: Annotated[str, StringConstraints(max_length=4000)] = ""
    weight: Weight = 1.0
    # Level descriptors keyed "1" (weakest) to "5" (strongest).
    levels: Annotated[
        dict[str, Annotated[str, StringConstraints(min_length=1, max_length=2000)]],
        WithJsonSchema(
            {
                "type": "object",
                "properties": {
                    k: {"type": "string", "minLength": 1, "maxLength": 2000} for k in "12345"
                },
                "required": list("12345"),
                "additionalProperties": False,
            }
        ),
    ]

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, levels: dict[str, str]) -> dict[str, str]:
        if set(levels) != {"1", "2", "3", "4", "5"}:
            raise ValueError('levels needs exactly the keys "1" to "5", one descriptor each')
        return {k: levels[k] for k in ("1", "2", "3", "4", "5")}


class RubricCategoryIn(ApiInput):
    name: Name
    weight: Weight = 1.0
    criteria: Annotated[list[RubricCriterionIn], PydanticField(min_length=1, max_length=50)]

    @field_validator("criteria")
    @classmethod
    def _unique_criteria(cls, criteria: list[RubricCriterionIn]) -> list[RubricCriterionIn]:
        names = [c.name.casefold() for c in criteria]
        if len(set(names)) != len(names):
            raise ValueError("criterion names must be unique within a category")
        return criteria


class RubricCreate(ApiInput):
    """A rubric: 1 to 20 weighted categories of weighted criteria. Weights are relative (they
    are normalised when scoring), so they need only be positive."""

    name: Name
    description: Annotated[str, StringConstraints(max_length=10_000)] = ""
    categories: Annotated[list[RubricCategoryIn], PydanticField(min_length=1, max_length=20)]

    @field_validator("categories")
    @classmethod
    def _unique_categories(cls, categories: list[RubricCategoryIn]) -> list[RubricCategoryIn]:
        names = [c.name.casefold() for c in categories]
        if len(set(names)) != len(names):
            raise ValueError("category names must be unique within a rubric")
        return categories


class RubricUpdate(RubricCreate):
    """PUT replaces the whole rubric, as a new version."""


class RubricRef(ApiModel):
    id: str
    name: str
    version: int


class RubricPublic(ApiModel):
    id: str
    org_id: str
    family_id: str
    version: int
    name: str
    description: str
    categories: list[dict[str, Any]]
    is_latest: bool
    is_default: bool
    created_at: str


class RubricEnvelope(ApiModel):
    rubric: RubricPublic


class RubricList(ApiModel):
    rubrics: list[RubricPublic]


# --- Assessments ---


class AssessmentCreate(ApiInput):
    """POST /assessments. ``taskBrief`` is required unless ``issueId`` is given; when both are
    given the explicit ``taskBrief`` wins (seed 001; seed 002 says the opposite)."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {
                    "required": ["taskBrief"],
                    "properties": {"taskBrief": {"type": "string", "minLength": 1}},
                },
                {
                    "required": ["issueId"],
                    "properties": {"issueId": {"type": "string", "minLength": 1}},
                },
            ]
        }
    )

    title: Name
    role: Name
    task_brief: LongText | None = None
    issue_id: IdRef | None = None
    repo_url: RepoUrl | None = None
    time_limit_minutes: TimeLimit | None = None
    expires_in_days: ExpiryDays | None = DEFAULT_EXPIRES_IN_DAYS
    rubric_id: IdRef | None = None
    # The level every take-home of this assessment is judged against; not given, the
    # organisation's default (its Settings page; ``mid`` until an admin chose another).
    target_level: TargetLevel | None = None

    @model_validator(mode="after")
    def _brief_or_issue(self) -> AssessmentCreate:
        # An empty string means "not given", so clients that always send the field still work.
        self.task_brief = self.task_brief or None
        self.issue_id = self.issue_id or None
        self.rubric_id = self.rubric_id or None
        if self.expires_in_days is None:
            self.expires_in_days = DEFAULT_EXPIRES_IN_DAYS
        if self.task_brief is None and self.issue_id is None:
            raise ValueError("taskBrief is required when no issueId is given")
        return self


class AssessmentPublic(ApiModel):
    id: str
    org_id: str
    title: str
    role: str
    task_brief: str
    repo_url: str | None
    issue_id: str | None
    issue: IssuePublic | None
    rubric_id: str | None
    rubric: RubricRef | None
    time_limit_minutes: int | None
    expires_in_days: int
    target_level: TargetLevel
    created_at: str
    updated_at: str


class AssessmentUpdate(ApiInput):
    """PATCH /assessments/:id: the fields sent change, the others stay. Only ``targetLevel``
    is editable so far; it applies to evaluations submitted after the change."""

    target_level: TargetLevel | None = None


class AssessmentEnvelope(ApiModel):
    assessment: AssessmentPublic


class AssessmentList(ApiModel):
    assessments: list[AssessmentPublic]


class Deleted(ApiModel):
    ok: Literal[True] = True
    id: str


# --- Candidate keys ---


class KeysCreate(ApiInput):
    """POST /assessments/{id}/keys. An empty list counts as not given."""

    count: KeyCount
    candidate_emails: Annotated[list[EmailAddress], PydanticField(max_length=MAX_KEYS)] | None = (
        None
    )
    candidate_names: Annotated[list[OptionalName], PydanticField(max_length=MAX_KEYS)] | None = None
    org_name: OptionalName | None = None

    @model_validator(mode="after")
    def _lengths_match(self) -> KeysCreate:
        self.candidate_emails = self.candidate_emails or None
        self.candidate_names = self.candidate_names or None
        self.org_name = self.org_name or None
        emails, names = self.candidate_emails, self.candidate_names
        if emails is not None and len(emails) != self.count:
            raise ValueError(
                f"candidateEmails has {len(emails)} entries but count is {self.count}; "
                "give one email per key"
            )
        if names is not None and len(names) != len(emails or []):
            raise ValueError("candidateNames must have one entry per candidateEmails entry")
        return self


class KeyPublic(ApiModel):
    id: str
    key: str
    status: str
    candidate_email: str | None
    candidate_name: str | None
    session_id: str | None
    expires_at: str
    redeemed_at: str | None
    completed_at: str | None
    created_at: str


class CandidateListItem(KeyPublic):
    assessment_id: str
    assessment_title: str


class KeysEnvelope(ApiModel):
    keys: list[KeyPublic]


# --- Candidate sessions ---


class RedeemRequest(ApiInput):
    """Optional body of POST /sessions/redeem; the key normally travels as the bearer token."""

    key: Annotated[str, StringConstraints(max_length=64)] | None = None


class SessionUpdate(ApiInput):
    """PATCH /sessions/{id}: the organisation records the outcome."""

    status: Literal["completed", "expired", "hired"]


class SessionPublic(ApiModel):
    id: str
    org_id: str
    assessment_id: str
    key_id: str
    key: str
    candidate_name: str | None
    candidate_email: str | None
    status: str
    started_at: str
    deadline_at: str | None
    completed_at: str | None
    time_limit_minutes: int | None


class SessionEnvelope(ApiModel):
    session: SessionPublic
