"""Card regeneration is bounded per user (issue 19, finding 3: each call drew an image and kept a
~400 KB PNG for good, one diary reached 10 versions). SQLite and local storage; the emotion
service, the gpu-worker and the token issuer are the test doubles of test_card_recording."""

from __future__ import annotations

import asyncio

import pytest

from card_service.adapters.orm import Base
from card_service.config import CardSettings
from card_service.service_layer.cards import Cards
from card_service.service_layer.dependencies import Dependencies
from card_service.unit_of_work import UnitOfWork
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from gridam_runtime.context import Identity
from gridam_runtime.errors import ResourceExhausted
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter, Rate
from tests.unit.card.test_card_recording import AUTHOR, DIARY, AnalysisOfTheDiary, ArtDrawer, FixedServiceToken


class TheAuthor:
    """Test double of the authenticator: the pipeline for internal methods, the author otherwise."""

    def require_service(self, _allowed) -> None:
        return None

    def require(self) -> Identity:
        return Identity(user_id=AUTHOR, login_id="haru", session_id="s1", expires_at=2_000_000_000)


@pytest.fixture
def cards(tmp_path):
    engine = db.create_engine(f"sqlite:///{tmp_path / 'card.db'}")
    Base.metadata.create_all(engine)
    sessions = db.session_factory(engine)
    storage = LocalFolderStorage(tmp_path / "media")
    deps = Dependencies(
        settings=CardSettings(data_dir=tmp_path, art_width=64, art_height=64, limit_card_regenerations=Rate(3, 86400)),
        uow=lambda: UnitOfWork(sessions),
        plain=None,  # the gallery and the day's card are not read here
        authenticator=TheAuthor(),
        storage=storage,
        emotion=AnalysisOfTheDiary(),
        diaries=None,
        imagegen=ArtDrawer(),
        service_tokens=FixedServiceToken(),
        limiter=Limiter(InProcessRateLimiter()),
    )
    yield Cards(deps), deps.uow
    engine.dispose()


def test_a_user_draws_a_bounded_number_of_new_versions(cards):
    cards, uow = cards

    async def scenario() -> None:
        await cards.make(DIARY)
        for version in (2, 3, 4):
            assert (await cards.regenerate(DIARY)).version == version
        with pytest.raises(ResourceExhausted) as refused:
            await cards.regenerate(DIARY)
        assert refused.value.reason == "CARD4291"
        # a day from the first of the three, less the seconds the draws took on a busy machine
        assert 86400 - 60 <= refused.value.retry_after_seconds <= 86400

    asyncio.run(scenario())
    with uow() as unit:
        assert [card.version for card in unit.cards.all_of(DIARY)] == [1, 2, 3, 4]  # nothing drawn for the refused one
