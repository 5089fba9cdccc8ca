"""The one place evaluation callbacks and tenant webhooks leave the system: a signed request over
httpx (evaluation callbacks: a JSON POST; tenant webhooks: their own method and content type,
signed with their own secret).

Signing follows the Standard Webhooks scheme (https://www.standardwebhooks.com), so receivers can
use any of its libraries:

- ``webhook-id``: the message id, the same on every retry of one message (receivers de-duplicate
  on it);
- ``webhook-timestamp``: Unix seconds when this attempt was signed (receivers reject old ones);
- ``webhook-signature``: ``v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">``.

The HMAC key is per organisation and never stored: ``HMAC-SHA256(backend.secret_key.secret_key(),
"truelevel evaluation callbacks v1:" + org_id)``, shown to the organisation as
``whsec_<base64 of the key>`` (:func:`signing_secret`), the form Standard Webhooks libraries take.
Every host derives the same key from the installation's one secret; changing that secret
changes every organisation's callback secret.

Callback URLs must resolve to public addresses: loopback, private, link-local, multicast and
reserved addresses are refused (a callback must not reach the installation's own network) unless
``TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS`` is set, as tests and air-gapped setups do.

Tests point a callback at a real local HTTP server rather than replacing this module.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from backend.secret_key import secret_key
from backend.services.outbox import Attempt
from backend.settings import get_settings

TIMEOUT_SECONDS = 10.0
SECRET_PREFIX = "whsec_"
_DERIVATION_LABEL = "truelevel evaluation callbacks v1:"
USER_AGENT = "truelevel-webhooks/1"


class CallbackRefused(Exception):
    """The URL may never be delivered to (private address, bad scheme): retrying cannot help."""


@dataclass(frozen=True)
class DeliveryResult:
    """What the receiver answered. ``ok`` means a 2xx, the only answer that counts as delivered."""

    status_code: int
    ok: bool
    body_excerpt: str


def _secret_key(org_id: str) -> bytes:
    return hmac.new(
        secret_key().encode(),
        (_DERIVATION_LABEL + org_id).encode(),
        hashlib.sha256,
    ).digest()


def signing_secret(org_id: str) -> str:
    """The organisation's callback signing secret as receivers configure it: ``whsec_…``."""
    return SECRET_PREFIX + base64.b64encode(_secret_key(org_id)).decode()


def _key_from_secret(secret: str) -> bytes:
    """The HMAC key of a secret: the base64 after ``whsec_`` (the Standard Webhooks form); a
    secret in another form (tenants choose their own) is used as its UTF-8 bytes."""
    if secret.startswith(SECRET_PREFIX):
        try:
            return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
        except ValueError:
            pass
    return secret.encode()


