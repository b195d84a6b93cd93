"""The MongoDB read model of diaries (written by cdc_service's projector, read by the diary and
emotion services' analytics in the distributed profile): one document per diary in the
`diaries` collection, `_id` = `document_id(diary id)`, with the `diary`, `analysis` and `cards`
parts (see cdc_service/domain/read_model.py for the whole shape and why `_id` is text); and
one summary document per author and change-topic partition in the `authors` collection, with
the author's analyses and diary ids of that partition's diaries. The readers read only by `_id`:
FerretDB answers any other filter, `{_id: {$in: [...]}}` included, by reading and decoding the
whole collection. So the statistics read the author's summary documents, and the search and the
word clouds read from them the ids of the author's diaries, then those diary documents one by one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
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


def author_entries(authors: Collection[Document], author_id: int, partitions: int, part: str) -> list[Document]:
    """The live entries of one map ("analyses", "diaries") of the author's summary documents, one
    per change-topic partition (`partitions`: GRIDAM_CDC_TOPIC_PARTITIONS), each read by `_id`."""
    entries = []
    for partition in range(partitions):
        document = authors.find_one({"_id": author_document_id(author_id, partition)}, {part: 1})
        if document is not None:
            entries += [entry for entry in (document.get(part) or {}).values() if entry is not None]
    return entries


def diary_documents(diaries: Collection[Document], diary_ids: Iterable[int], projection: dict[str, int]) -> Iterator[Document]:
    """The documents of `diary_ids` in that order, each read by `_id` alone when the caller asks
    for it (a reader that has what it needs stops early); those not there are left out."""
    for diary_id in diary_ids:
        document = diaries.find_one({"_id": document_id(diary_id)}, projection)
        if document is not None:
            yield document


def open_read_model(settings: BaseGridamSettings) -> tuple[MongoClient[Document], Collection[Document]] | None:
    """The client and the collection, or None when no read model is configured (read SQL)."""
    if not settings.analytics_mongodb_url:
        return None
    client: MongoClient[Document] = MongoClient(settings.analytics_mongodb_url, serverSelectionTimeoutMS=SERVER_SELECTION_TIMEOUT_MS)
    return client, client[settings.analytics_mongodb_database][COLLECTION]
