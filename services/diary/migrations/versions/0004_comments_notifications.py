"""comments, comment likes, notifications

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

MYSQL = {"mysql_charset": "utf8mb4", "mysql_collate": "utf8mb4_bin", "mysql_engine": "InnoDB"}
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "feed_comments",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("author_login_id", sa.String(length=40), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
        **MYSQL,
    )
    op.create_index("ix_feed_comments_post_id", "feed_comments", ["post_id", "id"])
    op.create_table(
        "comment_likes",
        sa.Column("comment_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("comment_id", "user_id"),
        **MYSQL,
    )
    op.create_index("ix_comment_likes_post_id", "comment_likes", ["post_id"])
    op.create_table(
        "notifications",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("recipient_id", sa.BigInteger(), nullable=False),
        sa.Column("notice_type", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("post_id", sa.BigInteger(), nullable=True),
        sa.Column("diary_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_login_id", sa.String(length=40), nullable=False),
        sa.Column("image_key", sa.String(length=200), nullable=False),
        sa.Column("message", sa.String(length=300), nullable=False),
        sa.Column("content", sa.String(length=600), nullable=False),
        sa.Column("checked", sa.Boolean(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("dedupe_key"),
        sqlite_autoincrement=True,
        **MYSQL,
    )
    op.create_index("ix_notifications_recipient", "notifications", ["recipient_id", "id"])
    op.create_index("ix_notifications_recipient_unchecked", "notifications", ["recipient_id", "checked", "id"])
    op.create_index("ix_notifications_post_id", "notifications", ["post_id"])
    op.create_index("ix_notifications_diary_id", "notifications", ["diary_id"])


def downgrade() -> None:
    op.drop_table("notifications")
    op.drop_table("comment_likes")
    op.drop_table("feed_comments")
