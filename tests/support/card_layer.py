"""The card service layer wired in process on a migrated database, as bootstrap wires it but
with the embedded profile's in-process state and local storage. The emotion service and the
gpu-worker are the test doubles below (an analysis is the emotion service's model at work, a
drawing the GPU's); the diary service is whatever client the test passes, normally its own
layer called in process (tests/support/in_process.py)."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from collections.abc import Callable, Iterator
from typing import Any

from card_service.adapters.reads import CardReads
from card_service.bootstrap import DISCOVERY_NAME, MIGRATIONS_DIR
from card_service.config import CardSettings
from card_service.service_layer.cards import Cards
from card_service.service_layer.dependencies import Dependencies
from card_service.servicer import CardServicer
from card_service.unit_of_work import UnitOfWork
from gridam.common.v1 import emotion_pb2 as common_pb
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam.imagegen.v2 import imagegen_service_pb2 as imagegen_pb
from gridam_devtools.keys import ensure_keys
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from gridam_runtime.auth import Authenticator
from gridam_runtime.errors import NotFound
from gridam_runtime.kv import build_state
from gridam_runtime.limits import Limiter
from gridam_runtime.tokens import ServiceTokenIssuer
from tests.support.migrated import migrate
from tests.support.pngs import art_png


class StoredAnalyses:
    """Test double of the emotion service's client: the analyses a test stored, by diary."""

    def __init__(self) -> None:
        self._replies: dict[int, emotion_pb.GetAnalysisResponse] = {}

    def store(self, diary_id: int, author_id: int, date: datetime.date, *, safety_flag: bool = False,
              hashtags: tuple[str, ...] = ("산책", "친구"), feedback: str = "좋은 하루였네요.") -> None:
        analysis = emotion_pb.Analysis(
            dominant=common_pb.EMOTION_SAD if safety_flag else common_pb.EMOTION_HAPPY,
            distribution=[common_pb.EmotionShare(emotion=common_pb.EMOTION_HAPPY, fraction=0.7),
                          common_pb.EmotionShare(emotion=common_pb.EMOTION_SAD, fraction=0.3)],
            hashtags=list(hashtags), keywords=[emotion_pb.Keyword(word=tag, weight=1.0) for tag in hashtags],
            feedback=feedback, safety_flag=safety_flag, language="ko",
        )
        self._replies[diary_id] = emotion_pb.GetAnalysisResponse(analysis=analysis, date=date.isoformat(),
                                                                 author_id=author_id)

    async def GetAnalysis(self, request, timeout=None):
        if request.diary_id not in self._replies:
            raise NotFound("EMOTION4041", "no analysis of this diary")
        return self._replies[request.diary_id]


class ArtDrawer:
    """Test double of the gpu-worker's client: noise of the requested size; keeps the requests."""

    def __init__(self) -> None:
        self.requests: list[imagegen_pb.GenerateImageRequest] = []

    async def GenerateImage(self, request, timeout=None):
        self.requests.append(request)
        return imagegen_pb.GenerateImageResponse(png=art_png(request.width, request.height), engine="test")


@dataclasses.dataclass(frozen=True)
class CardLayer:
    cards: Cards
    uow: Callable[[], UnitOfWork]
    analyses: StoredAnalyses
    drawer: ArtDrawer
    pipeline_token: Callable[[], str]  # what the diary pipeline calls the internal methods with

    @property
    def servicer(self) -> CardServicer:
        """The gRPC servicer, for the other services' layers to call in process."""
        return CardServicer(self.cards)


@contextlib.contextmanager
def card_layer(settings: CardSettings, *, diaries: Any, **overrides: Any) -> Iterator[CardLayer]:
    """`diaries`: the client of the diary service. `overrides`: other Dependencies fields."""
    ensure_keys(settings.keys_dir)
    migrate(MIGRATIONS_DIR, settings.database)
    engine = db.create_engine(settings.database)
    read_engine = db.create_engine(settings.database, autocommit=True)
    read_connections = db.HeldReadConnections(read_engine)
    sessions = db.session_factory(engine)
    limits, revocations, _ = build_state("", settings.data_dir)
    analyses, drawer = StoredAnalyses(), ArtDrawer()
    deps = Dependencies(
        settings=settings,
        uow=lambda: UnitOfWork(sessions),
        plain=CardReads(read_connections),
        authenticator=Authenticator.for_service(settings, revocations, service_callers=()),
        storage=LocalFolderStorage(settings.media_root),
        emotion=analyses,
        diaries=diaries,
        imagegen=drawer,
        service_tokens=ServiceTokenIssuer.from_keys_dir(settings.keys_dir, DISCOVERY_NAME),
        limiter=Limiter(limits),
    )
    deps = dataclasses.replace(deps, **overrides)
    try:
        yield CardLayer(Cards(deps), deps.uow, analyses, drawer, ServiceTokenIssuer.from_keys_dir(settings.keys_dir, "gridam-diary").token)
    finally:
        read_connections.close()
        read_engine.dispose()
        engine.dispose()