def sign(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The ``webhook-signature`` header value for one attempt: ``v1,<base64 signature>``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key_from_secret(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify(*, secret: str, headers: dict[str, str], body: bytes, tolerance_s: int = 300) -> bool:
    """What a receiver does: the timestamp is recent and one ``v1`` signature matches."""
    lowered = {k.lower(): v for k, v in headers.items()}
    try:
        message_id = lowered["webhook-id"]
        timestamp = int(lowered["webhook-timestamp"])
        signatures = lowered["webhook-signature"].split()
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_s:
        return False
    expected = sign(secret=secret, message_id=message_id, timestamp=timestamp, body=body)
    return any(secrets.compare_digest(expected, candidate) for candidate in signatures)


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_destination(url: str, *, allow_local: bool | None = None) -> None:
    """Refuse URLs that are not http(s) or that resolve to a non-public address.

    Raises :class:`CallbackRefused` for a permanent refusal and ``OSError`` when the name does not
    resolve now (that may pass, so the caller retries). The name is resolved again when httpx
    connects; a host that answers DNS differently in between is a known limit of this check."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise CallbackRefused(f"callback URL must be http(s) with a host: {url[:200]!r}")
    if allow_local is None:
        allow_local = get_settings().evaluation_allow_local_urls
    if allow_local:
        return
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except UnicodeError:  # a label over 63 characters, or an empty one: never a host
        raise CallbackRefused(
            f"callback host {parts.hostname[:200]!r} is not a valid host name"
        ) from None
    for info in infos:
        address = str(info[4][0])
        if not _is_public(address):
            raise CallbackRefused(
                f"callback host {parts.hostname} resolves to non-public address {address}"
            )


def callback_url_problem(url: str, *, allow_local: bool | None = None) -> str | None:
    """Why a callback URL will never be delivered to, for refusing it when it is submitted:
    the rule delivery applies (:func:`check_destination`). None when it is acceptable, or when
    its name does not resolve at the moment (delivery resolves it again, and retries)."""
    try:
        check_destination(url, allow_local=allow_local)
    except CallbackRefused as exc:
        return (
            f"{exc}: callbacks are only sent to public addresses (an installation for tests or "
            "an air-gapped network allows private ones with TRUELEVEL_EVALUATION_ALLOW_LOCAL_URLS)"
        )
    except OSError:
        return None
    return None


MAX_ANSWER_BYTES = 1024


def post_signed(
    *,
    url: str,
    org_id: str,
    message_id: str,
    body: bytes,
    allow_local: bool | None = None,
    timeout_s: float = TIMEOUT_SECONDS,
) -> DeliveryResult:
    """POST ``body`` (JSON) to ``url`` signed with the organisation's callback secret."""
    return send_signed(
        url=url,
        method="POST",
        content_type="application/json",
        secret=signing_secret(org_id),
        message_id=message_id,
        body=body,
        allow_local=allow_local,
        timeout_s=timeout_s,
    )


def send_signed(
    *,
    url: str,
    method: str,
    content_type: str,
    secret: str | None,
    message_id: str,
    body: bytes,
    allow_local: bool | None = None,
    timeout_s: float = TIMEOUT_SECONDS,
    authorization: str | None = None,
    also_signed_with: str | None = None,
) -> DeliveryResult:
    """Send ``body`` to ``url`` with ``method`` and ``content_type``, signed with ``secret``
    (unsigned, with its id and timestamp only, when there is none; also with
    ``also_signed_with``, a secret being rotated out), with an ``Authorization``
    header when the receiver wants one (an ATS). Redirects are not followed (a 3xx is not a
    delivery). Raises :class:`CallbackRefused` for a URL that may never be called, and httpx or
    OS errors for transport failures."""
    check_destination(url, allow_local=allow_local)
    timestamp = int(time.time())
    headers = {
        "content-type": content_type,
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
    }
    if authorization:
        headers["authorization"] = authorization
    signing = [k for k in (secret, also_signed_with) if k]
    if signing:
        # Several signatures are space-separated; a receiver accepts the message when one of
        # them matches its secret (a secret being rotated signs beside the new one).
        headers["webhook-signature"] = " ".join(
            sign(secret=key, message_id=message_id, timestamp=timestamp, body=body)
            for key in signing
        )
    # Only the status matters: read at most a little of the answer, so a receiver that drips
    # or sends gigabytes cannot hold the delivery loop.
    with (
        httpx.Client(timeout=timeout_s, follow_redirects=False, trust_env=False) as client,
        client.stream(method, url, content=body, headers=headers) as response,
    ):
        excerpt = b""
        deadline = time.monotonic() + timeout_s
        for chunk in response.iter_bytes(chunk_size=1024):
            excerpt += chunk
            if len(excerpt) >= MAX_ANSWER_BYTES or time.monotonic() > deadline:
                break
    return DeliveryResult(
        status_code=response.status_code,
        ok=200 <= response.status_code < 300,
        body_excerpt=excerpt[:200].decode("utf-8", "replace"),
    )


def attempt_of(deliver: Callable[[], DeliveryResult]) -> Attempt:
    """How one delivery went, as an outbox records it: a URL that may never be called fails at
    once, a transport error or a non-2xx answer is retried."""
    try:
        result = deliver()
    except CallbackRefused as exc:
        return Attempt(error=f"refused: {exc}", permanent=True)
    except (httpx.HTTPError, OSError) as exc:
        return Attempt(error=f"{type(exc).__name__}: {exc}")
    if not result.ok:
        return Attempt(error=f"HTTP {result.status_code}: {result.body_excerpt}")
    return Attempt()
