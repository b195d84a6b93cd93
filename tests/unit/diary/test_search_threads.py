"""Searches run on threads of their own (Diaries.search): however many slow searches are under way,
writing a diary — which waits for one of the default executor's threads — is not held up by them.
The search is the real SQL one over SQLite, held inside by an event until the test lets it go."""

from __future__ import annotations

import asyncio
import threading

from diary_service.adapters.search import SqlDiarySearch
from diary_service.config import DiarySettings
from diary_service.service_layer.dependencies import Dependencies
from diary_service.service_layer.diaries import Diaries
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter
from tests.support.callers import Caller


class HeldSearch(SqlDiarySearch):
    """The SQL search, waiting for `release` before it reads (a search over thousands of diaries)."""

    def __init__(self, uow) -> None:
        super().__init__(uow)
        self.release = threading.Event()
        self.started = 0

    def search(self, author_id, text, before_id, limit):
        self.started += 1
        self.release.wait(timeout=30)
        return super().search(author_id, text, before_id, limit)


async def test_slow_searches_do_not_hold_up_writes(uow, reads, tmp_path):
    search = HeldSearch(uow)
    diaries = Diaries(Dependencies(
        settings=DiarySettings(), uow=uow, plain=reads, authenticator=Caller(1),
        storage=LocalFolderStorage(tmp_path / "media"), search=search, limiter=Limiter(InProcessRateLimiter()),
    ))
    searches = [asyncio.create_task(diaries.search("바다", 20, 0)) for _ in range(40)]  # more than the default executor's threads
    try:
        written = await asyncio.wait_for(diaries.create("바다", "바다를 보러 갔다", b""), timeout=10)
        assert written.id > 0 and search.started <= 2 and not any(task.done() for task in searches)
    finally:
        search.release.set()
    found = await asyncio.gather(*searches)
    assert all([diary.id for diary in page] == [written.id] for page, _next in found)
