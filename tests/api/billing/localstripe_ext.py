"""localstripe (the real one, from PyPI) with a small extension for what it lacks, run as
``python localstripe_ext.py STATE_FILE`` by ``localstripe_server``: it listens on 127.0.0.1 on a
free port, prints that port on its first line, and keeps its state in STATE_FILE instead of the
shared ``/tmp/localstripe.pickle``.

localstripe serves customers, plans, subscriptions, invoices, payment methods and payment
intents, charges cards (4242… pays, 4000000000000341 attaches but is declined) and signs and sends
webhooks itself (``POST /_config/webhooks/{id}``). What it lacks, and this extension adds:

- Prices: ``POST /v1/prices`` and ``GET /v1/prices?lookup_keys[]=``; a recurring price is also a
  localstripe plan of the same id, and a subscription item shows its ``price`` (with the lookup
  key) as Stripe's API does today.
- Checkout Sessions: ``POST /v1/checkout/sessions`` answers a session whose ``url`` is a page
  here; posting its form (a card number) pays as a customer would: the card becomes the
  customer's, then a subscription is created (``mode=subscription``, through localstripe, which
  invoices and charges it) or a payment intent is charged (``mode=payment``), and
  ``checkout.session.completed`` is sent; then the page redirects to ``success_url``.
- Trials in Checkout: ``subscription_data[trial_period_days]`` starts the subscription
  ``trialing`` with a free invoice for the trial period (``invoice.paid``); with
  ``payment_method_collection=if_required`` the customer may pay without a card, and
  ``subscription_data[trial_settings][end_behavior][missing_payment_method]`` (``cancel``,
  ``pause`` or ``create_invoice``) says what the trial's end does without one.
- The Customer Portal: ``POST /v1/billing_portal/sessions`` answers a page whose forms switch the
  subscription to another recurring price (``customer.subscription.updated``) or cancel it
  (localstripe's own cancellation, which sends ``customer.subscription.deleted``).
- Stripe's events around invoices: ``invoice.paid`` beside localstripe's
  ``invoice.payment_succeeded``, and ``billing_reason`` (``subscription_create`` or
  ``subscription_cycle``) on a subscription's invoices.
- A test clock: ``POST /_test/subscriptions/{id}/advance`` starts the subscription's next period
  and charges its renewal invoice to the customer's card; a declined card sends
  ``invoice.payment_failed`` and ``customer.subscription.updated`` (past due), as Stripe does.
  A trialing subscription is moved past its trial's end instead: ``trial_will_end`` (Stripe sends
  it three days before), then the first paid period is invoiced (``invoice.paid`` and
  ``customer.subscription.updated`` to active; declined: ``invoice.payment_failed`` and past due)
  or, without a card, the trial's end behaviour applies (``customer.subscription.deleted``).
"""

from __future__ import annotations

import contextvars
import html
import pickle
import socket
import sys
import time

from aiohttp import web
from localstripe import resources, server
from localstripe.errors import UserError
from localstripe.resources import (
    Customer,
    Event,
    Invoice,
    PaymentIntent,
    PaymentMethod,
    Plan,
    StripeObject,
    Subscription,
    SubscriptionItem,
    store,
)

STATE_FILE = sys.argv[1] if len(sys.argv) > 1 else "localstripe-state.pickle"
BASE_URL = ""  # http://127.0.0.1:PORT, set at start


# --- A private state file -------------------------------------------------------------------


def _dump_to_disk(self) -> None:
    with open(STATE_FILE, "wb") as f:
        pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)


resources.Store.dump_to_disk = _dump_to_disk


# --- Events Stripe sends that localstripe does not --------------------------------------------

_send = resources.schedule_webhook
_invoice_reason: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "invoice_reason", default=None
)
# The trial (its end, a timestamp) of the subscription being created, where it has one.
_trial_until: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "trial_until", default=None
)


def _schedule_webhook(event: Event) -> None:
    _send(event)
    if event.type == "invoice.payment_succeeded":
        _send(Event("invoice.paid", Invoice._api_retrieve(event.data["object"]["id"])))


