"""evaluation: drop the four indexes no query uses (status, target_level, priority,
lease_expires_at). Every submission wrote them: each is one more page in the insert's commit.

- ``status``: every query naming it also names the organisation, the stage (which decides the
  status) or the id, whose indexes it uses;
- ``target_level``: a list filter, always within one organisation (``ix_evaluation_org_id``);
- ``priority``: only orders the few claimable rows the stage index found;
- ``lease_expires_at``: only tested beside ``lease_owner IS NULL`` (an OR no index serves) or
  by id.

Interview jobs keep theirs (``LeasedWork``).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 12:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLE = "evaluation"
_UNUSED = ("status", "target_level", "priority", "lease_expires_at")


def upgrade() -> None:
    for column in _UNUSED:
        op.drop_index(f"ix_{_TABLE}_{column}", table_name=_TABLE)


def downgrade() -> None:
    for column in reversed(_UNUSED):
        op.create_index(f"ix_{_TABLE}_{column}", _TABLE, [column])
