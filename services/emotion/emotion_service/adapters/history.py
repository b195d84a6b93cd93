"""An author's analysed diaries as the statistics and word clouds read them: one question, two
answers that must agree (tests/contract/test_analytics_contract.py runs both on the same data).

- `SqlAnalysisHistory`: the emotion service's own `diary_analyses` table (embedded profile and
  the default);
- `ReadModelAnalysisHistory`: the `analysis` parts of the MongoDB read model the CDC projector
  keeps (distributed profile, GRIDAM_ANALYTICS_MONGODB_URL). It trails the table by the CDC lag
  (about a second), so a just-deleted diary may still be there: callers that must not see it
  exclude the ids they know are deleted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any, Protocol

from pymongo.collection import Collection

from emotion_service.unit_of_work import UnitOfWork
from gridam_domain.read_model import Document

Summary = tuple[int, datetime.date, str]  # (diary id, day, dominant emotion name)
Keywords = tuple[int, str, list[list[str | float]]]  # (diary id, dominant emotion name, [[word, weight], ...])


class AnalysisHistory(Protocol):
    def summaries(self, author_id: int, start: datetime.date | None = None, end: datetime.date | None = None) -> list[Summary]:
        """Oldest first (by day, then diary id), days in [start, end) when given."""

    def dates(self, author_id: int) -> list[datetime.date]:
        """The distinct days the author has an analysed diary, in no particular order."""

    def keywords(self, author_id: int) -> list[Keywords]: ...


class SqlAnalysisHistory:
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    def summaries(self, author_id: int, start: datetime.date | None = None, end: datetime.date | None = None) -> list[Summary]:
        with self._uow() as uow:
            return [(diary_id, day, dominant) for diary_id, day, dominant in uow.analyses.summaries(author_id, start, end)]

    def dates(self, author_id: int) -> list[datetime.date]:
        with self._uow() as uow:
            return uow.analyses.dates(author_id)

    def keywords(self, author_id: int) -> list[Keywords]:
        with self._uow() as uow:
            return [(diary_id, dominant, keywords) for diary_id, dominant, keywords in uow.analyses.keywords(author_id)]


class ReadModelAnalysisHistory:
    def __init__(self, collection: Collection[Document]) -> None:
        self._collection = collection

    def _analyses(self, author_id: int, extra: dict[str, Any] | None = None, fields: tuple[str, ...] = ()) -> list[Document]:
        query = {"analysis.author_id": author_id, **(extra or {})}
        projection = {f"analysis.{field}": 1 for field in ("diary_id", "date", *fields)}
        return [document["analysis"] for document in self._collection.find(query, projection)]

    def summaries(self, author_id: int, start: datetime.date | None = None, end: datetime.date | None = None) -> list[Summary]:
        period: dict[str, str] = {}
        if start is not None:
            period["$gte"] = start.isoformat()
        if end is not None:
            period["$lt"] = end.isoformat()
        rows = self._analyses(author_id, {"analysis.date": period} if period else None, ("dominant",))
        summaries = [(row["diary_id"], datetime.date.fromisoformat(row["date"]), row["dominant"]) for row in rows]
        return sorted(summaries, key=lambda summary: (summary[1], summary[0]))

    def dates(self, author_id: int) -> list[datetime.date]:
        return list({datetime.date.fromisoformat(row["date"]) for row in self._analyses(author_id)})

    def keywords(self, author_id: int) -> list[Keywords]:
        rows = self._analyses(author_id, fields=("dominant", "keywords"))
        # The read model keeps keywords as [{word, weight}] (no nested arrays in FerretDB).
        return [(row["diary_id"], row["dominant"], [[k["word"], k["weight"]] for k in row["keywords"] or []]) for row in rows]
