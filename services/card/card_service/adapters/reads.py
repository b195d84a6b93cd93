"""The card service's hottest reads (the gallery, the card of a diary and of a day) without ORM
objects or a transaction: statements compiled once (db.PlainRead), run on a connection of the
autocommit read engine that the reading thread keeps (db.HeldReadConnections), rows as named
tuples with the ORM class's attribute names (the servicer turns either into the same protos). The
gain: docs/performance.md."""

from __future__ import annotations

import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, exists, select

from card_service.adapters.orm import Card
from gridam_runtime import db


class CardRow(NamedTuple):
    """What a card's proto carries (not the analysis it was drawn from: keywords, language)."""

    id: int
    diary_id: int
    version: int
    author_id: int
    date: datetime.date
    image_key: str
    dominant: str
    distribution: dict[str, float]
    hashtags: list[str]
    feedback: str
    safety_flag: bool
    created_at: datetime.datetime


_cards = Card.__table__.c
_CARDS = select(*(_cards[name] for name in CardRow._fields))
_newer = Card.__table__.alias("newer").c
# The newest version of its diary: no card of the same diary after it. Versions are recorded in
# id order (a diary's first card, or all of an import's at once in order, then each redraw), so
# this is the diary's MAX(id), read per row from uq_cards_diary_version.
_NEWEST_OF_ITS_DIARY = ~exists().where(_newer.diary_id == _cards.diary_id, _newer.id > _cards.id)


def _page(*, before: bool, diaries: bool) -> db.PlainRead:
    query: Select[Any] = _CARDS.where(_cards.author_id == bindparam("author_id"), _NEWEST_OF_ITS_DIARY)
    if before:
        query = query.where(_cards.id < bindparam("before_id"))
    if diaries:
        query = query.where(_cards.diary_id.in_(bindparam("diary_ids", expanding=True)))
    return db.PlainRead(query.order_by(_cards.id.desc()).limit(bindparam("limit")))


# By (before an id, only some diaries).
_PAGES = {(b, d): _page(before=b, diaries=d) for b in (False, True) for d in (False, True)}
_LATEST_OF_DIARY = db.PlainRead(_CARDS.where(_cards.diary_id == bindparam("diary_id")).order_by(_cards.version.desc()).limit(1))
# The newest version of the card of the author's last diary with a card on that day
# (ix_cards_author_date; a day holds a few cards).
_LATEST_OF_DAY = db.PlainRead(
    _CARDS.where(_cards.author_id == bindparam("author_id"), _cards.date == bindparam("day"))
    .order_by(_cards.diary_id.desc(), _cards.version.desc())
    .limit(1)
)


class CardReads:
    """Dates are passed as ISO text, which both MariaDB and SQLite compare with their DATE
    columns (PlainRead passes parameters to the driver as they are)."""

    def __init__(self, connections: db.HeldReadConnections) -> None:
        self._connections = connections

    def page(self, author_id: int, size: int, before_id: int | None, diary_ids: list[int] | None = None) -> list[CardRow]:
        """The newest version of each of the author's diaries' cards (only `diary_ids` when
        given, which must not be empty), newest card first, ids below `before_id`: one backward
        range of ix_cards_author_id (author_id, id) that stops after `size` cards, however many
        the author has."""
        read = _PAGES[before_id is not None, diary_ids is not None]
        rows = self._connections.rows(read, author_id=author_id, before_id=before_id, diary_ids=diary_ids, limit=size)
        return [CardRow._make(row) for row in rows]

    def latest(self, diary_id: int) -> CardRow | None:
        """The newest version of a diary's card."""
        rows = self._connections.rows(_LATEST_OF_DIARY, diary_id=diary_id)
        return CardRow._make(rows[0]) if rows else None

    def latest_of_day(self, author_id: int, day: datetime.date) -> CardRow | None:
        """The newest version of the card of the author's last diary (the highest id) that has a
        card and was written on `day`."""
        rows = self._connections.rows(_LATEST_OF_DAY, author_id=author_id, day=day.isoformat())
        return CardRow._make(rows[0]) if rows else None
