"""deleted_login_ids: login ids of deleted accounts, reserved (as an HMAC) for a cool-down

Revision ID: 0004
Revises: 0003

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deleted_login_ids",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("free_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest"),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_bin",
        mysql_engine="InnoDB",
    )


def downgrade() -> None:
    op.drop_table("deleted_login_ids")
