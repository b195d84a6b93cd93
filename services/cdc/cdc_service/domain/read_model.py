"""The MongoDB read model: one document per diary, and how changes become writes to it.

    {_id: "<diary id, 20 digits>", author_id, date,  (identity: from the diary row, else from the
                                                       first part that created the document)
     diary: {...} | null,                            (the diaries row; null once deleted)
     analysis: {...} | null,                         (the diary_analyses row)
     cards: {"<card id>": {id, version, ...} | null},   (a summary of each card row)
     v: {diary: <version>, analysis: <version>, cards: {"<card id>": <version>}}}

Each part carries the version of the change that wrote it (`v.<part>`) and is only written by a
larger one, so replays and reordering change nothing. A delete keeps the part as null with its
version (a tombstone): an older change replayed later cannot bring it back. A document whose
every part is deleted is removed by the projector (`live_parts`). Readers ignore documents
whose `diary` is null (deleted, or not projected yet); a diary's card is its card with the
highest `version` that is not null.

The projector writes a document by its `_id` alone (`merge` below compares versions with what it
read), because a filter on anything else makes FerretDB v1 scan the whole collection per write;
one projector at a time writes a given document (every change of a diary is on the same
partition number of each change topic: `document_partition`). `_id` is the diary id as
zero-padded text: FerretDB looks up only text (or ObjectId) `_id`s by index, and the padding
keeps text order equal to number order (newest first in search).

Next to them, one summary document per author and partition (`authors` collection, `_id` =
`author_document_id`), which the readers read by `_id` instead of querying the diaries (the
statistics its analyses; the search and the word clouds the ids of the author's diaries and
analysed diaries, whose documents they then read by `_id`, one at a time):

    {_id: "<author id, 20 digits>.<partition, 4 digits>", author_id,
     analyses: {"<diary document id>": {diary_id, date, dominant} | null},
     diaries: {"<diary document id>": {diary_id} | null},
     v: {analyses: {"<diary document id>": <version>}, diaries: {...}}}

Its entries come from the same `diary_analyses` and `diaries` changes and follow the same rules
(versions, tombstones, removal once no entry is live); an author's diaries are spread over the
partitions, so keying it by partition too keeps one writer per document, the partition's projector.

Values are typed for queries: JSON text columns decoded, TINYINT(1) flags as booleans, DATETIME
(naive UTC) as dates; DATE stays YYYY-MM-DD text. FerretDB stores no nested arrays, so
`keywords` ([[word, weight], ...]) become [{word, weight}, ...].
"""

from __future__ import annotations

import datetime
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from cdc_service.domain.envelope import DELETE, Change
from gridam_domain.read_model import author_document_id, document_id


def _json(value: Any) -> Any:
    return orjson.loads(value) if isinstance(value, str) else value


