"""Card queries in a unit of work's ORM session (the gallery, the card of a diary and of a day: adapters/reads.py)."""

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