resources.schedule_webhook = _schedule_webhook

_invoice_init = Invoice.__init__


def _invoice_with_reason(self, *args, **kwargs) -> None:
    _invoice_init(self, *args, **kwargs)
    self.billing_reason = _invoice_reason.get() or self.billing_reason


Invoice.__init__ = _invoice_with_reason
_create_invoice = Subscription._create_invoice


def _subscription_invoice(self) -> None:
    trial_end = _trial_until.get()
    if trial_end is not None and not self.latest_invoice:
        _start_trial(self, trial_end)
        return
    reason = "subscription_cycle" if self.latest_invoice else "subscription_create"
    token = _invoice_reason.set(reason)
    try:
        _create_invoice(self)
    finally:
        _invoice_reason.reset(token)


Subscription._create_invoice = _subscription_invoice


def _start_trial(sub: Subscription, trial_end: int) -> None:
    """What Stripe does for a subscription created with a trial: ``trialing`` until
    ``trial_end``, and a first invoice of nothing for the trial period, paid at once."""
    sub.trial_start, sub.trial_end = sub.start_date, trial_end
    token = _invoice_reason.set("subscription_create")
    try:
        invoice = Invoice(customer=sub.customer, subscription=sub.id, date=sub.start_date)
    finally:
        _invoice_reason.reset(token)
    invoice._finalize()
    invoice._on_payment_success()  # invoice.payment_succeeded (and invoice.paid); it sets active
    sub.status = "trialing"


def _current_period(sub: Subscription) -> dict[str, int]:
    """The trial is the first period while it runs (as Stripe has it); then localstripe's."""
    trial_end = getattr(sub, "trial_end", None)
    if trial_end and sub.start_date < trial_end:
        return {"start": sub.start_date, "end": trial_end}
    return sub.items._list[0]._current_period()


Subscription.current_period_start = property(lambda self: _current_period(self)["start"])
Subscription.current_period_end = property(lambda self: _current_period(self)["end"])


# --- Prices -----------------------------------------------------------------------------------


