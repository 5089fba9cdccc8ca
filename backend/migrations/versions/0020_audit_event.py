"""audit_event: the audit log, one row per thing someone did with an organisation's data (who,
when, what action, on which subject by kind and id, a short detail). Read newest first per
organisation; erasure clears the rows that name a candidate's ids.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "audit_event"


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        _TABLE,
        sa.Column("id", text(), nullable=False),
        sa.Column("org_id", text(), nullable=False),
        sa.Column("occurred_at", backend.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", text(length=16), nullable=False),
        sa.Column("actor_id", text(length=64), nullable=False),
        sa.Column("actor_label", text(length=320), nullable=False),
        sa.Column("action", text(length=32), nullable=False),
        sa.Column("subject_kind", text(length=32), nullable=False),
        sa.Column("subject_id", text(length=64), nullable=False),
        sa.Column("detail", text(length=255), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_event_org_occurred", _TABLE, ["org_id", "occurred_at"])
    op.create_index("ix_audit_event_subject", _TABLE, ["org_id", "subject_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_subject", table_name=_TABLE)
    op.drop_index("ix_audit_event_org_occurred", table_name=_TABLE)
    op.drop_table(_TABLE)
