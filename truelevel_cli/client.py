"""The candidate's HTTP adapter: every call the command line makes to the truelevel API.

Authentication is the candidate key itself as the bearer token (``Authorization: Bearer
TL-XXXX-XXXX``), as seed 001's CLI does. Errors come back as two exceptions only, so the commands
can turn them into one-line messages: :class:`ApiError` (the server answered with an error
status) and :class:`ServerUnreachable` (no answer at all).
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

import httpx

API_PREFIX = "/api/v1"
DEFAULT_URL = "http://localhost:3000"
USER_AGENT = "truelevel-cli/0.1"
# Connecting should be quick; an upload of a large zip may legitimately take a while.
_TIMEOUT = httpx.Timeout(60.0, connect=5.0)


class ApiError(Exception):
    """The server answered with an error status: ``{"error": code, "message": text, ...}``."""

    def __init__(self, status: int, code: str, message: str, extra: dict[str, Any]) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


class ServerUnreachable(Exception):
    """No HTTP answer: connection refused, DNS failure or a timeout."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


def _error_from(response: httpx.Response) -> ApiError:
    """Read the flat error shape (or seed 004's ``{"detail": {...}}``); anything else keeps the
    status line so a proxy's HTML error page still gives a readable message."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("detail"), dict):
        body = body["detail"]
    if isinstance(body, dict) and "message" in body:
        extra = {k: v for k, v in body.items() if k not in ("error", "message")}
        code = str(body.get("error") or "error")
        return ApiError(response.status_code, code, str(body["message"]), extra)
    reason = response.reason_phrase or "error"
    return ApiError(response.status_code, "http_error", f"HTTP {response.status_code} {reason}", {})


class CandidateClient:
    """The truelevel API as one candidate sees it. Use as a context manager, or call
    :meth:`close` when done."""

    def __init__(self, base_url: str, key: str, *, transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.base_url + API_PREFIX,
            headers={"Authorization": f"Bearer {key}", "User-Agent": USER_AGENT},
            timeout=_TIMEOUT,
            transport=transport,
        )

    def __enter__(self) -> CandidateClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def _request(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TimeoutException:
            raise ServerUnreachable(self.base_url, "the server did not answer in time") from None
        except httpx.TransportError as exc:
            raise ServerUnreachable(self.base_url, str(exc) or type(exc).__name__) from None
        if response.status_code >= 400:
            raise _error_from(response)
        try:
            body = response.json()
        except ValueError:
            raise ApiError(
                response.status_code, "invalid_response", "The server's answer is not JSON.", {}
            ) from None
        return body if isinstance(body, dict) else {"data": body}

    # --- sessions -------------------------------------------------------------------------

    def redeem(self) -> dict[str, Any]:
        """Start the session for this key (once): the session object. A second redeem is an
        :class:`ApiError` 409 ``key_already_redeemed`` whose ``extra`` names ``sessionId``."""
        return self._request("POST", "/sessions/redeem")["session"]

    def get_session(self, session_id: str) -> dict[str, Any]:
        """The session this key started (status, startedAt, deadlineAt, ...)."""
        return self._request("GET", f"/sessions/{session_id}")["session"]

    def complete_session(self, session_id: str) -> dict[str, Any]:
        """Mark the session finished."""
        return self._request("POST", f"/sessions/{session_id}/complete")["session"]

    def post_events(self, session_id: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        """Record seed 001 session events (camelCase bodies): ``{"accepted", "sessionId"}``."""
        return self._request("POST", f"/sessions/{session_id}/events", json={"events": events})

    def submit(
        self, session_id: str, *, repo_url: str | None = None, upload_id: str | None = None
    ) -> dict[str, Any]:
        """Submit the take-home from this session: a repository URL or an upload id. Returns
        the submission (``evaluationId``, ``submittedLate``, ``submittedAt``, ...)."""
        body = {"repoUrl": repo_url} if repo_url is not None else {"uploadId": upload_id}
        return self._request("POST", f"/sessions/{session_id}/submission", json=body)["submission"]

    # --- assessments and uploads -----------------------------------------------------------

    def get_assessment(self, assessment_id: str) -> dict[str, Any]:
        """The assessment this key belongs to: title, role, taskBrief, repoUrl, issue, ..."""
        return self._request("GET", f"/assessments/{assessment_id}")["assessment"]

    def upload_zip(self, path: Path) -> str:
        """Send a zip (multipart field ``file``) and return its upload id."""
        with path.open("rb") as handle:
            body = self._request(
                "POST",
                "/evaluations/uploads",
                files={"file": (path.name, handle, "application/zip")},
            )
        # Seed 000 shapes are snake_case; accept the camelCase spelling too.
        upload_id = body.get("upload_id") or body.get("uploadId")
        if not upload_id:
            raise ApiError(200, "invalid_response", "The upload answer has no upload_id.", body)
        return str(upload_id)
