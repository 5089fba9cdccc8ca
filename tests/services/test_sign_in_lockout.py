"""Sign-in lockout: ten wrong passwords lock an account, too many failures lock an address,
counted in the database (so every web host sees them) and lifted after the documented time."""

from __future__ import annotations

from datetime import timedelta

import pytest

from backend.models.base import utcnow
from backend.services import throttle
from backend.services.errors import Unauthorized
from backend.services.sign_in import sign_in
from backend.services.throttle import ACCOUNT_SIGN_IN, ADDRESS_SIGN_IN, Throttled
from tests.helpers import make_org

HOME = "198.51.100.7"


def _wrong(db, email: str, address: str = HOME) -> None:
    with pytest.raises(Unauthorized, match="Email or password is incorrect"):
        sign_in(db, email=email, password="not the password at all", client_address=address)


def test_the_eleventh_wrong_password_locks_the_account_even_for_the_right_one(db):
    org = make_org()
    for _ in range(ACCOUNT_SIGN_IN.limit):
        _wrong(db, org.admin_email)
    with pytest.raises(Throttled, match="locked after 10 wrong passwords") as eleventh:
        sign_in(db, email=org.admin_email, password="still wrong", client_address=HOME)
    assert eleventh.value.status_code == 429
    assert 14 * 60 < eleventh.value.retry_after <= 15 * 60
    assert "Try again in 15 minutes" in eleventh.value.message
    # The right password, from another address, is refused too while the lock holds.
    with pytest.raises(Throttled, match="locked"):
        sign_in(db, email=org.admin_email, password=org.password, client_address="192.0.2.99")
    # Another account is not affected.
    other = make_org()
    assert sign_in(db, email=other.admin_email, password=other.password, client_address=HOME)


def test_the_lock_lifts_fifteen_minutes_after_the_tenth_failure(db):
    org = make_org()
    account = [(ACCOUNT_SIGN_IN, org.admin_email)]
    for _ in range(ACCOUNT_SIGN_IN.limit):
        throttle.record(db, account, now=utcnow() - timedelta(minutes=14))
    with pytest.raises(Throttled) as locked:
        sign_in(db, email=org.admin_email, password=org.password, client_address=HOME)
    assert locked.value.retry_after <= 60
    throttle.forget(db, reset=account)
    for _ in range(ACCOUNT_SIGN_IN.limit):
        throttle.record(db, account, now=utcnow() - timedelta(minutes=15, seconds=1))
    member = sign_in(db, email=org.admin_email, password=org.password, client_address=HOME)
    assert member.email == org.admin_email


def test_a_success_resets_the_accounts_count(db):
    org = make_org()
    for _ in range(ACCOUNT_SIGN_IN.limit - 1):
        _wrong(db, org.admin_email)
    sign_in(db, email=org.admin_email, password=org.password, client_address=HOME)
    for _ in range(ACCOUNT_SIGN_IN.limit - 1):
        _wrong(db, org.admin_email)
    # 18 wrong passwords in all, but never 10 without a success between: still open.
    assert sign_in(db, email=org.admin_email, password=org.password, client_address=HOME)


def test_unknown_accounts_lock_alike_so_the_lock_reveals_nothing(db):
    email = "nobody-here@example.com"
    throttle.record(db, [(ACCOUNT_SIGN_IN, email)] * ACCOUNT_SIGN_IN.limit)
    with pytest.raises(Throttled, match="locked after 10 wrong passwords"):
        sign_in(db, email=email.upper(), password="whatever it is", client_address=HOME)


def test_an_address_with_too_many_failures_is_refused_for_every_account(db):
    org = make_org()
    throttle.record(db, [(ADDRESS_SIGN_IN, HOME)] * (ADDRESS_SIGN_IN.limit - 1))
    _wrong(db, "someone-else@example.com")  # the 30th failure from this address
    with pytest.raises(Throttled, match="Too many failed sign-ins from your network"):
        sign_in(db, email=org.admin_email, password=org.password, client_address=HOME)
    # The same account from another address is fine, and a success does not clear the address.
    assert sign_in(db, email=org.admin_email, password=org.password, client_address="192.0.2.5")
    with pytest.raises(Throttled):
        sign_in(db, email=org.admin_email, password=org.password, client_address=HOME)


def test_closed_until_follows_the_latest_run_of_failures():
    now = utcnow()
    rule = throttle.Rule("t", 3, timedelta(minutes=10), timedelta(minutes=5))
    spread = [now - timedelta(minutes=m) for m in (30, 18, 6)]  # never 3 within 10 minutes
    assert throttle.closed_until(spread, rule, now) is None
    burst = [now - timedelta(minutes=m) for m in (4, 3, 2)]
    assert throttle.closed_until(burst, rule, now) == burst[-1] + rule.lockout
