"""Queries of the emotion service. Reads are scoped to an author unless a service asks."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from sqlalchemy import Row, delete, select
from sqlalchemy.orm import Session

from emotion_service.adapters.orm import DeletedDiary, DiaryAnalysis, WordCloud
from gridam_runtime.db import affected_rows


class AnalysisRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def get(self, diary_id: int) -> DiaryAnalysis | None:
        return self._db.get(DiaryAnalysis, diary_id)

    def add(self, analysis: DiaryAnalysis) -> None:
        self._db.add(analysis)
        self._db.flush()

    def delete(self, diary_id: int) -> None:
        self._db.execute(delete(DiaryAnalysis).where(DiaryAnalysis.diary_id == diary_id))

    def is_deleted(self, diary_id: int) -> bool:
        return self.deletion(diary_id) is not None

    def deletion(self, diary_id: int) -> DeletedDiary | None:
        return self._db.get(DeletedDiary, diary_id)

    def mark_deleted(self, diary_id: int, author_id: int | None, at: datetime.datetime) -> DeletedDiary:
        deletion = self.deletion(diary_id)
        if deletion is None:
            deletion = DeletedDiary(diary_id=diary_id, author_id=author_id, deleted_at=at)
            self._db.add(deletion)
        elif deletion.author_id is None and author_id is not None:
            deletion.author_id = author_id
        return deletion

    def summaries(
        self, author_id: int, start: datetime.date | None = None, end: datetime.date | None = None
    ) -> Sequence[Row[int, datetime.date, str]]:
        """(diary_id, date, dominant) of the author's analyses, oldest first, optionally in [start, end)."""
        query = select(DiaryAnalysis.diary_id, DiaryAnalysis.date, DiaryAnalysis.dominant).where(
            DiaryAnalysis.author_id == author_id
        )
        if start is not None:
            query = query.where(DiaryAnalysis.date >= start)
        if end is not None:
            query = query.where(DiaryAnalysis.date < end)
        return self._db.execute(query.order_by(DiaryAnalysis.date, DiaryAnalysis.diary_id)).all()

    def dates(self, author_id: int) -> list[datetime.date]:
        return list(self._db.scalars(select(DiaryAnalysis.date).where(DiaryAnalysis.author_id == author_id).distinct()))

    def keywords(self, author_id: int) -> Sequence[Row[int, str, list[list[str | float]]]]:
        """(diary_id, dominant, keywords) of every analysis of the author."""
        return self._db.execute(
            select(DiaryAnalysis.diary_id, DiaryAnalysis.dominant, DiaryAnalysis.keywords).where(DiaryAnalysis.author_id == author_id)
        ).all()

    def has_author(self, author_id: int) -> bool:
        return self._db.scalar(select(DiaryAnalysis.diary_id).where(DiaryAnalysis.author_id == author_id).limit(1)) is not None

    def forget_deletions_before(self, cutoff: datetime.datetime) -> int:
        return affected_rows(self._db, delete(DeletedDiary).where(DeletedDiary.deleted_at < cutoff))

    def deleted_ids(self, author_id: int) -> set[int]:
        return set(self._db.scalars(select(DeletedDiary.diary_id).where(DeletedDiary.author_id == author_id)))


class WordCloudRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def for_author(self, author_id: int) -> list[WordCloud]:
        return list(self._db.scalars(select(WordCloud).where(WordCloud.author_id == author_id)))

    def replace(self, author_id: int, clouds: list[WordCloud]) -> None:
        self._db.execute(delete(WordCloud).where(WordCloud.author_id == author_id))
        self._db.add_all(clouds)
