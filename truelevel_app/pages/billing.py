"""Billing (admins only): the plan, subscription status, period and quota use, interview
credits with their recent ledger entries, and, while Stripe is configured, Checkout and the
Billing Portal through the same billing services the REST routes call."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx
from pydantic import ValidationError

from backend.db import session_scope
from backend.services.billing.checkout import CheckoutRequest, open_portal, start_checkout
from backend.services.billing.overview import BillingOverview, PlanOffer, billing_overview
from backend.services.errors import DomainError
from truelevel_app.components.feedback import error_callout, success_callout
from truelevel_app.components.layout import app_shell, page_header
from truelevel_app.components.tables import data_table
from truelevel_app.display import when
from truelevel_app.state import SIGNIN_ROUTE, AuthState

NOT_ALLOWED = "Only admins can see and manage billing."
CHECKOUT_MESSAGES = {
    "done": "Thank you: Stripe has your payment. The plan or credits appear here as soon as "
    "Stripe confirms it (usually within a minute); reload to see them.",
    "cancelled": "Checkout was cancelled; nothing was charged.",
}


class LedgerRow(TypedDict):
    date: str
    change: str
    reason: str
    balance: str


class PlanCard(TypedDict):
    key: str
    name: str
    quota: str
    credits: str


def _date(value) -> str:
    return value.strftime("%-d %b %Y") if value else "—"


def _quota(quota: int | None) -> str:
    return "unlimited" if quota is None else str(quota)


def _plan_card(offer: PlanOffer) -> PlanCard:
    return PlanCard(
        key=offer.key,
        name=offer.key.capitalize(),
        quota=f"{_quota(offer.assessment_quota)} assessments a month",
        credits=f"{offer.included_credits} interview credits a month",
    )


class BillingState(AuthState):
    loading: bool = True
    allowed: bool = False
    error: str = ""
    notice: str = ""
    billing_on: bool = False
    stripe_on: bool = False
    plan: str = ""
    status_text: str = ""
    status_ok: bool = False
    period: str = ""
    usage: str = ""
    credits: str = ""
    ledger: rx.Field[list[LedgerRow]] = rx.field(default_factory=list)
    plans: rx.Field[list[PlanCard]] = rx.field(default_factory=list)
    sells_credits: bool = False
    can_open_portal: bool = False
    plan_changes_in_portal: bool = False
    set_plan_command: str = ""
    working: bool = False

    def _show(self, view: BillingOverview) -> None:
        self.billing_on, self.stripe_on = view.billing_on, view.stripe_on
        self.plan = view.plan or "No plan"
        self.status_text, self.status_ok = view.status_text, view.status_ok
        self.period = (
            f"{_date(view.period_start)} – {_date(view.period_end)}"
            if view.period_start
            else "No period yet"
        )
        self.usage = (
            f"{view.assessments_used} used (unlimited)"
            if view.assessment_quota is None
            else f"{view.assessments_used} of {view.assessment_quota} used"
        )
        self.credits = "unlimited" if view.credit_balance is None else str(view.credit_balance)
        self.ledger = [
            LedgerRow(
                date=when(line.created_at),
                change=f"{line.change:+d}",
                reason=line.reason_text,
                balance="—" if line.balance_after is None else str(line.balance_after),
            )
            for line in view.ledger
        ]
        self.plans = [_plan_card(offer) for offer in view.plans_for_sale]
        self.sells_credits, self.can_open_portal = view.sells_credits, view.can_open_portal
        self.plan_changes_in_portal = view.plan_changes_in_portal
        self.set_plan_command = view.set_plan_command

    @rx.event
    def load(self):
        member = self._resolve_member()
        if member is None:
            return rx.redirect(SIGNIN_ROUTE, replace=True)
        self.error = ""
        self.working = False
        self.allowed = self._authorise("manage_billing") is not None
        outcome = self.router.url.query_parameters.get("checkout", "")
        self.notice = CHECKOUT_MESSAGES.get(outcome, "") if self.allowed else ""
        if self.allowed:
            try:
                with session_scope() as session:
                    self._show(billing_overview(session, org_id=member.org_id))
            except Exception:
                self.error = "Billing could not be loaded. Try again in a moment."
        self.loading = False
        return None

    def _redirect_to(self, request: CheckoutRequest | None):
        """Start Checkout for ``request`` (the Billing Portal for None) and go there."""
        self.error = self.notice = ""
        admin = self._authorise("manage_billing")
        if admin is None:
            self.error = NOT_ALLOWED
            return None
        try:
            with session_scope() as session:
                if request is None:
                    target = open_portal(session, org_id=admin.org_id)
                else:
                    target = start_checkout(session, org_id=admin.org_id, request=request)
        except DomainError as exc:
            self.error = exc.message
            return None
        self.working = True
        return rx.redirect(target.url)

    @rx.event
    def choose_plan(self, plan: str):
        try:
            request = CheckoutRequest(plan=plan)  # type: ignore[arg-type]
        except ValidationError:
            self.error = "That plan is not on offer."
            return None
        return self._redirect_to(request)

    @rx.event
    def buy_credits(self, form_data: dict[str, str]):
        try:
            request = CheckoutRequest(credits=int(form_data.get("credits") or "0"))
        except (ValueError, ValidationError):
            self.error = "Credits to buy: a whole number from 1 to 100000."
            return None
        return self._redirect_to(request)

    @rx.event
    def manage_billing(self):
        return self._redirect_to(None)


def _figure(label: str, value, id: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(label, size="1", color_scheme="gray"),
            rx.text(value, size="4", weight="bold", id=id),
            spacing="1",
        ),
        width="100%",
    )


def _billing_off() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("infinity")),
        rx.vstack(
            rx.text(
                "Billing is off: everything is unlimited for this installation "
                "(no Stripe keys are configured and no plan is set).",
                weight="medium",
            ),
            rx.text("An administrator of the server can set a plan with:", size="2"),
            rx.code(BillingState.set_plan_command, id="set-plan-command"),
            spacing="2",
            align="start",
        ),
        color_scheme="gray",
        width="100%",
        id="billing-off",
    )


def _summary() -> rx.Component:
    return rx.grid(
        _figure("Plan", BillingState.plan, "billing-plan"),
        rx.card(
            rx.vstack(
                rx.text("Status", size="1", color_scheme="gray"),
                rx.badge(
                    BillingState.status_text,
                    color_scheme=rx.cond(BillingState.status_ok, "green", "red"),
                    size="2",
                    id="billing-status",
                ),
                spacing="1",
            ),
            width="100%",
        ),
        _figure("Current period", BillingState.period, "billing-period"),
        _figure("Assessments this period", BillingState.usage, "billing-usage"),
        _figure("Interview credits", BillingState.credits, "billing-credits"),
        columns=rx.breakpoints(initial="1", sm="2", lg="3"),
        spacing="3",
        width="100%",
    )


def _plan_choice(card) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(card["name"], size="3"),
            rx.text(card["quota"], size="2"),
            rx.text(card["credits"], size="2", color_scheme="gray"),
            rx.button(
                "Choose a plan",
                on_click=BillingState.choose_plan(card["key"]),
                loading=BillingState.working,
                class_name="choose-plan",
            ),
            spacing="2",
            align="start",
        ),
        class_name="plan-offer",
    )


def _stripe_actions() -> rx.Component:
    return rx.vstack(
        rx.cond(
            BillingState.plans.length() > 0,  # type: ignore[attr-defined]
            rx.vstack(
                rx.heading("Plans", size="4"),
                rx.hstack(rx.foreach(BillingState.plans, _plan_choice), wrap="wrap", spacing="3"),
                spacing="3",
                width="100%",
            ),
        ),
        rx.cond(
            BillingState.plan_changes_in_portal,
            rx.text(
                "To change plan, update the card or cancel, use Manage billing.",
                size="2",
                color_scheme="gray",
                id="plan-changes-in-portal",
            ),
        ),
        rx.hstack(
            rx.cond(
                BillingState.sells_credits,
                rx.form(
                    rx.hstack(
                        rx.input(
                            name="credits",
                            type="number",
                            min=1,
                            default_value="100",
                            aria_label="Credits to buy",
                            width="8rem",
                        ),
                        rx.button("Buy credits", type="submit", loading=BillingState.working),
                        spacing="2",
                    ),
                    on_submit=BillingState.buy_credits,
                    id="buy-credits-form",
                ),
            ),
            rx.cond(
                BillingState.can_open_portal,
                rx.button(
                    "Manage billing",
                    variant="soft",
                    on_click=BillingState.manage_billing,
                    loading=BillingState.working,
                    id="manage-billing",
                ),
            ),
            spacing="4",
            align="center",
        ),
        spacing="4",
        width="100%",
    )


def _ledger_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["date"]),
        rx.table.cell(row["change"]),
        rx.table.cell(row["reason"]),
        rx.table.cell(row["balance"]),
        class_name="ledger-row",
    )


def _billing() -> rx.Component:
    return rx.vstack(
        rx.cond(~BillingState.billing_on, _billing_off()),
        _summary(),
        rx.cond(BillingState.stripe_on, _stripe_actions()),
        rx.heading("Credit ledger", size="4"),
        data_table(
            columns=["Date", "Change", "Reason", "Balance after"],
            rows=BillingState.ledger,
            render_row=_ledger_row,
            loading=BillingState.loading,
            error=BillingState.error,
            empty_title="No credit changes yet",
            table_id="ledger-table",
        ),
        spacing="4",
        width="100%",
    )


@rx.page(route="/billing", title="Billing · truelevel", on_load=BillingState.load)
def billing_page() -> rx.Component:
    return app_shell(
        page_header("Billing", "Your plan, assessment quota and interview credits."),
        success_callout(BillingState.notice, id="billing-notice"),
        rx.cond(
            BillingState.allowed,
            _billing(),
            rx.cond(~BillingState.loading, error_callout(NOT_ALLOWED, id="billing-not-allowed")),
        ),
    )
