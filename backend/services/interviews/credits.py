"""Interview credits (seed 004): 1 credit per started audio minute, charged when a job is
accepted, never twice, and nothing for a refused job.

``Organization.credit_balance`` is ``None`` while billing is off: every job is accepted, and its
usage is still written to the ledger. Otherwise the balance changes only here, always with a
``CreditLedgerEntry`` in the same transaction; a job's charge has the unique ``charge_key``
``job:<id>``, so a repeated charge (a retried request, a requeued job) changes nothing. A job
that fails through no fault of the customer's (``failures``) is refunded by an entry keyed
``refund:job:<id>``, unique too, so it is never refunded twice.
"""

from __future__ import annotations

import math

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select, update

from backend.models.interviews import CreditLedgerEntry
from backend.models.organisations import Organization
from backend.services.errors import InvalidInput, NotFound, PaymentRequired
from backend.settings import get_settings

EXHAUSTED_MESSAGE = "Credit balance exhausted. Subscribe to continue."


def credits_for(*, source: str, duration_s: float | None) -> int:
    """What a job costs: audio by its minutes (``credits_needed``); a transcript sent as text
    nothing, as seed 004 charges per audio minute and text has none."""
    if source == "transcript":
        return 0
    return credits_needed(duration_s)


def credits_needed(duration_s: float | None) -> int:
    """Credits for a recording of ``duration_s`` seconds: started minutes, at least 1."""
    if duration_s is None or not math.isfinite(duration_s) or duration_s <= 0:
        return 1
    return max(1, math.ceil(duration_s / 60.0))


def upgrade_url() -> str:
    """Where the 402 paywall sends an integrator."""
    settings = get_settings()
    return settings.billing_upgrade_url or f"{settings.public_url.rstrip('/')}/billing"


def charge_key(job_id: str) -> str:
    return f"job:{job_id}"


def refund_key(job_id: str) -> str:
    return f"refund:{charge_key(job_id)}"


def balance(session: Session, *, org_id: str) -> int | None:
    """The organisation's credit balance; None while billing is off (unlimited). With Stripe
    billing on, an organisation that never had a balance has none: 0, not unlimited."""
    row = session.exec(
        select(Organization.id, Organization.credit_balance).where(col(Organization.id) == org_id)
    ).first()
    if row is None:
        raise NotFound("Organisation not found.")
    if row[1] is None and get_settings().billing_enabled:
        return 0
    return row[1]


def _charged_before(session: Session, job_id: str) -> bool:
    return (
        session.exec(
            select(CreditLedgerEntry.id).where(
                col(CreditLedgerEntry.charge_key) == charge_key(job_id)
            )
        ).first()
        is not None
    )


def charge(
    session: Session, *, org_id: str, job_id: str, credits: int, commit: bool = True
) -> int | None:
    """Charge ``credits`` for job ``job_id`` and return the remaining balance (None: billing
    off). Atomic: one conditional UPDATE takes the credits only while the balance covers them,
    and the ledger entry goes in the same transaction. A job already charged is a no-op.

    Raises ``PaymentRequired`` (402 ``insufficient_credits``) when the balance is short; nothing
    is then changed. With ``commit=False`` the caller commits (the submission creates the job in
    the same transaction) and rolls back on any error."""
    if credits < 0:
        raise InvalidInput("A charge cannot be negative.")
    if _charged_before(session, job_id):
        return balance(session, org_id=org_id)
    taken = session.exec(
        update(Organization)
        .where(
            col(Organization.id) == org_id,
            col(Organization.credit_balance).is_not(None),
            col(Organization.credit_balance) >= credits,
        )
        .values(credit_balance=col(Organization.credit_balance) - credits)
    )
    remaining = balance(session, org_id=org_id)
    if taken.rowcount != 1 and remaining is not None:
        # Not our UPDATE: the balance was too low (it is not None, so billing is on).
        raise PaymentRequired(
            EXHAUSTED_MESSAGE,
            code="insufficient_credits",
            credits_needed=credits,
            upgrade_url=upgrade_url(),
        )
    session.add(
        CreditLedgerEntry(
            org_id=org_id,
            delta=-credits,
            reason="charge",
            charge_key=charge_key(job_id),
            job_id=job_id,
            balance_after=remaining,
        )
    )
    if not commit:
        session.flush()
        return remaining
    try:
        session.commit()
    except IntegrityError:
        # A concurrent charge for the same job won the unique charge_key: ours is undone with
        # the rollback (the UPDATE too), and theirs stands.
        session.rollback()
        return balance(session, org_id=org_id)
    return remaining


def _entry(session: Session, key: str) -> CreditLedgerEntry | None:
    return session.exec(
        select(CreditLedgerEntry).where(col(CreditLedgerEntry.charge_key) == key)
    ).first()


