"""The card service's tables. Nobody else reads them (see docs/architecture.md)."""

from __future__ import annotations

import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gridam_runtime.db import MYSQL_TABLE_ARGS, BigId


class Base(DeclarativeBase):
    """The card service's tables, in a metadata of their own."""


class Card(Base):
    """One version of a diary's card, with the analysis it was drawn from (a snapshot:
    regenerating draws again from the same analysis)."""

    __tablename__ = "cards"
    __table_args__ = (
        UniqueConstraint("diary_id", "version", name="uq_cards_diary_version"),
        Index("ix_cards_author_id", "author_id", "id"),
        Index("ix_cards_author_date", "author_id", "date"),
        {**MYSQL_TABLE_ARGS, "sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    diary_id: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer)
    author_id: Mapped[int] = mapped_column(BigInteger)
    date: Mapped[datetime.date] = mapped_column(Date)
    image_key: Mapped[str] = mapped_column(String(200))
    dominant: Mapped[str] = mapped_column(String(16))
    distribution: Mapped[dict[str, float]] = mapped_column(JSON)
    hashtags: Mapped[list[str]] = mapped_column(JSON)
    keywords: Mapped[list[list[str | float]]] = mapped_column(JSON)  # [word, weight] pairs
    feedback: Mapped[str] = mapped_column(Text)
    safety_flag: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class DeletedDiary(Base):
    """Diaries deleted by their author: no card is ever made for them again."""

    __tablename__ = "deleted_diaries"
    __table_args__ = MYSQL_TABLE_ARGS

    diary_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    deleted_at: Mapped[datetime.datetime] = mapped_column(DateTime)