class Price(StripeObject):
    object = "price"
    _id_prefix = "price_"

    def __init__(
        self,
        currency=None,
        unit_amount=None,
        lookup_key=None,
        recurring=None,
        product_data=None,
        metadata=None,
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        try:
            unit_amount = int(unit_amount)
            assert unit_amount >= 0 and isinstance(currency, str) and currency
            assert recurring is None or recurring.get("interval") in ("day", "month", "year")
        except (TypeError, ValueError, AssertionError):
            raise UserError(400, "Bad request") from None
        if lookup_key is not None and _price_by_lookup_key(lookup_key) is not None:
            raise UserError(400, f"A price already has the lookup key {lookup_key}")
        super().__init__()
        self.currency = currency
        self.unit_amount = unit_amount
        self.lookup_key = lookup_key
        self.recurring = recurring
        self.type = "recurring" if recurring else "one_time"
        self.active = True
        self.metadata = metadata or {}
        name = (product_data or {}).get("name") or lookup_key or self.id
        if recurring:  # what localstripe's subscriptions are made of
            plan = Plan(
                id=self.id,
                amount=unit_amount,
                currency=currency,
                interval=recurring["interval"],
                product={"name": name},
            )
            self.product = plan.product
        else:
            self.product = resources.Product(name=name).id


def _price_by_lookup_key(key: str) -> Price | None:
    found = [p for k, p in store.items() if k.startswith("price:") and p.lookup_key == key]
    return found[0] if found else None


def _list_prices(lookup_keys=None, limit=None, **_ignored):
    listed = resources.List("/v1/prices", limit=limit)
    prices = [p for k, p in store.items() if k.startswith("price:")]
    if lookup_keys is not None:
        keys = lookup_keys if isinstance(lookup_keys, list) else [lookup_keys]
        prices = [p for p in prices if p.lookup_key in keys]
    listed._list = prices
    return listed


SubscriptionItem.price = property(lambda self: store.get(f"price:{self.plan.id}"))


# --- Checkout Sessions and the Customer Portal --------------------------------------------------


class CheckoutSession(StripeObject):
    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode=None,
        customer=None,
        line_items=None,
        success_url=None,
        cancel_url=None,
        client_reference_id=None,
        metadata=None,
        subscription_data=None,
        payment_method_collection="always",
        **kwargs,
    ):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        subscription_data = subscription_data or {}
        try:
            assert mode in ("subscription", "payment")
            assert payment_method_collection in ("always", "if_required")
            trial_days = subscription_data.get("trial_period_days")
            trial_days = None if trial_days is None else int(trial_days)
            assert trial_days is None or (mode == "subscription" and trial_days >= 1)
            end_behavior = (subscription_data.get("trial_settings") or {}).get("end_behavior") or {
                "missing_payment_method": "create_invoice"
            }
            assert end_behavior.get("missing_payment_method") in (
                "cancel",
                "pause",
                "create_invoice",
            )
            assert isinstance(customer, str) and customer.startswith("cus_")
            assert isinstance(line_items, list) and len(line_items) == 1
            assert isinstance(success_url, str) and isinstance(cancel_url, str)
            quantity = int(line_items[0].get("quantity", 1))
            assert quantity > 0
        except (AssertionError, TypeError, ValueError):
            raise UserError(400, "Bad request") from None
        Customer._api_retrieve(customer)  # 404 for an unknown customer
        price = Price._api_retrieve(line_items[0].get("price") or "")
        if (mode == "subscription") != (price.type == "recurring"):
            raise UserError(400, f"A {price.type} price cannot be sold in {mode} mode")
        super().__init__()
        self.mode = mode
        self.customer = customer
        self.client_reference_id = client_reference_id
        self.metadata = metadata or {}
        self.success_url = success_url
        self.cancel_url = cancel_url
        self.currency = price.currency
        self.amount_total = price.unit_amount * quantity
        self.status = "open"
        self.payment_status = "unpaid"
        self.subscription = None
        self.payment_intent = None
        self.url = f"{BASE_URL}/_checkout/{self.id}"
        self.line_items = {  # Stripe lists them on request (expand); shown here always
            "object": "list",
            "data": [
                {"price": {"id": price.id, "lookup_key": price.lookup_key}, "quantity": quantity}
            ],
        }
        self._price = price.id
        self._quantity = quantity
        self._subscription_metadata = subscription_data.get("metadata") or {}
        self._trial_days = trial_days
        self._trial_settings = {"end_behavior": end_behavior}
        # Stripe asks for no card where nothing is due now (a trial) and the session allows it.
        self.payment_method_collection = payment_method_collection
        self._card_optional = trial_days is not None and payment_method_collection == "if_required"

    def _pay(self, card_number: str) -> None:
        """What Stripe does when the customer pays on its page."""
        if self.status != "open":
            raise UserError(400, "This Checkout session is not open")
        if card_number or not self._card_optional:
            _give_card(self.customer, card_number or "missing")
        if self.mode == "subscription":
            trial_end = int(time.time()) + self._trial_days * 86400 if self._trial_days else None
            token = _trial_until.set(trial_end)
            try:
                sub = Subscription(
                    customer=self.customer,
                    items=[{"plan": self._price, "quantity": self._quantity}],
                    metadata=dict(self._subscription_metadata),
                )
            finally:
                _trial_until.reset(token)
            sub.trial_settings = self._trial_settings
            if sub.status not in ("active", "trialing"):
                raise UserError(402, "Your card was declined.", {"code": "card_declined"})
            self.subscription = sub.id
        else:
            intent = PaymentIntent(
                amount=self.amount_total,
                currency=self.currency,
                customer=self.customer,
                payment_method=_card_of(self.customer),
            )
            intent._confirm(on_failure_now=intent._report_failure)
            self.payment_intent = intent.id
        self.status = "complete"
        self.payment_status = "no_payment_required" if self._trial_days else "paid"
        self.url = None
        resources.schedule_webhook(Event("checkout.session.completed", self))


