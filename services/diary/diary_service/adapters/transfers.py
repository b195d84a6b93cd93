"""Queries of exports and imports (docs/export-import.md): their rows, and what an export reads
of its owner a page at a time."""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from diary_service.adapters.orm import TRANSFER_RUNNING, Diary, Export, FeedComment, FeedPost, Import
from gridam_runtime.db import affected_rows

TransferT = TypeVar("TransferT", Export, Import)


class TransferRepository:
    def __init__(self, db: Session) -> None:
        self._db = db

    def add(self, row: TransferT) -> TransferT:
        self._db.add(row)
        self._db.flush()  # assigns the id; a second running one of the user fails here
        return row

    def save(self, row: Export | Import) -> None:
        self._db.merge(row)

    def export(self, export_id: int) -> Export | None:
        return self._db.get(Export, export_id)

    def import_(self, import_id: int) -> Import | None:
        return self._db.get(Import, import_id)

    def running_import(self, user_id: int) -> Import | None:
        return self._db.scalar(select(Import).where(Import.active_user_id == user_id))

    def archives_in_use(self, keys: list[str]) -> set[str]:
        """Which of these archive keys a running import still reads."""
        query = select(Import.archive_key).where(Import.archive_key.in_(keys), Import.state == TRANSFER_RUNNING)
        return set(self._db.scalars(query))

    def advance(self, model: type[Export] | type[Import], row_id: int, expected: dict[str, Any], values: dict[str, Any]) -> bool:
        """Update a running row only if it still holds `expected` (nobody advanced it meanwhile)."""
        conditions = [getattr(model, name) == value for name, value in expected.items()]
        query = update(model).where(model.id == row_id, model.state == TRANSFER_RUNNING, *conditions).values(**values)
        return affected_rows(self._db, query) == 1

    def diaries_after(self, author_id: int, after_id: int, limit: int) -> list[Diary]:
        query = select(Diary).where(Diary.author_id == author_id, Diary.id > after_id)
        return list(self._db.scalars(query.order_by(Diary.id).limit(limit)))

    def same_diary(self, author_id: int, day: datetime.date, title: str, content: str) -> Diary | None:
        """The author's diary of that day with this title and content (an import's key)."""
        query = select(Diary).where(Diary.author_id == author_id, Diary.date == day, Diary.title == title)
        return next((d for d in self._db.scalars(query) if d.content == content), None)

    def posts_of(self, author_id: int) -> list[FeedPost]:
        return list(self._db.scalars(select(FeedPost).where(FeedPost.author_id == author_id).order_by(FeedPost.id)))

    def diary_dates(self, diary_ids: set[int]) -> dict[int, datetime.date]:
        return dict(self._db.execute(select(Diary.id, Diary.date).where(Diary.id.in_(diary_ids))).all())

    def comments_elsewhere(self, author_id: int) -> list[tuple[FeedComment, str]]:
        """The author's comments on other people's posts, with each post's author's login id."""
        query = (
            select(FeedComment, FeedPost.author_login_id)
            .join(FeedPost, FeedPost.id == FeedComment.post_id)
            .where(FeedComment.author_id == author_id, FeedPost.author_id != author_id)
            .order_by(FeedComment.id)
        )
        return [(comment, login_id) for comment, login_id in self._db.execute(query)]
