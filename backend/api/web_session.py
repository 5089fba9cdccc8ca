"""The browser's web session: the ``tl_session`` cookie, set and cleared here and nowhere else.

- ``POST /api/v1/web-session`` exchanges a sign-in ticket (backend/services/sign_in_tickets.py,
  handed out by the web app once it checked the password or created the organisation) for the
  cookie; ``POST /api/v1/web-session/logout`` revokes the session on the server and clears it.
  The single sign-on callback (backend/api/sso.py) sets the same cookie through
  :func:`set_session_cookie`.
- The cookie is ``HttpOnly`` (page scripts, including a page on another port of the same host,
  never read it), ``SameSite=Lax``, ``Path=/`` and ``Secure`` when the public URL is https. The
  web app's state reads it from its websocket's handshake, on the server.
- Cross-site request forgery: a route that takes the cookie depends on :data:`WebSessionToken`,
  which refuses a POST, PUT, PATCH or DELETE unless its ``Origin`` (or, without one, its
  ``Referer``) is one of the installation's allowed origins (403 ``cross_origin_refused``).
  Downloads stay GET-only and change nothing. API-key routes never read the cookie.

Not part of the integrator contract, so left out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Cookie, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlmodel import Session

from backend.api.deps import SessionDep
from backend.api.errors import FlatErrorRoute
from backend.models import Member
from backend.services.errors import Forbidden, Unauthorized
from backend.services.organisations import end_web_session, member_for_token
from backend.services.sign_in_tickets import redeem_ticket
from backend.settings import get_settings

SESSION_COOKIE = "tl_session"
WEB_SESSION_PATH = "/api/v1/web-session"
LOGOUT_PATH = f"{WEB_SESSION_PATH}/logout"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})

CROSS_ORIGIN_MESSAGE = (
    "This request came from another site, so it was refused. Use truelevel's own pages."
)


def _cookie_attributes() -> dict:
    return {
        "path": "/",
        "samesite": "lax",
        "httponly": True,
        "secure": get_settings().public_url.startswith("https://"),
    }


def set_session_cookie(response: Response, token: str) -> None:
    """Hand the browser the session ``token`` (its lifetime: the web session's)."""
    max_age = get_settings().web_session_days * 86400
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, **_cookie_attributes())


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, **_cookie_attributes())


def signed_in_member(session: Session, token: str, *, to: str = "download reports") -> Member:
    """The member the session cookie ``token`` signs in, else 401 ``not_signed_in`` ("Sign in
    to ``to``."): every cookie-authenticated download and stream asks here."""
    member = member_for_token(session, token=token)
    if member is None:
        raise Unauthorized(f"Sign in to {to}.", code="not_signed_in")
    return member


def request_origin(request: Request) -> str:
    """The origin the browser says the request comes from: ``Origin``, else the ``Referer``'s
    (lower case; "" when neither names one, "null" for an opaque origin)."""
    origin = request.headers.get("origin")
    if origin is None:
        parts = urlsplit(request.headers.get("referer", ""))
        origin = f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""
    return origin.strip().lower()


def require_same_origin(request: Request) -> None:
    """403 unless the request comes from one of the installation's allowed origins."""
    if request_origin(request) not in get_settings().allowed_origins:
        raise Forbidden(CROSS_ORIGIN_MESSAGE, code="cross_origin_refused")


def web_session_token(
    request: Request, token: Annotated[str | None, Cookie(alias=SESSION_COOKIE)] = None
) -> str:
    """The session cookie's token ("" without one); state-changing requests must come from
    this installation's own pages."""
    if request.method in STATE_CHANGING:
        require_same_origin(request)
    return (token or "").strip()


WebSessionToken = Annotated[str, Depends(web_session_token)]

router = APIRouter(
    prefix="/web-session",
    tags=["Web session"],
    route_class=FlatErrorRoute,
    include_in_schema=False,
)


class TicketIn(BaseModel):
    ticket: str = Field(min_length=1, max_length=1000)


@router.post("", status_code=204, dependencies=[Depends(require_same_origin)])
def open_web_session(body: TicketIn, session: SessionDep) -> Response:
    """Exchange a sign-in ticket for the session cookie (401 when expired, used or forged)."""
    response = Response(status_code=204)
    set_session_cookie(response, redeem_ticket(session, body.ticket))
    return response


@router.post("/logout", status_code=204)
def close_web_session(session: SessionDep, token: WebSessionToken) -> Response:
    """Revoke the session (a copy of the cookie stops working) and clear the cookie."""
    if token:
        end_web_session(session, token=token)
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response
