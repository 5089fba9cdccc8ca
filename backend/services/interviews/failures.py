"""Whose fault is a failed interview job? The one place that decides, per failure code, whether
the job's credits are refunded.

Seed 004: credits are charged when a job is accepted and "a rejected job charges nothing". A
job that fails because of the recording the customer sent (it cannot be decoded, or nobody
speaks in it) was work we did on their input: it is not refunded. Every other failure (a worker
lost, a model that would not load, GPU memory, an input we lost, a bug) is ours, and the charge
is refunded by a ledger entry written in the same transaction as the failure
(``jobs.fail``, ``credits.refund``). A code not listed here is treated as ours: an unknown
failure never costs the customer.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

# Failure code → why it is the customer's (shown with the failure).
CUSTOMER_FAULTS: dict[str, str] = {
    "audio_unreadable": "the recording could not be decoded",
    "no_speech": "no speech was found in the recording",
}


class FailureVerdict(BaseModel):
    """What a failure code means for the customer's credits."""

    model_config = ConfigDict(frozen=True)

    customer_fault: bool
    refund: bool
    reason: str  # why it is (not) refunded, in a sentence fragment


def judge(code: str) -> FailureVerdict:
    """The verdict on a failure ``code``: customer faults are kept, everything else refunded."""
    fault = CUSTOMER_FAULTS.get(code)
    if fault is not None:
        return FailureVerdict(
            customer_fault=True,
            refund=False,
            reason=f"not refunded: {fault}, a problem with the file sent",
        )
    return FailureVerdict(
        customer_fault=False,
        refund=True,
        reason=f"refunded: the job failed on our side ({code})",
    )
