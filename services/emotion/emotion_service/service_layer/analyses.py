"""Analysing texts and diaries, and keeping each diary's analysis (at most one, never after deletion)."""

from __future__ import annotations

import asyncio
import datetime

from sqlalchemy.exc import IntegrityError

from emotion_service.adapters.orm import DiaryAnalysis
from emotion_service.domain.analysis.analyser import Analysis
from emotion_service.service_layer.dependencies import Dependencies
from gridam_domain.dates import parse_day
from gridam_runtime.auth import ServiceCaller
from gridam_runtime.errors import InvalidArgument, NotFound

# The services GetAnalysis answers (as its access option names them): which caller it is decides
# whose analyses it may read (a user: their own). Who may call the other methods is the call
# chain's check alone (gridam_runtime.access).
READERS = frozenset({"gridam-diary", "gridam-card"})


def _stored(
    diary_id: int, author_id: int, day: datetime.date, analysis: Analysis, classifier: str, now: datetime.datetime
) -> DiaryAnalysis:
    return DiaryAnalysis(
        diary_id=diary_id,
        author_id=author_id,
        date=day,
        dominant=analysis.dominant.name,
        distribution=analysis.distribution.by_name(),
        hashtags=list(analysis.hashtags),
        keywords=[[word, float(weight)] for word, weight in analysis.keywords],
        feedback=analysis.feedback,
        safety_flag=bool(analysis.safety_flag),
        risk_level=analysis.risk.value,
        language=analysis.language,
        classifier=classifier,
        created_at=now,
    )


class Analyses:
    def __init__(self, deps: Dependencies) -> None:
        self._d = deps

    def _analyse(self, text: str) -> Analysis:
        text = text[: self._d.settings.max_text_chars]
        if not text.strip():
            raise InvalidArgument("EMOTION4001", "empty text")
        return self._d.analyser.analyse([text])[0]

    async def analyse_text(self, text: str) -> Analysis:
        return await asyncio.to_thread(self._analyse, text)

    async def analyse_diary(
        self, diary_id: int, author_id: int, day: str, text: str, restored: DiaryAnalysis | None = None
    ) -> DiaryAnalysis | None:
        """Store the diary's analysis once; None when the diary was deleted (nothing stored).
        `restored`: an analysis kept in an export archive, stored as it is instead of a new one."""
        return await asyncio.to_thread(self._analyse_diary, diary_id, author_id, day, text, restored)

    def _analyse_diary(
        self, diary_id: int, author_id: int, day: str, text: str, restored: DiaryAnalysis | None
    ) -> DiaryAnalysis | None:
        try:
            parsed_day = parse_day(day)
        except ValueError:
            raise InvalidArgument("EMOTION4002", "date must be YYYY-MM-DD") from None
        with self._d.uow() as uow:
            if uow.analyses.is_deleted(diary_id):
                return None
            existing = uow.analyses.get(diary_id)
            if existing is not None:  # a retried job: same answer, nothing new
                return existing
        if restored is None:
            record = _stored(diary_id, author_id, parsed_day, self._analyse(text), self._d.classifier_name, self._d.clock())
        else:
            record = restored
            record.diary_id, record.author_id, record.date, record.created_at = diary_id, author_id, parsed_day, self._d.clock()
        try:
            with self._d.uow() as uow:
                uow.analyses.add(record)
                uow.commit()
        except IntegrityError:  # another worker stored it first
            with self._d.uow() as uow:
                existing = uow.analyses.get(diary_id)
            if existing is None:
                raise
            return existing
        # DeleteAnalysis marks the diary deleted before it deletes; if that raced with our
        # insert, whichever runs last removes the analysis.
        with self._d.uow() as uow:
            if uow.analyses.is_deleted(diary_id):
                uow.analyses.delete(diary_id)
                uow.commit()
                return None
        return record

    async def get(self, diary_id: int) -> DiaryAnalysis:
        return await asyncio.to_thread(self._get, diary_id)

    def _get(self, diary_id: int) -> DiaryAnalysis:
        caller = self._d.authenticator.require_user_or_service(READERS)
        with self._d.uow() as uow:
            record = uow.analyses.get(diary_id)
        if record is None or (not isinstance(caller, ServiceCaller) and record.author_id != caller.user_id):
            raise NotFound("EMOTION4041", "no analysis of this diary for the caller")
        return record

    def expire_markers(self) -> int:
        """Forget the deletion markers older than `deleted_diary_marker_seconds` (run by the
        service's own sweep): no analyse job that read those diaries can still be running."""
        cutoff = self._d.clock() - datetime.timedelta(seconds=self._d.settings.deleted_diary_marker_seconds)
        with self._d.uow() as uow:
            expired = uow.analyses.forget_deletions_before(cutoff)
            uow.commit()
        return expired

    async def delete(self, diary_id: int) -> int | None:
        """Forget a deleted diary's analysis; returns its author when there was one."""
        return await asyncio.to_thread(self._delete, diary_id)

    def _delete(self, diary_id: int) -> int | None:
        with self._d.uow() as uow:
            record = uow.analyses.get(diary_id)
            deletion = uow.analyses.mark_deleted(diary_id, record.author_id if record else None, self._d.clock())
            author_id = deletion.author_id
            uow.commit()
        with self._d.uow() as uow:
            uow.analyses.delete(diary_id)
            uow.commit()
        return author_id
