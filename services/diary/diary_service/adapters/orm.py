"""The diary service's tables. Nobody else reads them (see docs/architecture.md)."""

from __future__ import annotations

import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gridam_runtime.db import MYSQL_TABLE_ARGS, BigId
from gridam_runtime.jobs import job_table

ANALYSIS_PENDING, ANALYSIS_DONE, ANALYSIS_FAILED = "pending", "done", "failed"


class Base(DeclarativeBase):
    """The diary service's tables, in a metadata of their own."""


class Diary(Base):
    __tablename__ = "diaries"
    # Diary ids are never reused (the emotion service remembers deleted ones): SQLite needs
    # AUTOINCREMENT for that; MariaDB's AUTO_INCREMENT never goes back (persisted since 10.2).
    __table_args__ = (
        Index("ix_diaries_author_date", "author_id", "date", "id"),
        {**MYSQL_TABLE_ARGS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    title: Mapped[str] = mapped_column(String(400))
    content: Mapped[str] = mapped_column(Text)
    date: Mapped[datetime.date] = mapped_column(Date)
    photo_key: Mapped[str] = mapped_column(String(200), default="", index=True)
    # Copied from the emotion service's analysis when it is stored (the list shows them).
    hashtags: Mapped[list[str]] = mapped_column(JSON, default=list)
    analysis_state: Mapped[str] = mapped_column(String(16), default=ANALYSIS_PENDING)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


AUDIENCES = ("PUBLIC", "FOLLOWERS", "PRIVATE")


class FeedPost(Base):
    """An emotion card shared to the feed."""

    __tablename__ = "feed_posts"
    __table_args__ = (
        Index("ix_feed_posts_author_id", "author_id", "id"),
        Index("ix_feed_posts_diary_id", "diary_id"),
        {**MYSQL_TABLE_ARGS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    author_id: Mapped[int] = mapped_column(BigInteger)
    # The login handle never changes; kept here so lists need no call per author.
    author_login_id: Mapped[str] = mapped_column(String(40))
    card_id: Mapped[int] = mapped_column(BigInteger)
    diary_id: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[str] = mapped_column(String(2000))
    audience: Mapped[str] = mapped_column(String(16))  # one of AUDIENCES
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


REACTION_TYPES = ("좋아요", "공감해요", "슬퍼요", "힘내요")


class PostReaction(Base):
    """One person's reaction to a post (at most one per person and post)."""

    __tablename__ = "post_reactions"
    __table_args__ = MYSQL_TABLE_ARGS

    post_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    reaction_type: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class FeedComment(Base):
    """A comment on a post, or a reply to another comment of the same post (parent_id)."""

    __tablename__ = "feed_comments"
    __table_args__ = (Index("ix_feed_comments_post_id", "post_id", "id"), {**MYSQL_TABLE_ARGS, "sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    post_id: Mapped[int] = mapped_column(BigInteger)
    author_id: Mapped[int] = mapped_column(BigInteger)
    author_login_id: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int] = mapped_column(BigInteger, default=0)  # 0: a top-level comment
    content: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class CommentLike(Base):
    """One person's like of a comment (at most one per person and comment)."""

    __tablename__ = "comment_likes"
    __table_args__ = (Index("ix_comment_likes_post_id", "post_id"), MYSQL_TABLE_ARGS)

    comment_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    post_id: Mapped[int] = mapped_column(BigInteger)  # so a deleted post takes its likes along
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


NOTICE_TYPES = ("COMMENT", "REPLY", "COMMENT_LIKE", "REACTION", "FOLLOW", "CARD_READY")


class Notification(Base):
    """Something that concerns `recipient_id` (decision 6 of docs/web-api.md).

    `dedupe_key` names the event, so redelivered or repeated events (a job run twice, a
    reaction toggled on and off) never notify twice. `post_id`/`diary_id` say what the
    notification is about, so deleting that removes the notification with it.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient", "recipient_id", "id"),
        Index("ix_notifications_recipient_unchecked", "recipient_id", "checked", "id"),
        Index("ix_notifications_post_id", "post_id"),
        Index("ix_notifications_diary_id", "diary_id"),
        {**MYSQL_TABLE_ARGS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    recipient_id: Mapped[int] = mapped_column(BigInteger)
    notice_type: Mapped[str] = mapped_column(String(16))  # one of NOTICE_TYPES
    entity_id: Mapped[int] = mapped_column(BigInteger)
    post_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    diary_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    actor_login_id: Mapped[str] = mapped_column(String(40), default="")
    image_key: Mapped[str] = mapped_column(String(200), default="")
    message: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(String(600))
    checked: Mapped[bool] = mapped_column(Boolean, default=False)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


TRANSFER_RUNNING, TRANSFER_DONE, TRANSFER_EXPIRED = "running", "done", "expired"


class Export(Base):
    """An archive of everything of a user, built by an `export` job (docs/export-import.md).

    The job writes the diaries a page at a time into parts in the storage, `cursor` being the
    last diary id written and `parts` how many there are, so a restarted job goes on from there.
    `active_user_id` is the user while it runs and NULL after: a unique key, so at most one
    export per user runs at a time on MariaDB and SQLite alike."""

    __tablename__ = "exports"
    __table_args__ = (Index("ix_exports_user_id", "user_id", "id"), {**MYSQL_TABLE_ARGS, "sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    active_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    state: Mapped[str] = mapped_column(String(16), default=TRANSFER_RUNNING)
    diaries_total: Mapped[int] = mapped_column(Integer, default=0)
    diaries_done: Mapped[int] = mapped_column(Integer, default=0)
    images_total: Mapped[int] = mapped_column(Integer, default=0)
    images_done: Mapped[int] = mapped_column(Integer, default=0)
    cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    parts: Mapped[int] = mapped_column(Integer, default=0)
    # What the gateway gathered from the user and emotion services (profile.json).
    profile_json: Mapped[str] = mapped_column(Text)
    archive_key: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[datetime.datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class Import(Base):
    """An archive being restored into a user's account by an `import` job, diary by diary:
    `diaries_done` entries of the archive are through; `pending_diary_id` is a diary the job
    stored whose analysis is not yet recorded (a restarted job finishes it first)."""

    __tablename__ = "imports"
    __table_args__ = (Index("ix_imports_user_id", "user_id", "id"), {**MYSQL_TABLE_ARGS, "sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    active_user_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, unique=True)
    state: Mapped[str] = mapped_column(String(16), default=TRANSFER_RUNNING)
    format: Mapped[str] = mapped_column(String(16))
    archive_key: Mapped[str] = mapped_column(String(200))
    diaries_total: Mapped[int] = mapped_column(Integer, default=0)
    diaries_done: Mapped[int] = mapped_column(Integer, default=0)
    diaries_added: Mapped[int] = mapped_column(Integer, default=0)
    images_total: Mapped[int] = mapped_column(Integer, default=0)
    images_done: Mapped[int] = mapped_column(Integer, default=0)
    pending_diary_id: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTime)


# Work owed for diaries: "analyse" on creation, "purge" (derived data) on deletion.
diary_jobs = job_table(Base.metadata, "diary_jobs", **MYSQL_TABLE_ARGS)
