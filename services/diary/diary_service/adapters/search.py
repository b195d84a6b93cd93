"""Finding an author's diaries by text: one question, two answers that must agree
(tests/contract/test_analytics_contract.py runs both on the same data).

- `SqlDiarySearch`: the diary service's own table (embedded profile, and the default);
- `ReadModelDiarySearch`: the MongoDB read model the CDC projector keeps (distributed profile,
  GRIDAM_ANALYTICS_MONGODB_URL), so searching never scans the system of record.

Both match case-insensitively (Unicode case folding beyond ASCII may differ between SQLite,
MariaDB and MongoDB; Korean has no case), newest first, ids below the cursor.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any, Protocol

from pymongo.collection import Collection

from diary_service.adapters.orm import Diary
from diary_service.unit_of_work import UnitOfWork
from gridam_domain.read_model import Document, document_id


class DiarySearch(Protocol):
    def search(self, author_id: int, text: str, before_id: int | None, limit: int) -> list[Diary]: ...


class SqlDiarySearch:
    def __init__(self, uow: Callable[[], UnitOfWork]) -> None:
        self._uow = uow

    def search(self, author_id: int, text: str, before_id: int | None, limit: int) -> list[Diary]:
        with self._uow() as uow:
            return uow.diaries.containing(author_id, text, before_id, limit)


class ReadModelDiarySearch:
    """Reads the `diaries` collection of the read model (see cdc_service/domain/read_model.py)."""

    def __init__(self, collection: Collection[Document]) -> None:
        self._collection = collection

    def search(self, author_id: int, text: str, before_id: int | None, limit: int) -> list[Diary]:
        pattern = {"$regex": re.escape(text), "$options": "i"}
        query: dict[str, Any] = {"diary.author_id": author_id, "$or": [{"diary.title": pattern}, {"diary.content": pattern}]}
        if before_id is not None:
            query["_id"] = {"$lt": document_id(before_id)}
        documents = self._collection.find(query, {"diary": 1}).sort("_id", -1).limit(limit)
        return [_diary(document["diary"]) for document in documents]


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
