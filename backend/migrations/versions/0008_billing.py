"""billing per organisation (plan, subscription, period quota) and applied Stripe events

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-06 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "billing_account",
        sa.Column("org_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("plan", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("assessment_quota", sa.Integer(), nullable=True),
        sa.Column("included_credits", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("trial_end", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("period_start", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("period_end", backend.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assessments_used", sa.Integer(), nullable=False),
        sa.Column(
            "stripe_customer_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True
        ),
        sa.Column(
            "stripe_subscription_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True
        ),
        sa.Column(
            "stripe_status_at", backend.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("updated_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("org_id"),
        sa.UniqueConstraint("stripe_customer_id"),
    )
    op.create_table(
        "stripe_event",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("processed_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("stripe_event")
    op.drop_table("billing_account")
