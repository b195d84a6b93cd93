"""Unit of work of the emotion service: one transaction over its repositories."""

from __future__ import annotations

from sqlalchemy.orm import Session as DbSession

from emotion_service.adapters.repository import AnalysisRepository, WordCloudRepository
from gridam_runtime import db


class UnitOfWork(db.UnitOfWork):
    def _attach(self, session: DbSession) -> None:
        self.analyses = AnalysisRepository(session)
        self.word_clouds = WordCloudRepository(session)
