"""The real ``localstripe`` (PyPI) as Stripe for the billing tests, with the small extension in
``localstripe_ext.py`` for what it lacks (Prices, Checkout, the Customer Portal, a test clock):
one process on 127.0.0.1 on a free port, its state in a private file, stopped at the end.

The app's ``stripe`` library talks to it through ``TRUELEVEL_STRIPE_API_BASE``; localstripe
signs its events with the webhook secret and posts them to the app's webhook route, as Stripe
does. The test plays the customer (``pay`` on the Checkout page, ``cancel`` in the Portal) and
Stripe's own side (``change_card``, ``advance``)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

EXTENSION = Path(__file__).with_name("localstripe_ext.py")
API_KEY = "sk_test_billing"  # localstripe takes any sk_ key
GOOD_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000341"  # attaches, then every charge is declined
# The prices the tests sell, by lookup key (what TRUELEVEL_STRIPE_PRICE_* name):
# (unit amount in cents, monthly).
PRICES = {
    "truelevel_starter_monthly": (1900, True),
    "truelevel_team_monthly": (4900, True),
    "truelevel_interview_credit": (100, False),
}


@dataclass
class LocalStripe:
    url: str

    def _http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, auth=(API_KEY, ""), timeout=30)

    def call(self, method: str, path: str, **form: Any) -> dict[str, Any]:
        """Stripe's API as its own side uses it (form fields already flattened)."""
        with self._http() as http:
            response = http.request(method, path, data=form or None)
        assert response.status_code == 200, f"{method} {path}: {response.text}"
        return response.json() if response.content else {}

    def create_price(self, lookup_key: str, *, unit_amount: int, monthly: bool) -> str:
        form = {"currency": "eur", "unit_amount": unit_amount, "lookup_key": lookup_key}
        if monthly:
            form["recurring[interval]"] = "month"
        return self.call("POST", "/v1/prices", **form)["id"]

    def create_prices(self) -> None:
        """The plans' and the credit's prices (``PRICES``)."""
        for key, (amount, monthly) in PRICES.items():
            self.create_price(key, unit_amount=amount, monthly=monthly)

    def send_webhooks_to(self, url: str, secret: str) -> None:
        """localstripe signs every event with ``secret`` and posts it to ``url``."""
        self.call("POST", "/_config/webhooks/truelevel", url=url, secret=secret)

    def pay(self, checkout_url: str, *, card: str = GOOD_CARD) -> httpx.Response:
        """The customer pays on the Checkout page and is sent back to ``success_url``; an empty
        ``card`` gives none (a trial that asks for none)."""
        assert checkout_url.startswith(self.url + "/_checkout/"), checkout_url
        return httpx.post(checkout_url, data={"card": card}, timeout=30)

    def cancel_in_portal(self, portal_url: str) -> httpx.Response:
        """The customer cancels their subscription in the Customer Portal."""
        assert portal_url.startswith(self.url + "/_portal/"), portal_url
        return httpx.post(portal_url, timeout=30)

    def switch_in_portal(self, portal_url: str, lookup_key: str) -> httpx.Response:
        """The customer moves their subscription to the plan priced ``lookup_key`` in the
        Customer Portal."""
        assert portal_url.startswith(self.url + "/_portal/"), portal_url
        (price,) = self.call("GET", f"/v1/prices?lookup_keys[]={lookup_key}")["data"]
        return httpx.post(portal_url, data={"price": price["id"]}, timeout=30)

    def change_card(self, customer: str, number: str) -> None:
        """The customer's card is now ``number`` (what the Portal's card form does)."""
        card = self.call(
            "POST",
            "/v1/payment_methods",
            type="card",
            **{"card[number]": number, "card[exp_month]": 12, "card[exp_year]": 2040},
            **{"card[cvc]": "123"},
        )
        self.call("POST", f"/v1/payment_methods/{card['id']}/attach", customer=customer)
        self.call(
            "POST",
            f"/v1/customers/{customer}",
            **{"invoice_settings[default_payment_method]": card["id"]},
        )

    def subscriptions(self, customer: str) -> list[dict[str, Any]]:
        return self.call("GET", f"/v1/subscriptions?customer={customer}&status=all")["data"]

    def advance(self, subscription_id: str) -> dict[str, Any]:
        """The test clock reaches the period's end: the renewal invoice is charged (a trialing
        subscription: the trial's end, with what Stripe does there)."""
        return self.call("POST", f"/_test/subscriptions/{subscription_id}/advance")

    def events(self, customer: str) -> list[dict[str, Any]]:
        """Every event localstripe sent about ``customer``."""
        listed = self.call("GET", "/v1/events?limit=10000")["data"]
        return [
            e
            for e in listed
            if customer in (e["data"]["object"].get("customer"), e["data"]["object"].get("id"))
        ]


@contextmanager
def localstripe_server(state_dir: Path) -> Iterator[LocalStripe]:
    """localstripe with the extension, its state in ``state_dir``; stopped on the way out."""
    log = (state_dir / "localstripe.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, str(EXTENSION), str(state_dir / "localstripe.pickle")],
        cwd=state_dir,
        stdout=subprocess.PIPE,
        stderr=log,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 30)
        line = process.stdout.readline().decode().strip() if ready else ""
        if not line.isdigit():
            raise RuntimeError(f"localstripe did not start: {_tail(state_dir)}")
        server = LocalStripe(url=f"http://127.0.0.1:{line}")
        deadline = time.monotonic() + 30
        while True:
            try:
                with server._http() as http:
                    if http.get("/v1/customers?limit=1").status_code == 200:
                        break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"localstripe does not answer: {_tail(state_dir)}")
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _tail(state_dir: Path) -> str:
    return (state_dir / "localstripe.log").read_text(errors="replace")[-2000:]
