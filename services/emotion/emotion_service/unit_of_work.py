"""Unit of work: one database transaction, rolled back unless `commit()` is called."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session as DbSession

from emotion_service.adapters.repository import AnalysisRepository, WordCloudRepository


class UnitOfWork:
    def __init__(self, session_factory: Callable[[], DbSession]) -> None:
        self._session_factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self._db = self._session_factory()
        self.analyses = AnalysisRepository(self._db)
        self.word_clouds = WordCloudRepository(self._db)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._db.close()

    def commit(self) -> None:
        self._db.commit()
