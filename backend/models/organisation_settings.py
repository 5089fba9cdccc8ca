"""An organisation's own settings (the admins' Settings page): how long its interview recordings
and browser-interview answers are kept (never longer than the installation allows), the sender
name and reply-to address of its candidate invites, and the level new assessments are judged
against. No row: every value is the installation's (``OrganisationSettings.defaults``)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ValidationInfo, field_validator
from pydantic import Field as PydanticField
from pydantic_core import PydanticCustomError
from sqlmodel import Field, SQLModel

from backend.models.assessments import DEFAULT_TARGET_LEVEL, TargetLevel
from backend.models.base import dt_column, utcnow
from backend.models.email_addresses import MAX_EMAIL_LENGTH, EmailAddress
from backend.settings import get_settings

# The longest own period an organisation may set where the installation keeps media for ever.
MAX_RETENTION_DAYS = 3650
MAX_SENDER_NAME = 100


class MediaKind(StrEnum):
    """What a retention period is about."""

    recordings = "recordings"  # interview recordings sent as files (kept: seed 004's option)
    answers = "answers"  # a browser interview's recorded answers


# "installation": the installation's period; "days": the organisation's shorter one;
# "after_processing": deleted as soon as the interview is processed.
RetentionChoice = Literal["installation", "days", "after_processing"]


class OrganisationSettings(SQLModel, table=True):
    """One row per organisation, written the first time an admin saves the Settings page."""

    org_id: str = Field(foreign_key="organization.id", primary_key=True)
    # None: the installation's period; 0: deleted right after processing; n: n days after the
    # interview job finished (never more than the installation's, when it has one).
    recording_retention_days: int | None = Field(default=None)
    answer_retention_days: int | None = Field(default=None)
    # Candidate invites: the From display name (the installation's address stays) and the
    # Reply-To address; None: the installation's name, the organisation's first admin.
    mail_sender_name: str | None = Field(default=None, max_length=MAX_SENDER_NAME)
    mail_reply_to: str | None = Field(default=None, max_length=MAX_EMAIL_LENGTH)
    # The level an assessment created without one is judged against.
    default_target_level: str = Field(default=DEFAULT_TARGET_LEVEL, max_length=16)
    updated_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
    updated_by: str | None = Field(default=None, max_length=MAX_EMAIL_LENGTH)

    @classmethod
    def defaults(cls, org_id: str) -> OrganisationSettings:
        """What an organisation that never saved its settings has (not added to a session)."""
        return cls(org_id=org_id)


class Retention(BaseModel):
    """How long one kind of an organisation's media is kept after its interview is processed."""

    kind: MediaKind
    choice: RetentionChoice
    after_processing: bool  # deleted as soon as the interview is processed
    days: int | None  # deleted this many days after processing; None: kept (see after_processing)
    ceiling_days: int | None  # the installation's period; None: the installation keeps them

    @property
    def sentence(self) -> str:
        if self.after_processing:
            return "Deleted right after processing."
        if self.days is None:
            return "Kept with no time limit."
        return f"Deleted {self.days} day{'s' if self.days != 1 else ''} after processing."


def installation_ceiling(kind: MediaKind) -> int | None:
    """The installation's period for ``kind`` (``TRUELEVEL_*_RETENTION_DAYS``); None: kept."""
    settings = get_settings()
    days = (
        settings.recording_retention_days
        if kind == MediaKind.recordings
        else settings.answer_retention_days
    )
    return days or None


class OrganisationSettingsInput(BaseModel):
    """What the Settings page saves. Empty text counts as not given."""

    model_config = {"str_strip_whitespace": True}

    recording_retention: RetentionChoice = "installation"
    recording_retention_days: int | None = PydanticField(default=None, validate_default=True)
    answer_retention: RetentionChoice = "installation"
    answer_retention_days: int | None = PydanticField(default=None, validate_default=True)
    mail_sender_name: str | None = PydanticField(default=None, max_length=MAX_SENDER_NAME)
    mail_reply_to: EmailAddress | None = None
    default_target_level: TargetLevel = DEFAULT_TARGET_LEVEL

    @field_validator("recording_retention_days", "answer_retention_days", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("mail_sender_name", "mail_reply_to", mode="before")
    @classmethod
    def _blank_text_is_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        if isinstance(value, str) and ("\n" in value or "\r" in value):
            raise PydanticCustomError("line_break", "Write it on one line")
        return value

    @field_validator("recording_retention_days", "answer_retention_days")
    @classmethod
    def _days_within_the_installation(cls, value: int | None, info: ValidationInfo) -> int | None:
        """Days only with the "days" choice: at least 1, at most the installation's period."""
        kind = (
            MediaKind.recordings if info.field_name.startswith("recording") else MediaKind.answers
        )
        choice = info.data.get(f"{info.field_name.removesuffix('_days')}")
        if choice != "days":
            return None
        if value is None:
            raise PydanticCustomError("missing", "Field required")
        ceiling = installation_ceiling(kind) or MAX_RETENTION_DAYS
        if value < 1:
            raise PydanticCustomError("greater_than_equal", "Input should be >= 1", {"ge": 1})
        if value > ceiling:
            raise PydanticCustomError("less_than_equal", "Input should be <= {le}", {"le": ceiling})
        return value
