"""Billing tests: Stripe switched on for one test (settings re-read either side), a real uvicorn
server for concurrent requests, and an organisation per test."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from tests.api.billing.helpers import WEBHOOK_SECRET
from tests.api.billing.localstripe_server import LocalStripe, localstripe_server
from tests.helpers import OrgHandle, make_org


@pytest.fixture()
def org() -> OrgHandle:
    return make_org()


@pytest.fixture()
def stripe_on(monkeypatch) -> Iterator[None]:
    """Billing on, as an installation with Stripe keys and plan prices configured."""
    from backend.settings import get_settings

    for name, value in {
        "TRUELEVEL_STRIPE_SECRET_KEY": "sk_test_billing",
        "TRUELEVEL_STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TRUELEVEL_STRIPE_PRICE_STARTER": "truelevel_starter_monthly",
        "TRUELEVEL_STRIPE_PRICE_TEAM": "truelevel_team_monthly",
        "TRUELEVEL_PUBLIC_URL": "https://hire.example.com",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def live_server(api_app) -> Iterator[str]:
    """The API served by uvicorn on a free port in a thread: concurrent requests over HTTP."""
    import uvicorn

    config = uvicorn.Config(api_app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory) -> Iterator[LocalStripe]:
    """The real localstripe (with the tests' extension), the plans' prices created in it."""
    with localstripe_server(tmp_path_factory.mktemp("localstripe")) as server:
        server.create_prices()
        yield server


@pytest.fixture()
def stripe_live(stripe_on, localstripe, live_server, monkeypatch) -> Iterator[LocalStripe]:
    """Billing on against localstripe, whose signed events reach the app's webhook route."""
    from backend.settings import get_settings

    monkeypatch.setenv("TRUELEVEL_STRIPE_API_BASE", localstripe.url)
    monkeypatch.setenv("TRUELEVEL_STRIPE_PRICE_CREDIT", "truelevel_interview_credit")
    get_settings.cache_clear()
    localstripe.send_webhooks_to(f"{live_server}/api/v1/billing/stripe/webhook", WEBHOOK_SECRET)
    yield localstripe
    get_settings.cache_clear()