def _give_card(customer: str, number: str) -> None:
    """The card becomes the customer's default payment method (402 when it is declined)."""
    card = PaymentMethod(
        type="card", card={"number": number, "exp_month": 12, "exp_year": 2040, "cvc": "123"}
    )
    PaymentMethod._api_attach(card.id, customer=customer)
    Customer._api_update(customer, invoice_settings={"default_payment_method": card.id})


def _card_of(customer: str) -> str | None:
    return (Customer._api_retrieve(customer).invoice_settings or {}).get("default_payment_method")


class PortalSession(StripeObject):
    object = "billing_portal.session"
    _id_prefix = "bps_"

    def __init__(self, customer=None, return_url=None, **kwargs):
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs.keys()))
        if not isinstance(customer, str) or not isinstance(return_url, str):
            raise UserError(400, "Bad request")
        Customer._api_retrieve(customer)
        super().__init__()
        self.customer = customer
        self.return_url = return_url
        self.url = f"{BASE_URL}/_portal/{self.id}"


def _advance(id=None, **_ignored):
    """A test clock moved to the end of the subscription's period: the next period starts and
    its invoice is charged to the customer's card."""
    sub = Subscription._api_retrieve(id)
    if sub.status == "trialing":
        return _end_trial(sub)
    if sub.status not in ("active", "past_due"):
        raise UserError(400, f"A {sub.status} subscription does not renew")
    sub.start_date = sub.current_period_end
    sub._create_invoice()
    invoice = Invoice._api_retrieve(sub.latest_invoice)
    if invoice.status != "paid":  # localstripe marks it past due without telling anyone
        resources.schedule_webhook(Event("invoice.payment_failed", invoice))
        resources.schedule_webhook(Event("customer.subscription.updated", sub))
    return sub


def _end_trial(sub: Subscription) -> Subscription:
    """The test clock moved past the trial's end, with Stripe's events on the way: the notice
    three days before, then the first paid period charged to the customer's card; without a
    card, the trial's end behaviour (cancel, pause, or an invoice that cannot be paid)."""
    resources.schedule_webhook(Event("customer.subscription.trial_will_end", sub))
    sub.start_date = sub.trial_end
    behaviour = getattr(sub, "trial_settings", {})["end_behavior"]["missing_payment_method"]
    if _card_of(sub.customer) is None and behaviour == "cancel":
        sub.status, sub.ended_at, sub.canceled_at = "canceled", sub.trial_end, sub.trial_end
        resources.schedule_webhook(Event("customer.subscription.deleted", sub))
        return sub
    if _card_of(sub.customer) is None and behaviour == "pause":
        sub.status = "paused"
        resources.schedule_webhook(Event("customer.subscription.updated", sub))
        return sub
    token = _invoice_reason.set("subscription_cycle")
    try:
        invoice = Invoice(customer=sub.customer, subscription=sub.id, items=list(sub.items._list))
    finally:
        _invoice_reason.reset(token)
    invoice._finalize()
    if _card_of(sub.customer) is not None:
        Invoice._api_pay_invoice(invoice.id)  # sends invoice.paid when the card pays
    if invoice.status == "paid":
        sub.status = "active"
    else:
        sub.status = "past_due"
        resources.schedule_webhook(Event("invoice.payment_failed", invoice))
    resources.schedule_webhook(Event("customer.subscription.updated", sub))
    return sub


def _switch_plan(sub: Subscription, price_id: str) -> None:
    """What the Portal's plan change does: the subscription's one item takes the new recurring
    price (localstripe prorates it into the next invoice), and Stripe says so."""
    price = Price._api_retrieve(price_id)
    if price.type != "recurring":
        raise UserError(400, "Only a recurring price is a plan")
    item = sub.items._list[0]
    sub._update(items=[{"id": item.id, "plan": price.id, "quantity": item.quantity}])
    resources.schedule_webhook(Event("customer.subscription.updated", sub))


# --- Pages a person uses ----------------------------------------------------------------------

PAGE = """<!doctype html><html><head><title>{title}</title></head><body>
<h1>{title}</h1><p>{text}</p>
<form method="post">{fields}<button type="submit" id="{button_id}">{button}</button></form>
</body></html>"""


