"""The browser's session cookie comes only from backend routes, as HttpOnly, and the routes that
take it refuse state changes asked for by another site (backend/api/web_session.py)."""

from __future__ import annotations

import pytest

from backend.db import session_scope
from backend.models import Member
from backend.services import sign_in_tickets
from backend.services.organisations import member_for_token, start_web_session
from backend.settings import get_settings
from tests.helpers import make_org

OWN = "http://localhost:3000"  # the public URL's origin in the tests' settings
EVIL = "http://localhost:4444"  # another port of the same host: same site, other origin
SIGN_IN = "/api/v1/web-session"
SIGN_OUT = "/api/v1/web-session/logout"
# 401 signed out, 404 signed in (no such evaluation): what a report download says.
PROBE = "/api/v1/web/evaluations/no-such-evaluation/report.csv"


def _ticket(member_id: str) -> str:
    with session_scope() as session:
        return sign_in_tickets.issue_ticket(session.get(Member, member_id))


def _session_token(member_id: str) -> str:
    with session_scope() as session:
        return start_web_session(session, member=session.get(Member, member_id))


def _signed_in(token: str) -> bool:
    with session_scope() as session:
        return member_for_token(session, token=token) is not None


def _refused(response, code: str) -> dict:
    body = response.json()
    assert body["error"] == code and body["message"], body
    return body


def test_a_ticket_becomes_an_httponly_cookie_once(client):
    org = make_org()
    ticket = _ticket(org.admin_id)

    answer = client.post(SIGN_IN, json={"ticket": ticket}, headers={"Origin": OWN})
    assert answer.status_code == 204
    set_cookie = answer.headers["set-cookie"]
    assert set_cookie.startswith("tl_session=")
    for attribute in (
        "HttpOnly",
        "Path=/",
        "SameSite=lax",
        f"Max-Age={get_settings().web_session_days * 86400}",
    ):
        assert attribute in set_cookie, set_cookie
    assert "Secure" not in set_cookie  # the tests' public URL is http
    token = answer.cookies["tl_session"]
    assert _signed_in(token)
    client.cookies.clear()
    assert client.get(PROBE, cookies={"tl_session": token}).status_code == 404
    assert client.get(PROBE).status_code == 401

    again = client.post(SIGN_IN, json={"ticket": ticket}, headers={"Origin": OWN})
    assert again.status_code == 401
    _refused(again, "sign_in_ticket_used")
    assert "set-cookie" not in again.headers


def test_a_late_forged_or_foreign_ticket_is_refused(client, monkeypatch):
    org = make_org()
    ticket = _ticket(org.admin_id)
    forged = ticket[:-2] + ("AA" if not ticket.endswith("AA") else "BB")
    _refused(
        client.post(SIGN_IN, json={"ticket": forged}, headers={"Origin": OWN}),
        "sign_in_ticket_invalid",
    )

    # A page of another origin cannot sign the browser in (into the attacker's account).
    foreign = client.post(SIGN_IN, json={"ticket": ticket}, headers={"Origin": EVIL})
    assert foreign.status_code == 403
    _refused(foreign, "cross_origin_refused")

    monkeypatch.setattr(sign_in_tickets, "TICKET_SECONDS", -1)
    late = client.post(SIGN_IN, json={"ticket": ticket}, headers={"Origin": OWN})
    assert late.status_code == 401
    _refused(late, "sign_in_ticket_expired")


def test_signing_out_revokes_the_session_and_clears_the_cookie(client):
    org = make_org()
    token = _session_token(org.admin_id)

    answer = client.post(SIGN_OUT, headers={"Origin": OWN}, cookies={"tl_session": token})
    assert answer.status_code == 204
    cleared = answer.headers["set-cookie"]
    assert cleared.startswith('tl_session=""') and "Max-Age=0" in cleared and "HttpOnly" in cleared
    assert not _signed_in(token)  # a stolen copy stops working too
    client.cookies.clear()
    assert client.get(PROBE, cookies={"tl_session": token}).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},  # a sandboxed frame or a no-referrer form post
        {"Referer": f"{EVIL}/page"},
        {},  # a browser always names the origin of a POST; nothing named is refused too
    ],
    ids=["other-origin", "opaque-origin", "other-referer", "no-origin"],
)
def test_a_cross_origin_post_with_the_cookie_is_refused(client, headers):
    org = make_org()
    token = _session_token(org.admin_id)

    answer = client.post(SIGN_OUT, headers=headers, cookies={"tl_session": token})
    client.cookies.clear()
    assert answer.status_code == 403
    body = _refused(answer, "cross_origin_refused")
    assert "another site" in body["message"]
    assert "set-cookie" not in answer.headers
    assert _signed_in(token)


def test_a_same_origin_referer_is_enough(client):
    org = make_org()
    token = _session_token(org.admin_id)
    answer = client.post(
        SIGN_OUT, headers={"Referer": f"{OWN}/dashboard"}, cookies={"tl_session": token}
    )
    client.cookies.clear()
    assert answer.status_code == 204
    assert not _signed_in(token)


def test_downloads_stay_get_only(client):
    org = make_org()
    token = _session_token(org.admin_id)
    answer = client.post(PROBE, headers={"Origin": OWN}, cookies={"tl_session": token})
    client.cookies.clear()
    assert answer.status_code == 405
    assert _signed_in(token)


def test_the_cookie_is_secure_when_the_app_is_served_over_https(client, monkeypatch):
    monkeypatch.setenv("TRUELEVEL_PUBLIC_URL", "https://hire.example.com")
    get_settings.cache_clear()
    try:
        org = make_org()
        answer = client.post(
            SIGN_IN,
            json={"ticket": _ticket(org.admin_id)},
            headers={"Origin": "https://hire.example.com"},
        )
    finally:
        get_settings.cache_clear()
    client.cookies.clear()
    assert answer.status_code == 204
    assert "Secure" in answer.headers["set-cookie"]
