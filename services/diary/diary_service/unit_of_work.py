"""Unit of work: one database transaction, rolled back unless `commit()` is called.

Diaries and the jobs owed for them share the transaction, so a diary never exists without
its analysis job, nor a purge job without the deletion that owes it.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session as DbSession

from diary_service.adapters.repository import DiaryRepository
from gridam_runtime.jobs import JobQueue


class UnitOfWork:
    def __init__(self, session_factory: Callable[[], DbSession], jobs: JobQueue) -> None:
        self._session_factory = session_factory
        self._jobs = jobs

    def __enter__(self) -> UnitOfWork:
        self._db = self._session_factory()
        self.diaries = DiaryRepository(self._db)
        return self

    def __exit__(self, *exc_info: object) -> None:
        # close() rolls back whatever was not committed and keeps returned objects readable.
        self._db.close()

    def owe(self, kind: str, diary_id: int, payload: str = "") -> None:
        self._jobs.enqueue(self._db.connection(), kind, diary_id, payload)

    def cancel_owed(self, kind: str, diary_id: int) -> None:
        self._jobs.cancel(self._db.connection(), kind, diary_id)

    def connection(self):
        return self._db.connection()

    def commit(self) -> None:
        self._db.commit()
