"""Finding an author's diaries by text: one question, two answers that must agree
(tests/contract/test_analytics_contract.py runs both on the same data).

- `SqlDiarySearch`: the diary service's own table (embedded profile, and the default);
- `ReadModelDiarySearch`: the MongoDB read model the CDC projector keeps (distributed profile,
  GRIDAM_ANALYTICS_MONGODB_URL), so searching never scans the system of record.

Both match case-insensitively (Unicode case folding beyond ASCII may differ between SQLite,
MariaDB and the read model's matching; Korean has no case), newest first, ids below the cursor.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Protocol

from pymongo.collection import Collection

from diary_service.adapters.orm import Diary
from diary_service.unit_of_work import UnitOfWork
from gridam_domain.read_model import AUTHORS_COLLECTION, Document, author_entries, diary_documents


class DiarySearch(Protocol):
    def search(self, author_id: int, text: str, before_id: int | None, limit: int) -> list[Diary]: ...


class SqlDiarySearch:
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    def search(self, author_id: int, text: str, before_id: int | None, limit: int) -> list[Diary]:
        with self._uow() as uow:
            return uow.diaries.containing(author_id, text, before_id, limit)


class ReadModelDiarySearch:
    """Reads the read model by `_id` only (see cdc_service/domain/read_model.py): the ids of the
    author's diaries from their summary documents, then their diary documents newest first, one
    by one, until `limit` match. FerretDB would answer a query on `diary.author_id` (or on
    `_id: {$in: ...}`) by reading the whole collection, so the text is matched here, with the
    pattern the query used to send (`$regex` of the escaped text, case-insensitive)."""

    def __init__(self, collection: Collection[Document], partitions: int) -> None:
        self._collection = collection
        self._authors = collection.database[AUTHORS_COLLECTION]
        self._partitions = partitions

    def search(self, author_id: int, text: str, before_id: int | None, limit: int) -> list[Diary]:
        pattern = re.compile(re.escape(text), re.IGNORECASE)
        listed = author_entries(self._authors, author_id, self._partitions, "diaries")
        ids = sorted((entry["diary_id"] for entry in listed if before_id is None or entry["diary_id"] < before_id), reverse=True)
        found: list[Diary] = []
        for document in diary_documents(self._collection, ids, {"diary": 1}):
            row = document.get("diary")  # None: deleted since the summary was read
            if row is not None and (pattern.search(row["title"]) or pattern.search(row["content"])):
                found.append(_diary(row))
                if len(found) == limit:
                    break
        return found


def _diary(row: Document) -> Diary:
    return Diary(
        id=row["id"],
        author_id=row["author_id"],
        title=row["title"],
        content=row["content"],
        date=datetime.date.fromisoformat(row["date"]),
        photo_key=row["photo_key"],
        hashtags=row["hashtags"],
        analysis_state=row["analysis_state"],
        created_at=row["created_at"],  # a BSON date: naive UTC, as the ORM keeps it
    )
