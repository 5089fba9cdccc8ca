"""Billing (product.md "Billing (Stripe)"): plans with an assessment quota per period, the
subscription gate of seed 001 (402 ``subscription_inactive`` / ``trial_expired``, 403
``quota_exceeded``), and Stripe webhooks that keep both in step with Stripe.

Off by default: with no ``TRUELEVEL_STRIPE_SECRET_KEY`` and no plan set by an admin, an
organisation is unlimited, as a self-hosted installation has always been. Interview credits
(seed 004) stay in ``backend.services.interviews.credits``, the one ledger; billing only grants
through it.

Modules: ``plans`` (the catalogue, Stripe prices → plans), ``periods`` (billing periods),
``accounts`` (an organisation's billing state, ``set_plan``), ``gate`` (the 402/403 checks),
``stripe_events`` (verified webhook events, each applied once).
"""
