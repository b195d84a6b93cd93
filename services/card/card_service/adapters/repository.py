"""Card queries. Reads are scoped to an author unless a service asks."""

from __future__ import annotations

import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from card_service.adapters.orm import Card, DeletedDiary
from gridam_runtime.db import affected_rows


class CardRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def add(self, card: Card) -> Card:
        self._db.add(card)
        self._db.flush()
        return card

    def get(self, card_id: int) -> Card | None:
        return self._db.get(Card, card_id)

    def latest(self, diary_id: int) -> Card | None:
        return self._db.scalar(select(Card).where(Card.diary_id == diary_id).order_by(Card.version.desc()).limit(1))

    def all_of(self, diary_id: int) -> list[Card]:
        return list(self._db.scalars(select(Card).where(Card.diary_id == diary_id)))

    def page(
        self, author_id: int, size: int, before_id: int | None, diary_ids: list[int] | None = None
    ) -> list[Card]:
        """Newest version of each of the author's diaries (only `diary_ids` when given), newest
        card first, ids below `before_id`."""
        newest = select(func.max(Card.id)).where(Card.author_id == author_id)
        if diary_ids is not None:
            newest = newest.where(Card.diary_id.in_(diary_ids))
        query = select(Card).where(Card.id.in_(newest.group_by(Card.diary_id).scalar_subquery()))
        if before_id is not None:
            query = query.where(Card.id < before_id)
        return list(self._db.scalars(query.order_by(Card.id.desc()).limit(size)))

    def delete_all_of(self, diary_id: int) -> None:
        self._db.execute(delete(Card).where(Card.diary_id == diary_id))

    def image_in_use(self, image_key: str) -> bool:
        count = self._db.scalar(select(func.count()).select_from(Card).where(Card.image_key == image_key))
        return bool(count)

    def is_deleted(self, diary_id: int) -> bool:
        return self._db.get(DeletedDiary, diary_id) is not None

    def forget_deletions_before(self, cutoff: datetime.datetime) -> int:
        return affected_rows(self._db, delete(DeletedDiary).where(DeletedDiary.deleted_at < cutoff))

    def mark_deleted(self, diary_id: int, at: datetime.datetime) -> None:
        if not self.is_deleted(diary_id):
            self._db.add(DeletedDiary(diary_id=diary_id, deleted_at=at))
