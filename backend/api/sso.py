"""Single sign-on through OpenID Connect (authlib), enabled when an issuer, client id and
secret are configured.

``GET /auth/oidc/login`` sends the browser to the provider; ``GET /auth/oidc/callback``
exchanges the code, finds the member, starts a web session in the HttpOnly ``tl_session`` cookie
(backend/api/web_session.py) that the web app reads, and lands on the dashboard. Failures land on
the sign-in page with a message.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from authlib.integrations.starlette_client import OAuth, OAuthError
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import RedirectResponse
from starlette.middleware.sessions import SessionMiddleware

from backend.api.web_session import set_session_cookie
from backend.db import session_scope
from backend.secret_key import secret_key
from backend.services.errors import DomainError
from backend.services.organisations import member_for_oidc, start_web_session
from backend.settings import get_settings

log = logging.getLogger(__name__)

CALLBACK_PATH = "/auth/oidc/callback"


def _signin_error(message: str) -> RedirectResponse:
    return RedirectResponse(f"/signin?error={quote(message)}", status_code=303)


def install_sso(app: FastAPI) -> None:
    """Add the OIDC routes (and the short-lived cookie that carries OAuth state) when enabled."""
    settings = get_settings()
    router = APIRouter(prefix="/auth/oidc", tags=["sign-in"], include_in_schema=False)

    if not settings.oidc_enabled:

        @router.get("/login")
        def sso_disabled() -> RedirectResponse:
            return _signin_error("Single sign-on is not configured on this server.")

        app.include_router(router)
        return

    oauth = OAuth()
    oauth.register(
        "oidc",
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        client_kwargs={"scope": "openid email profile"},
    )
    # The OAuth state and nonce live in a signed cookie scoped to /auth for ten minutes.
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key(),
        session_cookie="tl_oidc",
        path="/auth",
        max_age=600,
        same_site="lax",
        https_only=settings.public_url.startswith("https://"),
    )

    @router.get("/login")
    async def sso_login(request: Request):
        redirect_uri = settings.public_url.rstrip("/") + CALLBACK_PATH
        try:
            return await oauth.oidc.authorize_redirect(request, redirect_uri)
        except Exception as exc:  # provider down or misconfigured: tell the person, log the rest
            log.warning("OIDC login failed: %s", exc)
            return _signin_error("The single sign-on provider could not be reached.")

    @router.get("/callback")
    async def sso_callback(request: Request) -> RedirectResponse:
        if error := request.query_params.get("error"):
            return _signin_error(f"Single sign-on was cancelled ({error}).")
        try:
            token = await oauth.oidc.authorize_access_token(request)
        except OAuthError as exc:
            return _signin_error(f"Single sign-on failed: {exc.description or exc.error}.")
        except Exception as exc:
            log.warning("OIDC token exchange failed: %s", exc)
            return _signin_error("Single sign-on failed: the provider did not answer.")
        claims = token.get("userinfo") or {}
        subject = str(claims.get("sub") or "")
        if not subject:
            return _signin_error("Single sign-on failed: the provider sent no subject.")
        try:
            with session_scope() as session:
                member = member_for_oidc(
                    session,
                    subject=subject,
                    email=claims.get("email"),
                    email_verified=claims.get("email_verified") is True,
                    name=str(claims.get("name") or ""),
                )
                web_token = start_web_session(session, member=member)
        except DomainError as exc:
            return _signin_error(exc.message)
        response = RedirectResponse("/dashboard", status_code=303)
        set_session_cookie(response, web_token)
        return response

    app.include_router(router)
