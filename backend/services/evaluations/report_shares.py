"""Read-only report links: a member shares one evaluation report with someone who has no
account (a hiring manager) for a few days, and can revoke the link at any time.

The address is ``{public_url}/shared/<token>``. The token is the share's id signed with the
installation's secret (``itsdangerous``, its own salt), so it can be neither guessed nor altered;
the row decides whether it still works (not expired, not revoked, the evaluation still there),
so expiry and revocation take effect at once and need no second secret.
"""

from __future__ import annotations

from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlmodel import Session, col, select

from backend.models import Evaluation, ReportShare
from backend.models.base import utcnow
from backend.models.report_shares import DEFAULT_SHARE_DAYS, MAX_SHARE_DAYS
from backend.secret_key import secret_key
from backend.services.errors import InvalidInput, NotFound
from backend.services.evaluations.queries import get_evaluation
from backend.services.ownership import find_owned
from backend.settings import get_settings

_SALT = "truelevel report share v1"
GONE = "This link has expired or was revoked. Ask the person who sent it for a new one."


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt=_SALT)


def share_url(share: ReportShare) -> str:
    token = _serializer().dumps(share.id)
    return f"{get_settings().public_url.rstrip('/')}/shared/{token}"


def create_share(
    session: Session,
    *,
    org_id: str,
    evaluation_id: str,
    created_by: str | None,
    days: int = DEFAULT_SHARE_DAYS,
) -> tuple[ReportShare, str]:
    """A new link to the organisation's evaluation, working for ``days`` days; returns the row
    and its address (shown once: the address is not stored)."""
    if not 1 <= days <= MAX_SHARE_DAYS:
        raise InvalidInput(f"A link works for 1 to {MAX_SHARE_DAYS} days.")
    evaluation = get_evaluation(session, org_id=org_id, evaluation_id=evaluation_id)
    share = ReportShare(
        org_id=org_id,
        evaluation_id=evaluation.id,
        created_by=created_by,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(share)
    session.commit()
    session.refresh(share)
    return share, share_url(share)


def list_shares(session: Session, *, org_id: str, evaluation_id: str) -> list[ReportShare]:
    """The evaluation's links, newest first (revoked and expired ones too: a log)."""
    get_evaluation(session, org_id=org_id, evaluation_id=evaluation_id)
    return list(
        session.exec(
            select(ReportShare)
            .where(ReportShare.org_id == org_id, ReportShare.evaluation_id == evaluation_id)
            .order_by(col(ReportShare.created_at).desc(), col(ReportShare.id).desc())
        )
    )


def revoke_share(
    session: Session, *, org_id: str, evaluation_id: str, share_id: str
) -> ReportShare:
    """The link stops working at once (revoking twice is harmless)."""
    share = find_owned(session, ReportShare, share_id, org_id=org_id)
    if share is None or share.evaluation_id != evaluation_id:
        raise NotFound("Share link not found.")
    if share.revoked_at is None:
        share.revoked_at = utcnow()
        session.add(share)
        session.commit()
        session.refresh(share)
    return share


def is_live(share: ReportShare) -> bool:
    return share.revoked_at is None and share.expires_at > utcnow()


def open_share(session: Session, *, token: str) -> tuple[ReportShare, Evaluation]:
    """The share a token names and its evaluation, counting the visit; NotFound (with
    :data:`GONE`) for a token that is malformed, altered, expired or revoked."""
    try:
        share_id = _serializer().loads(token)
    except BadSignature:
        raise NotFound(GONE) from None
    share = session.get(ReportShare, share_id) if isinstance(share_id, str) else None
    evaluation = session.get(Evaluation, share.evaluation_id) if share is not None else None
    if share is None or evaluation is None or not is_live(share):
        raise NotFound(GONE)
    share.opened_count += 1
    share.last_opened_at = utcnow()
    session.add(share)
    session.commit()
    session.refresh(share)
    return share, evaluation
