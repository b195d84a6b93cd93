"""The MongoDB read model: one document per diary, and how a change becomes a write to it.

    {_id: <diary id>, author_id, date,               (from the diary row, else from the first
                                                       part that created the document)
     diary: {...} | null,                            (the diaries row; null once deleted)
     analysis: {...} | null,                         (the diary_analyses row)
     cards: {"<card id>": {id, version, ...} | null},   (a summary of each card row)
     v: {diary: <version>, analysis: <version>, cards: {"<card id>": <version>}}}

Each part carries the version of the change that wrote it (`v.<part>`) and is only written by a
larger one, so replays and reordering change nothing. A delete keeps the part as null with its
version (a tombstone): an older change replayed later cannot bring it back. Documents are never
removed. Readers ignore documents whose `diary` is null (deleted, or not projected yet); a
diary's card is its card with the highest `version` that is not null.

Values are typed for queries: JSON text columns decoded, TINYINT(1) flags as booleans, DATETIME
(naive UTC) as dates; DATE stays YYYY-MM-DD text. FerretDB stores no nested arrays, so
`keywords` ([[word, weight], ...]) become [{word, weight}, ...].
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from cdc_service.envelope import DELETE, Change


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
class Write:
    """A guarded upsert: update_one(filter, update, upsert=True)."""

    filter: dict[str, Any]
    update: dict[str, Any]


def write_for(change: Change) -> Write:
    """The write that applies `change` to its diary's document, unless a version at least as
    large is stored for the same part."""
    try:
        table = TABLES[change.table]
    except KeyError:
        raise ValueError(f"no projection for table {change.table!r}") from None
    row = change.row
    diary_id = row[table.diary_id_column]
    path = table.path(row)
    version_path = f"v.{path}"
    identity = {"author_id": row["author_id"], "date": row["date"]}
    values = {path: None if change.op == DELETE else table.value(row), version_path: change.version}
    update = {"$set": values | identity} if table.owns_identity else {"$set": values, "$setOnInsert": identity}
    guard = {"$or": [{version_path: {"$exists": False}}, {version_path: {"$lt": change.version}}]}
    return Write({"_id": diary_id, **guard}, update)
