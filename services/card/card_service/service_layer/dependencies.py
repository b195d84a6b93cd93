"""What the card use cases are given (bootstrap.py builds it; tests build it on SQLite)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from card_service.adapters.reads import CardReads
from card_service.config import CardSettings
from card_service.unit_of_work import UnitOfWork
from gridam.diary.v1.diary_service_pb2_grpc import DiaryServiceStub
from gridam.emotion.v2.emotion_service_pb2_grpc import EmotionServiceStub
from gridam.imagegen.v2.imagegen_service_pb2_grpc import ImageGenServiceStub
from gridam_domain.storage import ObjectStorage
from gridam_runtime.auth import Authenticator
from gridam_runtime.db import utcnow
from gridam_runtime.latest_diaries import LatestDiaries
from gridam_runtime.limits import Limiter
from gridam_runtime.tokens import ServiceTokenIssuer


@dataclass(frozen=True)
class Dependencies:
    settings: CardSettings
    uow: Callable[[], UnitOfWork]
    # The gallery, the card of a diary and of a day (plain reads on the autocommit read engine).
    plain: CardReads
    authenticator: Authenticator
    storage: ObjectStorage
    # The clients of the services the use cases call (ClientFactory.client: a ServiceClient, typed
    # as the stub of its service).
    emotion: EmotionServiceStub
    diaries: DiaryServiceStub  # a day's latest diary; who may see which posts
    imagegen: ImageGenServiceStub
    service_tokens: ServiceTokenIssuer
    limiter: Limiter
    clock: Callable[[], datetime.datetime] = utcnow
    # The latest diary of each author's day, copied from the diary service (distributed profile);
    # None: always asked.
    latest_diaries: LatestDiaries | None = None