def refundable(session: Session, *, job_id: str) -> int:
    """Credits a refund of job ``job_id`` would give back: its charge, or 0 when it was not
    charged or is refunded already."""
    charged = _entry(session, charge_key(job_id))
    if charged is None or charged.delta >= 0 or _entry(session, refund_key(job_id)) is not None:
        return 0
    return -charged.delta


def refund(session: Session, *, job_id: str) -> int:
    """Give back what job ``job_id`` was charged and return how many credits (0: nothing to
    refund). The balance goes back up only if the charge took credits from it (billing was on
    then and still is); under billing off the entry reverses the recorded usage. Not committed:
    the caller commits it with the failure that warrants it, and the unique ``refund:job:<id>``
    key makes a second refund of the same job fail rather than count twice."""
    credits = refundable(session, job_id=job_id)
    if credits == 0:
        return 0
    charged = _entry(session, charge_key(job_id))
    assert charged is not None  # refundable() found it
    if charged.balance_after is not None:
        session.exec(
            update(Organization)
            .where(
                col(Organization.id) == charged.org_id,
                col(Organization.credit_balance).is_not(None),
            )
            .values(credit_balance=col(Organization.credit_balance) + credits)
        )
    session.add(
        CreditLedgerEntry(
            org_id=charged.org_id,
            delta=credits,
            reason="refund",
            charge_key=refund_key(job_id),
            job_id=job_id,
            balance_after=balance(session, org_id=charged.org_id),
        )
    )
    session.flush()
    return credits


def grant(
    session: Session,
    *,
    org_id: str,
    credits: int,
    reason: str = "grant",
    key: str | None = None,
    commit: bool = True,
) -> int:
    """Add ``credits`` to a billed organisation's balance; returns the new balance. Billing must
    be on (``set_balance`` turns it on): a grant to an unlimited organisation would mean
    nothing. With ``key`` (a purchase: ``invoice:<id>``), the grant happens once: the same key
    again changes nothing, and a concurrent twin fails on the unique key at commit. With
    ``commit=False`` the caller commits (a Stripe event is recorded in the same transaction)."""
    if credits <= 0:
        raise InvalidInput("A grant must add at least one credit.")
    if key is not None and _entry(session, key) is not None:
        current = balance(session, org_id=org_id)
        assert current is not None  # the first grant needed billing on
        return current
    changed = session.exec(
        update(Organization)
        .where(col(Organization.id) == org_id, col(Organization.credit_balance).is_not(None))
        .values(credit_balance=col(Organization.credit_balance) + credits)
    )
    if changed.rowcount != 1:
        session.rollback()
        balance(session, org_id=org_id)  # 404 for an unknown organisation
        raise InvalidInput(
            "Billing is off for this organisation (unlimited credits); set a balance first.",
            code="billing_off",
        )
    remaining = balance(session, org_id=org_id)
    session.add(
        CreditLedgerEntry(
            org_id=org_id,
            delta=credits,
            reason=reason[:32],
            charge_key=key,
            balance_after=remaining,
        )
    )
    if commit:
        session.commit()
    else:
        session.flush()
    assert remaining is not None
    return remaining


def set_balance(
    session: Session, *, org_id: str, credits: int | None, reason: str = "set_balance"
) -> int | None:
    """Set the balance outright: an integer turns billing on with that many credits, ``None``
    turns it off (unlimited). The change is in the ledger like every other."""
    if credits is not None and credits < 0:
        raise InvalidInput("A balance cannot be negative.")
    org = session.get(Organization, org_id, with_for_update=True, populate_existing=True)
    if org is None:
        raise NotFound("Organisation not found.")
    before = org.credit_balance
    org.credit_balance = credits
    session.add(org)
    session.add(
        CreditLedgerEntry(
            org_id=org_id,
            delta=(credits or 0) - (before or 0),
            reason=reason[:32],
            balance_after=credits,
        )
    )
    session.commit()
    return credits


def turn_on(session: Session, *, org_id: str) -> int:
    """Start counting an unlimited organisation's credits from 0 (its plan or a purchase grants
    them next); an organisation already counted keeps its balance. Not committed: the caller
    commits it with the change that warrants it. Returns the balance."""
    started = session.exec(
        update(Organization)
        .where(col(Organization.id) == org_id, col(Organization.credit_balance).is_(None))
        .values(credit_balance=0)
    )
    if started.rowcount == 1:
        session.add(CreditLedgerEntry(org_id=org_id, delta=0, reason="billing_on", balance_after=0))
        session.flush()
    current = balance(session, org_id=org_id)
    assert current is not None
    return current
