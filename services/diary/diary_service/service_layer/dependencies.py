"""What the diary use cases are given (bootstrap.py builds them; tests build them on SQLite)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from diary_service.adapters.reads import DiaryReads
from diary_service.adapters.search import DiarySearch
from diary_service.adapters.timeline_heads import TimelineHeads
from diary_service.config import DiarySettings
from diary_service.unit_of_work import UnitOfWork
from gridam.card.v2.card_service_pb2_grpc import CardServiceStub
from gridam.user.v1.user_service_pb2_grpc import UserServiceStub
from gridam_domain.storage import ObjectStorage
from gridam_runtime.auth import Authenticator
from gridam_runtime.db import utcnow
from gridam_runtime.follows import FollowLists
from gridam_runtime.limits import Limiter
from gridam_runtime.tokens import ServiceTokenIssuer


@dataclass(frozen=True)
class Dependencies:
    settings: DiarySettings
    uow: Callable[[], UnitOfWork]
    # The list and the diary of a day (plain reads on the autocommit read engine).
    plain: DiaryReads
    authenticator: Authenticator
    storage: ObjectStorage
    search: DiarySearch
    limiter: Limiter
    clock: Callable[[], datetime.datetime] = utcnow


@dataclass(frozen=True)
class FeedDependencies:
    settings: DiarySettings
    uow: Callable[[], UnitOfWork]
    # Read-only use cases: sessions of the autocommit engine (no ROLLBACK round trip per read).
    reads: Callable[[], UnitOfWork]
    # The timeline and a post's comments (plain reads on the same engine).
    plain: DiaryReads
    authenticator: Authenticator
    # The clients of the services the use cases call (ClientFactory.client: a ServiceClient, typed
    # as the stub of its service).
    users: UserServiceStub
    cards: CardServiceStub
    limiter: Limiter
    service_tokens: ServiceTokenIssuer
    # Followee lists copied from the user service (distributed profile); None: always asked.
    follow_lists: FollowLists | None = None
    # The newest posts of recently read timelines (distributed profile); None: always read.
    timeline_heads: TimelineHeads | None = None


@dataclass(frozen=True)
class NotificationDependencies:
    uow: Callable[[], UnitOfWork]
    plain: DiaryReads
    authenticator: Authenticator
