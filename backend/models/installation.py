"""What belongs to the installation as a whole rather than to an organisation."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from backend.models.base import dt_column, utcnow

# The table holds at most this one row: a second ``migrate`` finds it and keeps it.
INSTALLATION_SECRET_ID = 1


class InstallationSecret(SQLModel, table=True):
    """The secret every host of the installation signs with (callback secrets, SSO state),
    created once by ``python -m backend.cli migrate`` unless ``TRUELEVEL_SECRET_KEY`` is set."""

    __tablename__ = "installation_secret"

    id: int = Field(default=INSTALLATION_SECRET_ID, primary_key=True)
    value: str = Field(max_length=255)
    created_at: datetime = Field(default_factory=utcnow, sa_column=dt_column(nullable=False))
