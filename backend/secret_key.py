"""The installation's one secret: what every host signs with (organisations' callback secrets,
the single sign-on state cookie). Every use goes through :func:`secret_key`.

Where it comes from, in this order:

1. ``TRUELEVEL_SECRET_KEY``, when set (then every host must set the same value);
2. the row ``python -m backend.cli migrate`` created once in the database, shared by every host
   that uses the database.

A host that finds neither refuses to start (:class:`SecretKeyMissing`) rather than invent a key
of its own: a per-host key made callbacks signed on one host fail against the secret another
host handed out, and broke sign-on whenever the provider sent the person back to another host.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from sqlmodel import Session

from backend.db import get_engine
from backend.models.installation import INSTALLATION_SECRET_ID, InstallationSecret
from backend.settings import Settings, get_settings

# Where versions before the database secret kept a generated key (one per host).
LEGACY_FILE_NAME = "secret_key"

MISSING_MESSAGE = (
    "No secret key for this installation: set TRUELEVEL_SECRET_KEY (the same value on every "
    "host), or run `python -m backend.cli migrate` once to create one in the database."
)


class SecretKeyMissing(RuntimeError):
    """Neither ``TRUELEVEL_SECRET_KEY`` nor a migrated database secret: refuse to start."""

    def __init__(self) -> None:
        super().__init__(MISSING_MESSAGE)


def stored_secret_key(engine: Engine) -> str | None:
    """The secret ``migrate`` stored in the database; None when there is none (or no table yet,
    before the first ``migrate``)."""
    try:
        with Session(engine) as session:
            row = session.get(InstallationSecret, INSTALLATION_SECRET_ID)
    except (OperationalError, ProgrammingError):  # the table does not exist yet
        return None
    return row.value if row else None


def resolve_secret_key(settings: Settings, engine: Engine) -> str:
    """The secret for ``settings`` on the database behind ``engine`` (see the module's rules)."""
    if settings.secret_key:
        return settings.secret_key
    stored = stored_secret_key(engine)
    if stored is None:
        raise SecretKeyMissing
    return stored


@lru_cache(maxsize=4)
def _cached(configured: str, database_url: str) -> str:
    return resolve_secret_key(get_settings(), get_engine())


def secret_key() -> str:
    """This installation's secret (read from the database once per process); raises
    :class:`SecretKeyMissing` when there is none."""
    settings = get_settings()
    return _cached(settings.secret_key, settings.sqlalchemy_url)


def require_secret_key() -> None:
    """Refuse to start (``SystemExit`` with the reason) without a secret; processes call this as
    they start, so a misconfigured host fails at once rather than at its first signature."""
    try:
        secret_key()
    except SecretKeyMissing as exc:
        raise SystemExit(f"truelevel cannot start: {exc}") from None


def create_secret_key(settings: Settings, engine: Engine) -> str:
    """Store the installation's secret once (``migrate``), and say what happened. An existing
    one is kept; a key an older version generated in this host's data folder is adopted, so the
    callback secrets organisations already configured stay valid. Nothing is stored while
    ``TRUELEVEL_SECRET_KEY`` is set: the environment stays the only source."""
    if settings.secret_key:
        return "secret key: TRUELEVEL_SECRET_KEY (nothing stored)"
    if stored_secret_key(engine) is not None:
        return "secret key: kept the one in the database"
    legacy = Path(settings.data_dir) / LEGACY_FILE_NAME
    adopted = legacy.is_file() and legacy.read_text().strip()
    value = adopted or secrets.token_urlsafe(48)
    try:
        with Session(engine) as session:
            session.add(InstallationSecret(id=INSTALLATION_SECRET_ID, value=value))
            session.commit()
    except IntegrityError:  # another host's migrate stored one first: theirs is the one
        return "secret key: kept the one in the database"
    if adopted:
        return f"secret key: stored the one from {legacy} in the database"
    return "secret key: created in the database"
