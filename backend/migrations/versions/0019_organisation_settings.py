"""organisationsettings: an organisation's own settings (the admins' Settings page): retention
of interview recordings and browser-interview answers within the installation's, the sender
name and reply-to address of candidate invites, the default target level of new assessments.
No row means the installation's values.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "organisationsettings"


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        _TABLE,
        sa.Column("org_id", text(), nullable=False),
        sa.Column("recording_retention_days", sa.Integer(), nullable=True),
        sa.Column("answer_retention_days", sa.Integer(), nullable=True),
        sa.Column("mail_sender_name", text(length=100), nullable=True),
        sa.Column("mail_reply_to", text(length=320), nullable=True),
        sa.Column("default_target_level", text(length=16), nullable=False),
        sa.Column("updated_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", text(length=320), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("org_id"),
    )


def downgrade() -> None:
    op.drop_table(_TABLE)
