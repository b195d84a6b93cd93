"""feed posts

Revision ID: 0002
Revises: 0001

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_posts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("author_login_id", sa.String(length=40), nullable=False),
        sa.Column("card_id", sa.BigInteger(), nullable=False),
        sa.Column("diary_id", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.String(length=2000), nullable=False),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        mysql_charset="utf8mb4",
        mysql_collate="utf8mb4_bin",
        mysql_engine="InnoDB",
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("feed_posts", schema=None) as batch_op:
        batch_op.create_index("ix_feed_posts_author_id", ["author_id", "id"], unique=False)
        batch_op.create_index("ix_feed_posts_diary_id", ["diary_id"], unique=False)


def downgrade() -> None:
    op.drop_table("feed_posts")
