"""tenant webhook deliveries: the outbox and delivery log of call and application activity;
webhook secrets sealed at rest (a longer column)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "tenant_webhook_delivery"


def upgrade() -> None:
    op.create_table(
        _TABLE,
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("org_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("webhook_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("object_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("url", sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
        sa.Column("http_method", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_answer", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["webhook_id"], ["tenantwebhook.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("org_id", "webhook_id", "state", "next_at"):
        op.create_index(f"ix_{_TABLE}_{column}", _TABLE, [column])
    # Webhook secrets are stored sealed now, which is longer than the secret (SQLite does not
    # enforce lengths). Secrets stored in clear before stay readable and are sealed when set.
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "tenantwebhook",
            "secret",
            type_=sqlmodel.sql.sqltypes.AutoString(length=1024),
            existing_nullable=True,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "tenantwebhook",
            "secret",
            type_=sqlmodel.sql.sqltypes.AutoString(length=255),
            existing_nullable=True,
        )
    for column in ("next_at", "state", "webhook_id", "org_id"):
        op.drop_index(f"ix_{_TABLE}_{column}", table_name=_TABLE)
    op.drop_table(_TABLE)
