"""Sign-in tickets: how a sign-in the web app checked becomes an HttpOnly session cookie.

The web app checks a password (or creates an organisation) over its websocket, which cannot set
a cookie that page scripts are unable to read. It hands the browser a ticket instead, and the
browser exchanges it at ``POST /api/v1/web-session`` (backend/api/web_session.py), whose answer
sets the cookie. A ticket is signed with the installation's secret, names the member, lasts
:data:`TICKET_SECONDS` and works once: the web session it starts takes an id derived from the
ticket's nonce, so a second exchange collides with the first one's row and is refused.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from backend.models import Member
from backend.secret_key import secret_key
from backend.services.errors import Unauthorized
from backend.services.organisations import start_web_session

TICKET_SECONDS = 60
_SALT = "truelevel.sign-in-ticket"

EXPIRED_MESSAGE = "The sign-in took too long to complete. Sign in again."
INVALID_MESSAGE = "This sign-in is not valid. Sign in again."
USED_MESSAGE = "This sign-in was already completed. Sign in again."


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key(), salt=_SALT)


def _session_id(nonce: str) -> str:
    """The id of the one web session a ticket may start (a UUID, like every other row's)."""
    return str(uuid.UUID(bytes=hashlib.sha256(nonce.encode()).digest()[:16]))


def issue_ticket(member: Member) -> str:
    """A ticket for ``member``, whose password (or sign-up) was just checked."""
    return _serializer().dumps({"member": member.id, "nonce": secrets.token_urlsafe(24)})


def redeem_ticket(session: Session, ticket: str) -> str:
    """Start the web session ``ticket`` stands for; returns its raw token (for the cookie).

    Unauthorized when the ticket is forged, older than TICKET_SECONDS, already redeemed, or
    its member was deactivated meanwhile."""
    try:
        claims = _serializer().loads(ticket, max_age=TICKET_SECONDS)
    except SignatureExpired:
        raise Unauthorized(EXPIRED_MESSAGE, code="sign_in_ticket_expired") from None
    except BadSignature:
        raise Unauthorized(INVALID_MESSAGE, code="sign_in_ticket_invalid") from None
    member_id, nonce = claims.get("member"), claims.get("nonce")
    member = session.get(Member, member_id) if isinstance(member_id, str) else None
    if member is None or not member.is_active or not isinstance(nonce, str):
        raise Unauthorized(INVALID_MESSAGE, code="sign_in_ticket_invalid")
    try:
        return start_web_session(session, member=member, session_id=_session_id(nonce))
    except IntegrityError:
        session.rollback()
        raise Unauthorized(USED_MESSAGE, code="sign_in_ticket_used") from None
