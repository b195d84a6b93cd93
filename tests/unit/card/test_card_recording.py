"""A card's image and its row go together: the pipeline's call giving up (cancelled) while the
image is being stored still ends with the card recorded and its image kept, never an image
without a row (SQLite, local storage; the emotion service, the gpu-worker, the authenticator
and the token issuer are test doubles)."""

from __future__ import annotations

import asyncio
import threading

import pytest

from card_service.adapters.orm import Base
from card_service.config import CardSettings
from card_service.service_layer.cards import Cards
from card_service.service_layer.dependencies import Dependencies
from card_service.unit_of_work import UnitOfWork
from gridam.common.v1 import emotion_pb2 as common_pb
from gridam.emotion.v2 import emotion_service_pb2 as emotion_pb
from gridam.imagegen.v2 import imagegen_service_pb2 as imagegen_pb
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter
from tests.support.pngs import art_png, opened_png

DIARY, AUTHOR = 41, 7


class StorageHeldAtPut(LocalFolderStorage):
    """Local storage whose `put` waits until the test releases it."""

    def __init__(self, root) -> None:
        super().__init__(root)
        self.entered, self.released = threading.Event(), threading.Event()

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self.entered.set()
        assert self.released.wait(60), "the test never released the put"
        super().put(key, data, content_type)


class PipelineCaller:
    """Test double of the authenticator: every caller is the diary pipeline."""

    def require_service(self, _allowed) -> None:
        return None


class AnalysisOfTheDiary:
    """Test double of the emotion service's client: one stored analysis."""

    async def GetAnalysis(self, request):
        analysis = emotion_pb.Analysis(
            dominant=common_pb.EMOTION_HAPPY,
            distribution=[common_pb.EmotionShare(emotion=common_pb.EMOTION_HAPPY, fraction=1.0)],
            hashtags=["산책"], feedback="좋은 하루였네요.", language="ko",
        )
        return emotion_pb.GetAnalysisResponse(analysis=analysis, date="2026-11-30", author_id=AUTHOR)


class ArtDrawer:
    """Test double of the gpu-worker's client: the same noise for every request."""

    async def GenerateImage(self, request, timeout=None):
        return imagegen_pb.GenerateImageResponse(png=art_png(request.width, request.height), engine="test")


class FixedServiceToken:
    """Test double of ServiceTokenIssuer: the doubles above never check the token."""

    def token(self) -> str:
        return "service-token"


@pytest.fixture
def cards_and_storage(tmp_path):
    engine = db.create_engine(f"sqlite:///{tmp_path / 'card.db'}")
    Base.metadata.create_all(engine)
    sessions, storage = db.session_factory(engine), StorageHeldAtPut(tmp_path / "media")
    deps = Dependencies(
        settings=CardSettings(data_dir=tmp_path, art_width=64, art_height=64),
        uow=lambda: UnitOfWork(sessions),
        plain=None,  # the gallery and the day's card are not read here
        authenticator=PipelineCaller(),
        storage=storage,
        emotion=AnalysisOfTheDiary(),
        diaries=None,
        imagegen=ArtDrawer(),
        service_tokens=FixedServiceToken(),
        limiter=Limiter(InProcessRateLimiter()),
    )
    yield Cards(deps), storage, deps.uow
    engine.dispose()


def test_a_caller_giving_up_while_the_image_is_stored_still_leaves_the_card_recorded(cards_and_storage):
    cards, storage, uow = cards_and_storage

    async def give_up_during_the_put() -> None:
        making = asyncio.create_task(cards.make(DIARY))
        assert await asyncio.to_thread(storage.entered.wait, 60), "the image was never stored"
        making.cancel()
        with pytest.raises(asyncio.CancelledError):
            await making
        storage.released.set()

    asyncio.run(give_up_during_the_put())  # returns once the storing thread has ended

    with uow() as unit:
        [card] = unit.cards.all_of(DIARY)
    assert (card.version, card.author_id, card.hashtags) == (1, AUTHOR, ["산책"])
    opened_png(storage.get(card.image_key).data)  # the recorded card's image is there
    assert [p.name for p in (storage.root / "cards").rglob("*.png")] == [card.image_key.rsplit("/", 1)[-1]]
