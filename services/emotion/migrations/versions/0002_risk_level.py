"""risk_level: none / concern / urgent, stored with each analysis

Revision ID: 0002
Revises: 0001

Existing analyses only knew the safety flag: a flagged one is urgent, any other none.
The column keeps its default so that pods of the previous version, which do not write it,
can still store analyses during the rollout.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("diary_analyses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("risk_level", sa.String(length=16), server_default="none", nullable=False))
    op.execute("UPDATE diary_analyses SET risk_level = 'urgent' WHERE safety_flag = 1")


def downgrade() -> None:
    with op.batch_alter_table("diary_analyses", schema=None) as batch_op:
        batch_op.drop_column("risk_level")
