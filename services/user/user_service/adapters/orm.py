"""The user service's tables. Nobody else reads them (see docs/architecture.md)."""

from __future__ import annotations

import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gridam_runtime.db import MYSQL_TABLE_ARGS, BigId
from gridam_runtime.jobs import job_table


class Base(DeclarativeBase):
    """The user service's tables, in a metadata of their own."""


class User(Base):
    __tablename__ = "users"
    __table_args__ = MYSQL_TABLE_ARGS

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    login_id: Mapped[str] = mapped_column(String(40), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: social login only
    nickname: Mapped[str] = mapped_column(String(20))
    introduction: Mapped[str] = mapped_column(String(150), default="")
    phone: Mapped[str | None] = mapped_column(String(11), unique=True)
    avatar_key: Mapped[str] = mapped_column(String(200), default="")
    follower_count: Mapped[int] = mapped_column(Integer, default=0)
    following_count: Mapped[int] = mapped_column(Integer, default=0)
    diary_count: Mapped[int] = mapped_column(Integer, default=0)
    # `as_of` of the count above (SetDiaryCount): older counts arriving late are ignored.
    diary_count_as_of: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class OAuthLink(Base):
    __tablename__ = "oauth_links"
    __table_args__ = MYSQL_TABLE_ARGS

    provider: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class PhoneVerification(Base):
    __tablename__ = "phone_verifications"
    __table_args__ = MYSQL_TABLE_ARGS

    phone: Mapped[str] = mapped_column(String(11), primary_key=True)
    code_hash: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    verified_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)


class Session(Base):
    """A login session = one refresh-token family."""

    __tablename__ = "sessions"
    __table_args__ = MYSQL_TABLE_ARGS

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)
    revoke_reason: Mapped[str | None] = mapped_column(String(20))


class RefreshToken(Base):
    """Refresh tokens are stored as SHA-256 hashes; `used_at` marks a rotated one."""

    __tablename__ = "refresh_tokens"
    __table_args__ = MYSQL_TABLE_ARGS

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTime)


class Follow(Base):
    __tablename__ = "follows"
    __table_args__ = (
        UniqueConstraint("follower_id", "followee_id", name="uq_follows_pair"),
        Index("ix_follows_followee_id_id", "followee_id", "id"),
        Index("ix_follows_follower_id_id", "follower_id", "id"),
        MYSQL_TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    followee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class DeletedLoginId(Base):
    """The login id of a deleted account, reserved until `free_at` (docs/account-deletion.md):
    kept only as an HMAC, so no plaintext trace of the account remains."""

    __tablename__ = "deleted_login_ids"
    __table_args__ = MYSQL_TABLE_ARGS

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    free_at: Mapped[datetime.datetime] = mapped_column(DateTime)


# The user service's outbox: events owed to other services, recorded in the transaction of the
# change that caused them and delivered by the relay (service_layer/outbox.py).
user_jobs = job_table(Base.metadata, "user_jobs", **MYSQL_TABLE_ARGS)
