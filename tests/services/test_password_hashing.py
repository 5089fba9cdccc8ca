"""Password hashing never holds up the event loop that serves every browser."""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import time

from backend.services.passwords import hash_password, verify_password
from tests.helpers import make_org


def test_the_web_apps_password_handlers_are_async():
    # Reflex runs a plain (sync) handler on its event loop; these await a worker thread.
    from truelevel_app.pages.account import AccountState
    from truelevel_app.pages.auth import SignInState, SignUpState
    from truelevel_app.pages.password_links import ForgotPasswordState, SetPasswordState

    for handler in (
        SignInState.submit,
        SignUpState.submit,
        SetPasswordState.submit,
        ForgotPasswordState.submit,
        AccountState.submit_password,
    ):
        assert inspect.isasyncgenfunction(handler.fn) or inspect.iscoroutinefunction(handler.fn)


def test_sign_ins_in_flight_leave_the_event_loop_responsive():
    from truelevel_app.pages.auth import _sign_in

    org = make_org()
    started = time.perf_counter()
    verify_password(org.password, hash_password(org.password))
    one_hash = time.perf_counter() - started

    async def scenario() -> tuple[float, float, list]:
        lags: list[float] = []
        done = asyncio.Event()

        async def ticker() -> None:
            while not done.is_set():
                before = time.perf_counter()
                await asyncio.sleep(0.005)
                lags.append(time.perf_counter() - before - 0.005)

        tick = asyncio.create_task(ticker())
        began = time.perf_counter()
        results = await asyncio.gather(
            *(
                asyncio.to_thread(_sign_in, org.admin_email, org.password, "192.0.2.1")
                for _ in range(4)
            ),
            return_exceptions=True,
        )
        took = time.perf_counter() - began
        done.set()
        await tick
        return took, max(lags), results

    # A loop of its own in a thread of its own: a browser test earlier in the session may have
    # left Playwright's loop set on this thread, where asyncio.run() refuses to start.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        took, worst_lag, results = pool.submit(asyncio.run, scenario()).result()
    assert all(not isinstance(r, BaseException) for r in results), results
    assert took >= 2 * one_hash * 0.5  # the sign-ins really hashed (a few rounds each)
    # The loop kept ticking while four Argon2 checks ran: no tick waited for a whole hash.
    assert worst_lag < max(0.05, one_hash / 2), (worst_lag, one_hash)
