"""The periodic work runs once per cluster, even when two schedulers were started by mistake.

One ``ops`` consumer in a cluster schedules the periodic work (every other one runs with
``--no-periodic``, ``workers.consumer``). Should two schedule it anyway, each enqueues the minute
sweep every minute; before running, the sweep takes its turn (``take_turn``), and the second
message of the same minute finds the turn taken and does nothing.

The turn lives where the messages do, so it binds exactly the schedulers that feed the same
queue: on Redis a key set with ``SET NX PX`` (Redis's clock ends it); in the SQLite queue file a
row updated only once its time is up (one host's clock: a queue file is served from its host).
A turn lasts ``TURN_SECONDS``, under the minute between two sweeps and far over one sweep's
scheduling jitter, so the next minute's sweep always finds it free.
"""

from __future__ import annotations

import logging

from huey import Huey
from huey.storage import RedisStorage

from backend.services.leases import worker_identity

log = logging.getLogger(__name__)

TURN_SECONDS = 45


def take_turn(huey: Huey, name: str, *, seconds: float = TURN_SECONDS) -> bool:
    """True when this caller may run the periodic task ``name`` now: nobody else took its turn
    within the last ``seconds`` on ``huey``'s queue."""
    storage = huey.storage
    owner = worker_identity()
    if isinstance(storage, RedisStorage):
        key = f"{huey.name}.periodic-turn.{name}"
        return bool(storage.conn.set(key, owner, nx=True, px=int(seconds * 1000)))
    take = getattr(storage, "take_turn", None)
    if take is None:  # a queue of one process (Huey's immediate mode): nobody to share with
        return True
    return bool(take(name, owner=owner, seconds=seconds))
