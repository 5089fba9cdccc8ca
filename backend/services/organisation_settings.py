"""An organisation's own settings, read and saved (the admins' Settings page): retention of its
interview media (``retention_policy`` says what applies), the sender name and reply-to address
of its candidate invites (``mail``), and the target level of assessments created without one
(``assessments.create_assessment``). Without a saved row every value is the installation's."""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from pydantic import BaseModel
from sqlmodel import Session

from backend.models import OrganisationSettings, Organization
from backend.models.assessments import DEFAULT_TARGET_LEVEL, LEVELS, TargetLevel
from backend.models.base import utcnow
from backend.models.organisation_settings import (
    MediaKind,
    OrganisationSettingsInput,
    Retention,
    RetentionChoice,
)
from backend.services.errors import NotFound
from backend.services.retention_policy import own_days, retention
from backend.settings import get_settings


class MailIdentity(BaseModel):
    """How the organisation's candidate invites are sent: None, the installation's."""

    sender_name: str | None = None
    reply_to: str | None = None


class OrganisationSettingsView(BaseModel):
    """What the Settings page shows: the organisation's values with the installation's."""

    org_id: str
    recordings: Retention
    answers: Retention
    mail: MailIdentity
    default_target_level: TargetLevel
    mail_enabled: bool  # the installation sends email (an SMTP host is set)
    mail_from: str  # the installation's From header (its address is always the sender's)
    mail_from_address: str
    updated_at: datetime | None = None  # None: never saved
    updated_by: str | None = None


def _row(session: Session, org_id: str) -> OrganisationSettings | None:
    return session.get(OrganisationSettings, org_id)


def _level(value: str) -> TargetLevel:
    return value if value in LEVELS else DEFAULT_TARGET_LEVEL  # type: ignore[return-value]


def read_settings(session: Session, *, org_id: str) -> OrganisationSettingsView:
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("Organisation not found.")
    saved = _row(session, org_id)
    row = saved or OrganisationSettings.defaults(org_id)
    installation = get_settings()

    def kept(kind: MediaKind) -> Retention:
        return retention(kind, own=own_days(row, kind), keeps_recordings=org.keep_interview_inputs)

    return OrganisationSettingsView(
        org_id=org_id,
        recordings=kept(MediaKind.recordings),
        answers=kept(MediaKind.answers),
        mail=MailIdentity(sender_name=row.mail_sender_name, reply_to=row.mail_reply_to),
        default_target_level=_level(row.default_target_level),
        mail_enabled=installation.mail_enabled,
        mail_from=installation.mail_from,
        mail_from_address=parseaddr(installation.mail_from)[1],
        updated_at=saved.updated_at if saved else None,
        updated_by=saved.updated_by if saved else None,
    )


def _own(choice: RetentionChoice, days: int | None) -> int | None:
    """The stored value of a retention choice (None: the installation's; 0: after processing)."""
    return {"installation": None, "after_processing": 0}.get(choice, days)


def save_settings(
    session: Session, *, org_id: str, data: OrganisationSettingsInput, by: str
) -> OrganisationSettingsView:
    """Save every value of ``data`` (checked against the installation's ceilings when it was
    validated). Keeping recordings at all is the organisation's ``keep_interview_inputs``."""
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("Organisation not found.")
    row = _row(session, org_id) or OrganisationSettings.defaults(org_id)
    row.recording_retention_days = _own(data.recording_retention, data.recording_retention_days)
    row.answer_retention_days = _own(data.answer_retention, data.answer_retention_days)
    row.mail_sender_name = data.mail_sender_name
    row.mail_reply_to = data.mail_reply_to
    row.default_target_level = data.default_target_level
    row.updated_at = utcnow()
    row.updated_by = by
    org.keep_interview_inputs = data.recording_retention != "after_processing"
    session.add(row)
    session.add(org)
    session.commit()
    return read_settings(session, org_id=org_id)


def default_target_level(session: Session, *, org_id: str) -> TargetLevel:
    """The level an assessment created without one is judged against."""
    row = _row(session, org_id)
    return _level(row.default_target_level) if row is not None else DEFAULT_TARGET_LEVEL


def mail_identity(session: Session, *, org_id: str) -> MailIdentity:
    """The sender name and reply-to address of the organisation's candidate invites."""
    row = _row(session, org_id)
    if row is None:
        return MailIdentity()
    return MailIdentity(sender_name=row.mail_sender_name, reply_to=row.mail_reply_to)
