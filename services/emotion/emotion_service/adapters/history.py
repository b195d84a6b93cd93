"""An author's analysed diaries as the statistics and word clouds read them: one question, two
answers that must agree (tests/contract/test_analytics_contract.py runs both on the same data).

- `SqlAnalysisHistory`: the emotion service's own `diary_analyses` table (embedded profile and
  the default);
- `ReadModelAnalysisHistory`: the MongoDB read model the CDC projector keeps (distributed
  profile, GRIDAM_ANALYTICS_MONGODB_URL), read by `_id` only: summaries and dates from the
  author's summary documents (one per change-topic partition), keywords from the `analysis`
  parts of the diary documents those list, one by one. It trails the table by the CDC lag (about
  a second), so a just-deleted diary may still be there: callers that must not see it exclude
  the ids they know are deleted.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Protocol

from pymongo.collection import Collection

from emotion_service.unit_of_work import UnitOfWork
from gridam_domain.read_model import AUTHORS_COLLECTION, Document, author_entries, diary_documents

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
    def __init__(self, collection: Collection[Document], partitions: int) -> None:
        self._collection = collection
        self._authors = collection.database[AUTHORS_COLLECTION]
        self._partitions = partitions

    def _summaries(self, author_id: int) -> list[Document]:
        return author_entries(self._authors, author_id, self._partitions, "analyses")

    def summaries(self, author_id: int, start: datetime.date | None = None, end: datetime.date | None = None) -> list[Summary]:
        rows = ((row["diary_id"], datetime.date.fromisoformat(row["date"]), row["dominant"]) for row in self._summaries(author_id))
        summaries = [row for row in rows if (start is None or start <= row[1]) and (end is None or row[1] < end)]
        return sorted(summaries, key=lambda summary: (summary[1], summary[0]))

    def dates(self, author_id: int) -> list[datetime.date]:
        return list({datetime.date.fromisoformat(row["date"]) for row in self._summaries(author_id)})

    def keywords(self, author_id: int) -> list[Keywords]:
        ids = sorted(entry["diary_id"] for entry in self._summaries(author_id))
        projection = {"analysis.diary_id": 1, "analysis.dominant": 1, "analysis.keywords": 1}
        # An analysis deleted since the summaries were read has no part (None) or no document any more.
        rows = [row for document in diary_documents(self._collection, ids, projection) if (row := document.get("analysis"))]
        # The read model keeps keywords as [{word, weight}] (no nested arrays in FerretDB).
        return [(row["diary_id"], row["dominant"], [[k["word"], k["weight"]] for k in row["keywords"] or []]) for row in rows]
