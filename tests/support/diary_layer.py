"""The diary service layers (diaries, feed, notifications) wired in process on a migrated
database, as bootstrap wires them but with the embedded profile's in-process state. The user
and card services are whatever clients the test passes: normally their own layers called in
process (tests/support/in_process.py)."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy

from diary_service.adapters.orm import diary_jobs
from diary_service.adapters.reads import DiaryReads
from diary_service.adapters.search import SqlDiarySearch
from diary_service.adapters.timeline_heads import TimelineHeads
from diary_service.bootstrap import DISCOVERY_NAME, MIGRATIONS_DIR
from diary_service.config import DiarySettings
from diary_service.service_layer.dependencies import Dependencies, FeedDependencies, NotificationDependencies
from diary_service.service_layer.diaries import Diaries
from diary_service.service_layer.feed import Feed
from diary_service.service_layer.notifications import Notifications
from diary_service.servicer import DiaryServicer
from diary_service.unit_of_work import NOT_ANNOUNCED, Announcements, UnitOfWork
from gridam_devtools.keys import ensure_keys
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from gridam_runtime.auth import Authenticator
from gridam_runtime.follows import FollowLists
from gridam_runtime.jobs import JobQueue
from gridam_runtime.kv import build_state
from gridam_runtime.limits import Limiter
from gridam_runtime.tokens import ServiceTokenIssuer
from tests.support.migrated import migrate


@dataclasses.dataclass(frozen=True)
class DiaryLayer:
    uow: Callable[[], UnitOfWork]
    jobs: JobQueue
    engine: sqlalchemy.Engine
    diaries: Diaries
    feed: Feed
    notifications: Notifications

    @property
    def servicer(self) -> DiaryServicer:
        """The gRPC servicer, for the other services' layers to call in process."""
        return DiaryServicer(self.diaries, self.feed, self.notifications)


@contextlib.contextmanager
def diary_layer(
    settings: DiarySettings, *, users: Any, cards: Any, follow_lists: FollowLists | None = None,
    timeline_heads: TimelineHeads | None = None, announcements: Announcements = NOT_ANNOUNCED,
) -> Iterator[DiaryLayer]:
    """`users` and `cards`: the clients of the user and card services; `follow_lists` and
    `timeline_heads`: the feed's copies of followee lists and of timelines' newest posts, and
    `announcements` where its writes tell the copies kept of posts and diaries (the distributed
    profile's), none by default."""
    ensure_keys(settings.keys_dir)
    migrate(MIGRATIONS_DIR, settings.database)
    engine = db.create_engine(settings.database)
    read_engine = db.create_engine(settings.database, autocommit=True)
    sessions, read_sessions = db.session_factory(engine), db.session_factory(read_engine)
    jobs = JobQueue(diary_jobs)
    limits, revocations, _ = build_state("", settings.data_dir)
    limiter = Limiter(limits)
    authenticator = Authenticator.for_service(settings, revocations, service_callers=())

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions, jobs, announcements)

    def reads() -> UnitOfWork:
        return UnitOfWork(read_sessions, jobs)

    read_connections = db.HeldReadConnections(read_engine)
    plain_reads = DiaryReads(read_connections)
    diaries = Diaries(Dependencies(settings=settings, uow=uow, plain=plain_reads, authenticator=authenticator,
                                   storage=LocalFolderStorage(settings.media_root), search=SqlDiarySearch(reads),
                                   limiter=limiter))
    feed = Feed(FeedDependencies(settings=settings, uow=uow, reads=reads, plain=plain_reads, authenticator=authenticator, users=users,
                                 cards=cards, limiter=limiter,
                                 service_tokens=ServiceTokenIssuer.from_keys_dir(settings.keys_dir, DISCOVERY_NAME),
                                 follow_lists=follow_lists, timeline_heads=timeline_heads))
    try:
        yield DiaryLayer(uow, jobs, engine, diaries, feed, Notifications(NotificationDependencies(uow, plain_reads, authenticator)))
    finally:
        read_connections.close()
        read_engine.dispose()
        engine.dispose()
