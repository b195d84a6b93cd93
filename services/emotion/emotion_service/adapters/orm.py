"""The emotion service's tables. Nobody else reads them (see docs/architecture.md)."""

from __future__ import annotations

import datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from emotion_service.domain.analysis.safety import RiskLevel
from gridam_runtime.db import MYSQL_TABLE_ARGS, BigId


class Base(DeclarativeBase):
    """The emotion service's tables, in a metadata of their own."""


class DiaryAnalysis(Base):
    """The stored analysis of one diary (keyed by the diary id: at most one per diary)."""

    __tablename__ = "diary_analyses"
    __table_args__ = (Index("ix_diary_analyses_author_date", "author_id", "date"), MYSQL_TABLE_ARGS)

    diary_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    author_id: Mapped[int] = mapped_column(BigInteger)
    date: Mapped[datetime.date] = mapped_column(Date)
    dominant: Mapped[str] = mapped_column(String(16))  # Emotion name, e.g. "HAPPY"
    distribution: Mapped[dict[str, float]] = mapped_column(JSON)  # all nine names -> fractions
    hashtags: Mapped[list[str]] = mapped_column(JSON)
    keywords: Mapped[list[list[str | float]]] = mapped_column(JSON)  # [[word, weight], ...]
    feedback: Mapped[str] = mapped_column(Text)
    safety_flag: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(8))
    classifier: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime.datetime] = mapped_column(DateTime)
    risk_level: Mapped[str] = mapped_column(String(16), server_default=RiskLevel.NONE.value)  # a RiskLevel value

    @property
    def risk(self) -> RiskLevel:
        """The stored level. A flagged row is urgent even when a pod of the version before risk
        levels stored it during the upgrade (it left the column at its default, "none")."""
        return RiskLevel.URGENT if self.safety_flag else RiskLevel(self.risk_level)


class DeletedDiary(Base):
    """Diaries deleted by their author: an analysis is never stored for them again."""

    __tablename__ = "deleted_diaries"
    __table_args__ = MYSQL_TABLE_ARGS

    diary_id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    # Author of the analysis that was deleted (None: never analysed), so a retried deletion
    # still knows whose word clouds to redraw.
    author_id: Mapped[int | None] = mapped_column(BigInteger)
    deleted_at: Mapped[datetime.datetime] = mapped_column(DateTime)


class WordCloud(Base):
    """The latest generated word cloud of one user and emotion."""

    __tablename__ = "word_clouds"
    __table_args__ = MYSQL_TABLE_ARGS

    author_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    emotion: Mapped[str] = mapped_column(String(16), primary_key=True)
    words: Mapped[list[list[str | float]]] = mapped_column(JSON)  # [[word, weight], ...], top weight 1.0
    image_key: Mapped[str] = mapped_column(String(200))
    generated_at: Mapped[datetime.datetime] = mapped_column(DateTime)
