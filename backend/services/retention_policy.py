"""The retention of organisation X for media kind Y: the one answer the retention sweep
(``media_retention``), the interview pipeline (delete right after processing) and the Settings
page all read.

- The installation's period (``TRUELEVEL_RECORDING_RETENTION_DAYS``,
  ``TRUELEVEL_ANSWER_RETENTION_DAYS``; 0 keeps them) is the ceiling: an organisation may keep its
  media for fewer days, or have them deleted right after processing, never for longer.
- Recordings are kept after processing only while the organisation keeps inputs
  (``Organization.keep_interview_inputs``, seed 004; the Settings page sets it with its choice).
- A browser interview's answers are kept after processing unless the organisation chose
  otherwise (the report plays each answer beside its transcript).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement
from sqlmodel import Session, col, select

from backend.models import OrganisationSettings, Organization
from backend.models.organisation_settings import MediaKind, Retention, installation_ceiling

_COLUMN = {
    MediaKind.recordings: OrganisationSettings.recording_retention_days,
    MediaKind.answers: OrganisationSettings.answer_retention_days,
}


def own_days(settings: OrganisationSettings, kind: MediaKind) -> int | None:
    """The period the organisation set for ``kind`` (None: the installation's; 0: none)."""
    if kind == MediaKind.recordings:
        return settings.recording_retention_days
    return settings.answer_retention_days


def retention(kind: MediaKind, *, own: int | None, keeps_recordings: bool) -> Retention:
    """The effective retention from the organisation's own value (``own``: None, the
    installation's; 0, right after processing; n days) within the installation's ceiling."""
    ceiling = installation_ceiling(kind)
    if own == 0 or (kind == MediaKind.recordings and not keeps_recordings):
        return Retention(
            kind=kind,
            choice="after_processing",
            after_processing=True,
            days=None,
            ceiling_days=ceiling,
        )
    if own is None:
        return Retention(
            kind=kind,
            choice="installation",
            after_processing=False,
            days=ceiling,
            ceiling_days=ceiling,
        )
    days = min(own, ceiling) if ceiling else own
    return Retention(
        kind=kind, choice="days", after_processing=False, days=days, ceiling_days=ceiling
    )


def retention_of(session: Session, *, org_id: str, kind: MediaKind) -> Retention:
    """How long organisation ``org_id`` keeps media of ``kind`` after processing."""
    row = session.get(OrganisationSettings, org_id)
    org = session.get(Organization, org_id)
    return retention(
        kind,
        own=own_days(row, kind) if row is not None else None,
        keeps_recordings=bool(org is not None and org.keep_interview_inputs),
    )


def has_own_retention(kind: MediaKind, org_id: ColumnElement[str]) -> ColumnElement[bool]:
    """SQL: the organisation ``org_id`` (a column) set its own period for ``kind``."""
    return (
        select(OrganisationSettings.org_id)
        .where(
            col(OrganisationSettings.org_id) == org_id,
            col(_COLUMN[kind]).is_not(None),
        )
        .exists()
    )


def own_retentions(session: Session, *, kind: MediaKind) -> dict[str, Retention]:
    """Every organisation that set its own period for ``kind``, with its retention."""
    rows = session.exec(
        select(OrganisationSettings.org_id, _COLUMN[kind], Organization.keep_interview_inputs)
        .join(Organization, col(Organization.id) == col(OrganisationSettings.org_id))
        .where(col(_COLUMN[kind]).is_not(None))
    ).all()
    return {
        org_id: retention(kind, own=days, keeps_recordings=keeps) for org_id, days, keeps in rows
    }
