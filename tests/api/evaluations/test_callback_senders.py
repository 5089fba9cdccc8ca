"""Two senders deliver callbacks at the same time (two workers' overlapping minute sweeps) to a
real local receiver: every event is POSTed exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlmodel import col, select

from backend.db import session_scope
from backend.models import Evaluation
from backend.services.evaluations import callbacks
from tests.api.evaluations.helpers import finish_automated, submit
from tests.helpers import make_org
from tests.webhook_receiver import Receiver

EVENTS = 12
SENDERS = 2


def _pending(ids: list[str]) -> int:
    with session_scope() as db:
        states = db.exec(select(Evaluation.callback_state).where(col(Evaluation.id).in_(ids)))
        return sum(state == "pending" for state in states)


def test_two_concurrent_senders_post_each_event_exactly_once(client, local_urls_allowed):
    org = make_org()
    # Each answer takes a moment, as a real ATS's does, so the two senders overlap.
    with Receiver(delay_s=0.05) as receiver:
        ids = [submit(client, org, callback_url=receiver.url)["id"] for _ in range(EVENTS)]
        for evaluation_id in ids:
            finish_automated(evaluation_id)  # the automated result queues a callback
        assert _pending(ids) == EVENTS

        start = threading.Barrier(SENDERS)
        errors: list[BaseException] = []

        def sender() -> None:
            try:
                start.wait()
                # A sweep sends at most a batch; other tests' rows may be due too.
                deadline = time.monotonic() + 60
                while _pending(ids) and time.monotonic() < deadline:
                    with session_scope() as db:
                        callbacks.deliver_due(db)
            except BaseException as exc:  # surfaced in the test's thread below
                errors.append(exc)

        threads = [threading.Thread(target=sender) for _ in range(SENDERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert not errors, errors
    assert _pending(ids) == 0
    ours = {f"{evaluation_id}.awaiting_review" for evaluation_id in ids}
    posts = Counter(r["headers"]["webhook-id"] for r in receiver.requests)
    assert {message: posts[message] for message in ours} == dict.fromkeys(ours, 1)
    with session_scope() as db:
        rows = db.exec(select(Evaluation).where(col(Evaluation.id).in_(ids))).all()
        assert {(r.callback_state, r.callback_attempts) for r in rows} == {("delivered", 1)}
