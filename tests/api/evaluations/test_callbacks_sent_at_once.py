"""A callback leaves as soon as its event happens, not at the next minute sweep: an ``ops``
consumer with no periodic work at all (``--no-periodic``) still delivers it."""

from __future__ import annotations

import os
import time

from tests.api.evaluations.helpers import finish_automated, submit
from tests.helpers import make_org
from tests.webhook_receiver import Receiver
from tests.workers import consumers
from workers.queue import ops


def test_a_finished_evaluation_is_posted_without_waiting_for_the_sweep(
    client,
    local_urls_allowed,
    tmp_path,
):
    ops.flush()  # only this test's messages
    env = {**os.environ, "TRUELEVEL_PRELOAD_MODELS": "0"}
    org = make_org()
    with Receiver() as receiver:
        evaluation_id = submit(client, org, callback_url=receiver.url)["id"]
        finish_automated(evaluation_id)  # queues the callback, and asks ops to send it now
        consumer = consumers.start_consumer(
            env, tmp_path / "ops.log", "--no-periodic", queues="ops"
        )
        try:
            deadline = time.monotonic() + 60
            while not receiver.requests and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            consumers.stop(consumer)
    log = (tmp_path / "ops.log").read_text(errors="replace")
    assert [r["headers"]["webhook-id"] for r in receiver.requests] == [
        f"{evaluation_id}.awaiting_review"
    ], log
