"""A deleted diary's photo is removed unless another diary uses the same content-addressed
object, also when that other diary is written while the purge runs (SQLite, local storage)."""

from __future__ import annotations

import datetime

from diary_service.adapters.orm import Diary
from diary_service.service_layer.pipeline import DiaryPipeline
from gridam_domain.storage import LocalFolderStorage

KEY = "diary-photos/ab/photo.jpg"


class StorageWithAWriterInBetween(LocalFolderStorage):
    """Local storage where a diary with the same photo is committed just before the purge
    removes the object (after the purge found the photo unused): the race of the two."""

    def __init__(self, root, write_diary) -> None:
        super().__init__(root)
        self._write_diary = write_diary

    def delete(self, key: str) -> None:
        self._write_diary()
        super().delete(key)


def write_diary(uow) -> None:
    with uow() as unit:
        unit.add_diary(Diary(author_id=1, title="같은 사진", content="다시 쓴 일기", date=datetime.date(2026, 11, 24),
                               photo_key=KEY, hashtags=[], analysis_state="pending",
                               created_at=datetime.datetime(2026, 11, 24, 12)))
        unit.commit()


def pipeline(uow, storage) -> DiaryPipeline:
    return DiaryPipeline(uow=uow, jobs=None, emotion=None, cards=None, users=None, storage=storage, service_tokens=None)


def test_an_unused_photo_is_removed(uow, tmp_path):
    storage = LocalFolderStorage(tmp_path / "media")
    storage.put(KEY, b"jpeg bytes", "image/jpeg")
    pipeline(uow, storage)._forget_photo(KEY)
    assert not storage.exists(KEY)


def test_a_photo_a_diary_starts_using_during_the_purge_is_kept(uow, tmp_path):
    storage = StorageWithAWriterInBetween(tmp_path / "media", lambda: write_diary(uow))
    storage.put(KEY, b"jpeg bytes", "image/jpeg")
    pipeline(uow, storage)._forget_photo(KEY)
    kept = storage.get(KEY)
    assert kept is not None and (kept.data, kept.content_type) == (b"jpeg bytes", "image/jpeg")
