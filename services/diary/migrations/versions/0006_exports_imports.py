"""exports and imports of a user's diaries (docs/export-import.md)

Revision ID: 0006
Revises: 0005

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYSQL = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin", "mysql_engine": "InnoDB"}
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _progress() -> list[sa.Column]:
    return [
        sa.Column("diaries_total", sa.Integer(), nullable=False),
        sa.Column("diaries_done", sa.Integer(), nullable=False),
        sa.Column("images_total", sa.Integer(), nullable=False),
        sa.Column("images_done", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "exports",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("active_user_id", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        *_progress(),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("parts", sa.Integer(), nullable=False),
        sa.Column("profile_json", sa.Text(), nullable=False),
        sa.Column("archive_key", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("active_user_id"),
        sqlite_autoincrement=True,
        **MYSQL,
    )
    op.create_index("ix_exports_user_id", "exports", ["user_id", "id"])
    op.create_table(
        "imports",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("active_user_id", sa.BigInteger(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("archive_key", sa.String(length=200), nullable=False),
        *_progress(),
        sa.Column("diaries_added", sa.Integer(), nullable=False),
        sa.Column("pending_diary_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("active_user_id"),
        sqlite_autoincrement=True,
        **MYSQL,
    )
    op.create_index("ix_imports_user_id", "imports", ["user_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_imports_user_id", table_name="imports")
    op.drop_table("imports")
    op.drop_index("ix_exports_user_id", table_name="exports")
    op.drop_table("exports")