async def checkout_page(request: web.Request) -> web.Response:
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    if request.method == "GET":
        amount = f"{session.amount_total / 100:.2f} {session.currency.upper()}"
        trial = f" after a {session._trial_days}-day free trial" if session._trial_days else ""
        card = "" if session._card_optional else "4242424242424242"
        return web.Response(
            content_type="text/html",
            text=PAGE.format(
                title="Checkout (localstripe)",
                text=html.escape(f"{session.mode}: {amount}{trial}"),
                fields=f'<input name="card" id="card" value="{card}">',
                button_id="pay",
                button="Pay",
            ),
        )
    form = await request.post()
    session._pay(str(form.get("card", "4242424242424242")))
    store.dump_to_disk()
    raise web.HTTPSeeOther(session.success_url)


SWITCH_FORM = """<form method="post" class="switch-plan">
<input type="hidden" name="price" value="{price}">
<button type="submit" id="switch-to-{key}">Switch to {key}</button></form>"""


def _plans_to_switch_to(subs: list[Subscription]) -> str:
    """A form per recurring price the customer is not on (their one live subscription)."""
    live = [s for s in subs if s.status in ("trialing", "active", "past_due")]
    if len(live) != 1:
        return ""
    current = live[0].items._list[0].plan.id
    prices = [p for k, p in store.items() if k.startswith("price:") and p.type == "recurring"]
    return "".join(
        SWITCH_FORM.format(price=p.id, key=html.escape(p.lookup_key or p.id))
        for p in prices
        if p.id != current
    )


async def portal_page(request: web.Request) -> web.Response:
    """The Customer Portal: switch plans (a form per other price) or cancel (the last form; a
    post without a price cancels, as ``LocalStripe.cancel_in_portal`` does)."""
    portal = PortalSession._api_retrieve(request.match_info["id"])
    subs = Subscription._api_list_all(None, customer=portal.customer)._list
    if request.method == "GET":
        shown = ", ".join(
            f"{s.id}: {s.status} on {s.items._list[0].price.lookup_key}" for s in subs
        )
        return web.Response(
            content_type="text/html",
            text=PAGE.format(
                title="Billing portal (localstripe)",
                text=html.escape(shown or "none"),
                fields="",
                button_id="cancel-subscription",
                button="Cancel subscription",
            ).replace("<form", _plans_to_switch_to(subs) + "<form", 1),
        )
    form = await request.post()
    if form.get("price"):
        live = [s for s in subs if s.status in ("trialing", "active", "past_due")]
        if len(live) != 1:
            raise UserError(400, "No subscription to change")
        _switch_plan(live[0], str(form["price"]))
    else:
        for sub in subs:
            Subscription._api_delete(sub.id)
    store.dump_to_disk()
    raise web.HTTPSeeOther(portal.return_url)


@web.middleware
async def pages_are_public(request: web.Request, handler):
    """The Checkout and Portal pages are a person's, who has no API key."""
    if request.path.startswith(("/_checkout/", "/_portal/")):
        return await handler(request)
    return await server.auth_middleware(request, handler)


def main() -> None:
    global BASE_URL
    app = server.app
    app.middlewares[app.middlewares.index(server.auth_middleware)] = pages_are_public
    for cls, path in (
        (Price, "/v1/prices"),
        (CheckoutSession, "/v1/checkout/sessions"),
        (PortalSession, "/v1/billing_portal/sessions"),
    ):
        app.router.add_post(path, server.api_create(cls, path))
        app.router.add_get(path + "/{id}", server.api_retrieve(cls, path))
    app.router.add_get("/v1/prices", server.api_extra(_list_prices, "/v1/prices"))
    app.router.add_post(
        "/_test/subscriptions/{id}/advance", server.api_extra(_advance, "/_test/subscriptions")
    )
    app.router.add_route("*", "/_checkout/{id}", checkout_page)
    app.router.add_route("*", "/_portal/{id}", portal_page)

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    BASE_URL = f"http://127.0.0.1:{port}"
    print(port, flush=True)
    web.run_app(app, sock=sock, print=None, access_log=None)


if __name__ == "__main__":
    main()
