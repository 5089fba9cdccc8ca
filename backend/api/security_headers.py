"""Security headers on every answer the backend gives: the REST API, the single sign-on routes
and, because ``create_api()`` is Reflex's ``api_transformer`` (Reflex mounts its own app,
pages included in production, inside it), the web app's pages and assets too.

- ``Content-Security-Policy``: scripts, styles, images, fonts and media from this origin only;
  connections to this origin and the public URL (Reflex's websocket, ``/_event``); no plugins,
  no foreign ``<base>`` or form targets; never framed (``frame-ancestors 'none'``). Reflex's
  frontend needs ``'unsafe-inline'`` (the inline hydration script, Radix's inline styles) and
  ``'unsafe-eval'`` (``rx.call_script`` is evaluated in the browser). The API's Swagger page
  (``/api/v1/docs``) also loads Swagger UI from its CDN.
- ``X-Frame-Options: DENY``, ``X-Content-Type-Options: nosniff``,
  ``Referrer-Policy: no-referrer`` (candidate and interview links carry their credential in the
  address), ``Permissions-Policy`` (the microphone for this origin's interview page only).
- ``Strict-Transport-Security`` when the public URL is https.

A header a route set itself is kept."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.api import API_PREFIX
from backend.settings import get_settings

HSTS = "max-age=31536000"
_SWAGGER_CDN = "https://cdn.jsdelivr.net"


def _origins(public_url: str) -> tuple[str, str]:
    """The public URL's origin and the websocket origin beside it."""
    parts = urlsplit(public_url)
    if not parts.scheme or not parts.netloc:
        return "", ""
    ws = "wss" if parts.scheme == "https" else "ws"
    return f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"


def content_security_policy(public_url: str, *, swagger: bool = False) -> str:
    origin, websocket = _origins(public_url)
    connect = " ".join(s for s in ("'self'", origin, websocket) if s)
    cdn = f" {_SWAGGER_CDN}" if swagger else ""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'unsafe-inline' 'unsafe-eval'{cdn}",
            f"style-src 'self' 'unsafe-inline'{cdn}",
            "img-src 'self' data: blob:" + (" https://fastapi.tiangolo.com" if swagger else ""),
            "font-src 'self' data:",
            "media-src 'self' blob:",
            f"connect-src {connect}",
            "worker-src 'self' blob:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


def security_headers(public_url: str, *, swagger: bool = False) -> dict[str, str]:
    headers = {
        "Content-Security-Policy": content_security_policy(public_url, swagger=swagger),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), geolocation=(), microphone=(self), payment=()",
    }
    if public_url.startswith("https://"):
        headers["Strict-Transport-Security"] = HSTS
    return headers


class SecurityHeaders:
    """Pure ASGI (no buffering): streamed answers and server-sent events pass as they are."""

    def __init__(self, app: ASGIApp, public_url: str | None = None) -> None:
        self.app = app
        url = public_url if public_url is not None else get_settings().public_url
        self._pages = list(security_headers(url).items())
        self._swagger = list(security_headers(url, swagger=True).items())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith(f"{API_PREFIX}/docs")
        extra = self._swagger if docs else self._pages

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in extra:
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