def _flag(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _datetime(value: Any) -> datetime.datetime | None:
    return None if value is None else datetime.datetime.fromisoformat(value)


def _keywords(value: Any) -> list[dict[str, Any]] | None:
    words = _json(value)
    return None if words is None else [{"word": word, "weight": weight} for word, weight in words]


@dataclass(frozen=True)
class TableProjection:
    """How the rows of one captured table land in the diary document."""

    part: str
    diary_id_column: str
    # Typed columns (the others are kept as they come).
    columns: Mapping[str, Callable[[Any], Any]]
    # The row is one entry of a map keyed by this column (the part is then `<part>.<key>`).
    entry_column: str | None = None
    # Only these columns are kept (all when empty).
    summary: tuple[str, ...] = ()
    # Whether this row's author_id and date are the document's (else they only fill a new one).
    owns_identity: bool = False

    def path(self, row: Mapping[str, Any]) -> str:
        return self.part if self.entry_column is None else f"{self.part}.{row[self.entry_column]}"

    def value(self, row: Mapping[str, Any]) -> dict[str, Any]:
        kept = {name: row[name] for name in self.summary} if self.summary else row
        return {name: self.columns[name](value) if name in self.columns else value for name, value in kept.items()}


# Captured tables by name (the schema is the owning service's and may be configured).
TABLES: Mapping[str, TableProjection] = {
    "diaries": TableProjection(
        part="diary",
        diary_id_column="id",
        columns={"hashtags": _json, "created_at": _datetime},
        owns_identity=True,
    ),
    "diary_analyses": TableProjection(
        part="analysis",
        diary_id_column="diary_id",
        columns={
            "distribution": _json,
            "hashtags": _json,
            "keywords": _keywords,
            "safety_flag": _flag,
            "created_at": _datetime,
        },
    ),
    "cards": TableProjection(
        part="cards",
        diary_id_column="diary_id",
        columns={"hashtags": _json, "safety_flag": _flag, "created_at": _datetime},
        entry_column="id",
        summary=("id", "version", "dominant", "image_key", "hashtags", "safety_flag", "created_at"),
    ),
}


@dataclass(frozen=True)
class PartWrite:
    """What one change sets in its diary's document: the part at `path`, at `version`."""

    document_id: str
    path: str  # "diary", "analysis" or "cards.<card id>"
    version: int
    value: dict[str, Any] | None  # None: a tombstone
    identity: dict[str, Any]  # author_id and date
    owns_identity: bool


def part_write(change: Change) -> PartWrite:
    table = _projection(change.table)
    row = change.row
    return PartWrite(
        document_id=document_id(row[table.diary_id_column]),
        path=table.path(row),
        version=change.version,
        value=None if change.op == DELETE else table.value(row),
        identity={"author_id": row["author_id"], "date": row["date"]},
        owns_identity=table.owns_identity,
    )


@dataclass(frozen=True)
class SummaryEntries:
    """Which entries of the author's summary documents one captured table's rows are."""

    part: str  # the map of the summary document
    columns: tuple[str, ...] = ()  # what an entry keeps besides the diary id


# Captured tables whose rows are also entries of their author's summary documents.
SUMMARIES: Mapping[str, SummaryEntries] = {
    "diary_analyses": SummaryEntries(part="analyses", columns=("date", "dominant")),
    "diaries": SummaryEntries(part="diaries"),
}


def summary_write(change: Change, partition: int) -> PartWrite | None:
    """What a diary or analysis change sets in its author's summary document for `partition` (the
    change's topic partition); None for the other tables."""
    entries = SUMMARIES.get(change.table)
    if entries is None:
        return None
    row = change.row
    diary_id = row[_projection(change.table).diary_id_column]
    return PartWrite(
        document_id=author_document_id(row["author_id"], partition),
        path=f"{entries.part}.{document_id(diary_id)}",
        version=change.version,
        value=None if change.op == DELETE else {"diary_id": diary_id, **{name: row[name] for name in entries.columns}},
        identity={"author_id": row["author_id"]},
        owns_identity=False,
    )


def document_partition(change: Change, partitions: int) -> int:
    """The partition of `change` in its topic: the same number for every change of a diary in
    every change topic (they have as many partitions), so the projector that owns it sees all of
    the document's changes, in order per row."""
    return diary_partition(change.row[_projection(change.table).diary_id_column], partitions)


def diary_partition(diary_id: int, partitions: int) -> int:
    """The partition number of every change of a diary."""
    return zlib.crc32(document_id(diary_id).encode()) % partitions


@dataclass(frozen=True)
class Merged:
    update: dict[str, Any] | None  # None: nothing to write
    # Per write: applied, or stale (a version at least as new is stored or came before it).
    applied: tuple[bool, ...]
    # The document's part versions once the update is written ("cards.77": ...).
    versions: dict[str, int]

    def new_document(self, document_id: str) -> dict[str, Any]:
        """The document the update creates when there is none (an insert instead of an upsert)."""
        document: dict[str, Any] = {"_id": document_id}
        assert self.update is not None
        for path, value in (self.update.get("$setOnInsert", {}) | self.update["$set"]).items():
            *parents, leaf = path.split(".")
            node = document
            for key in parents:
                node = node.setdefault(key, {})
            node[leaf] = value
        return document


def merge(stored: Mapping[str, int] | None, writes: Sequence[PartWrite]) -> Merged:
    """One update of a document that applies, in order, each of `writes` newer than the part's
    version in `stored` (its part versions, flat as `versions_of` gives them; None for no
    document)."""
    versions = dict(stored or {})
    values: dict[str, Any] = {}
    identity: dict[str, Any] = {}
    owned = False
    applied = []
    for write in writes:
        newer = versions.get(write.path, -1) < write.version
        applied.append(newer)
        if not newer:
            continue
        versions[write.path] = write.version
        values[write.path] = write.value
        values[f"v.{write.path}"] = write.version
        if write.owns_identity:
            identity, owned = write.identity, True
        elif not owned and not identity:
            identity = write.identity
    if not values:
        return Merged(None, tuple(applied), versions)
    update = {"$set": values | identity} if owned else {"$set": values, "$setOnInsert": identity}
    return Merged(update, tuple(applied), versions)


def live_parts(document: Mapping[str, Any]) -> list[str]:
    """The parts of a stored document that are not deleted ("diary", "analysis", "cards.<id>")."""
    live = [part for part in ("diary", "analysis") if document.get(part) is not None]
    return live + [f"cards.{key}" for key, card in (document.get("cards") or {}).items() if card is not None]


def live_entries(document: Mapping[str, Any]) -> list[str]:
    """The entries of a stored summary document that are not deleted ("analyses.<id>", "diaries.<id>")."""
    return [
        f"{entries.part}.{key}"
        for entries in SUMMARIES.values()
        for key, entry in (document.get(entries.part) or {}).items()
        if entry is not None
    ]


def versions_of(document: Mapping[str, Any]) -> dict[str, int]:
    """A stored document's part versions (its `v`), flat: {"diary": ..., "cards.77": ...}."""
    return dict(_leaves(document.get("v") or {}))


def _leaves(versions: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, int]]:
    for key, value in versions.items():
        if isinstance(value, Mapping):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def require_projections(tables: Iterable[str]) -> None:
    """Exit naming GRIDAM_CDC_TABLES when a captured table has no projection (both deployables
    need one for every table: the reader to partition its changes, the projector to write them)."""
    unknown = set(tables) - TABLES.keys()
    if unknown:
        raise SystemExit(f"GRIDAM_CDC_TABLES: no projection for {', '.join(sorted(unknown))}")


def _projection(table: str) -> TableProjection:
    try:
        return TABLES[table]
    except KeyError:
        raise ValueError(f"no projection for table {table!r}") from None
