"""The plans on offer and how a Stripe price maps to one.

Each plan has a lookup key, an assessment quota per period (None: unlimited) and the interview
credits included in each paid period. A Stripe subscription names its plan through its price:
the price's lookup key or id is matched against ``TRUELEVEL_STRIPE_PRICE_<PLAN>``.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.settings import get_settings


class Plan(BaseModel):
    key: str = Field(min_length=1, max_length=64)
    assessment_quota: int | None = Field(default=None, ge=0)
    included_credits: int = Field(default=0, ge=0)


CATALOGUE: dict[str, Plan] = {
    "starter": Plan(key="starter", assessment_quota=10, included_credits=120),
    "team": Plan(key="team", assessment_quota=50, included_credits=600),
    "scale": Plan(key="scale", assessment_quota=None, included_credits=3000),
}


def _prices() -> dict[str, str]:
    settings = get_settings()
    return {
        "starter": settings.stripe_price_starter,
        "team": settings.stripe_price_team,
        "scale": settings.stripe_price_scale,
    }


def plan_for_price(*, lookup_key: str | None, price_id: str | None) -> Plan | None:
    """The plan whose configured Stripe price is this one (by lookup key or id), if any."""
    for key, configured in _prices().items():
        if configured and configured in (lookup_key, price_id):
            return CATALOGUE[key]
    return None


def custom_plan(
    key: str, *, assessment_quota: int | None = None, included_credits: int | None = None
) -> Plan:
    """A catalogue plan with an admin's overrides, or an admin's own plan (unlimited quota and
    no credits unless told)."""
    base = CATALOGUE.get(key, Plan(key=key))
    return Plan(
        key=key,
        assessment_quota=base.assessment_quota if assessment_quota is None else assessment_quota,
        included_credits=base.included_credits if included_credits is None else included_credits,
    )
