"""ATS assessment-partner integrations: tests sent by an ATS (with the completion notice owed
to it, an outbox) and per-organisation ATS connections (a sealed API key)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 04:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import backend.models.base

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ORDERS = "ats_test_order"
_CONNECTIONS = "ats_connection"
_ORDER_INDEXES = ("org_id", "assessment_id", "candidate_key_id", "notice_state", "notice_next_at")


def _string(length: int | None = None) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _when() -> backend.models.base.UTCDateTime:
    return backend.models.base.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        _ORDERS,
        sa.Column("id", _string(), nullable=False),
        sa.Column("org_id", _string(), nullable=False),
        sa.Column("ats", _string(16), nullable=False),
        sa.Column("assessment_id", _string(), nullable=False),
        sa.Column("candidate_key_id", _string(), nullable=False),
        sa.Column("external_candidate_id", _string(255), nullable=True),
        sa.Column("external_profile_url", _string(2048), nullable=True),
        sa.Column("notice_url", _string(2048), nullable=True),
        sa.Column("sealed_partner_key", _string(1024), nullable=True),
        sa.Column("created_at", _when(), nullable=False),
        sa.Column("cancelled_at", _when(), nullable=True),
        sa.Column("notice_state", _string(16), nullable=False),
        sa.Column("notice_attempts", sa.Integer(), nullable=False),
        sa.Column("notice_next_at", _when(), nullable=True),
        sa.Column("notice_last_error", _string(500), nullable=True),
        sa.Column("notice_delivered_at", _when(), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"]),
        sa.ForeignKeyConstraint(["candidate_key_id"], ["candidatekey.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in _ORDER_INDEXES:
        op.create_index(f"ix_{_ORDERS}_{column}", _ORDERS, [column])
    op.create_table(
        _CONNECTIONS,
        sa.Column("id", _string(), nullable=False),
        sa.Column("org_id", _string(), nullable=False),
        sa.Column("ats", _string(16), nullable=False),
        sa.Column("sealed_api_key", _string(1024), nullable=False),
        sa.Column("created_at", _when(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "ats"),
    )
    op.create_index(f"ix_{_CONNECTIONS}_org_id", _CONNECTIONS, ["org_id"])


def downgrade() -> None:
    op.drop_index(f"ix_{_CONNECTIONS}_org_id", table_name=_CONNECTIONS)
    op.drop_table(_CONNECTIONS)
    for column in _ORDER_INDEXES:
        op.drop_index(f"ix_{_ORDERS}_{column}", table_name=_ORDERS)
    op.drop_table(_ORDERS)
