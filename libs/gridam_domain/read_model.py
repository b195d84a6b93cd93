"""The MongoDB read model of diaries (written by cdc_service's projector, read by the diary and
emotion services' analytics in the distributed profile): one document per diary in the
`diaries` collection, `_id` = `document_id(diary id)`, with the `diary`, `analysis` and `cards`
parts (see cdc_service/domain/read_model.py for the whole shape and why `_id` is text); and
one summary document per author and change-topic partition in the `authors` collection, with
the author's analyses of that partition's diaries, which the statistics read by `_id` (a query
on anything but `_id` scans the whole collection in FerretDB)."""

from __future__ import annotations

from typing import Any

from pymongo import MongoClient
from pymongo.collection import Collection

from gridam_runtime.settings import BaseGridamSettings

COLLECTION = "diaries"
AUTHORS_COLLECTION = "authors"
SERVER_SELECTION_TIMEOUT_MS = 5_000
Document = dict[str, Any]  # a read-model document as pymongo decodes it


def document_id(diary_id: int) -> str:
    """A diary's document `_id`: its id as 20-digit text (text order = number order)."""
    return f"{diary_id:020d}"


def author_document_id(author_id: int, partition: int) -> str:
    """The `_id` of an author's summary document for one partition: one projector (the
    partition's) writes it, as it writes that partition's diary documents."""
    return f"{author_id:020d}.{partition:04d}"


def open_read_model(settings: BaseGridamSettings) -> tuple[MongoClient[Document], Collection[Document]] | None:
    """The client and the collection, or None when no read model is configured (read SQL)."""
    if not settings.analytics_mongodb_url:
        return None
    client: MongoClient[Document] = MongoClient(settings.analytics_mongodb_url, serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS)
    return client, client[settings.analytics_mongodb_database][COLLECTION]
