"""Sharing a card of a hard day (SQLite; the card service is a test double answering GetCard): a
card of a safety-flagged diary goes to the feed only with an explicit confirmation, any other
card as before."""

from __future__ import annotations

import asyncio
import datetime

import pytest

from diary_service.adapters.orm import Diary
from diary_service.config import DiarySettings
from diary_service.service_layer.dependencies import FeedDependencies
from diary_service.service_layer.feed import Feed
from gridam.card.v2 import card_service_pb2 as card_pb
from gridam_runtime.context import Identity
from gridam_runtime.errors import FailedPrecondition
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter

NOW = datetime.datetime(2026, 12, 7, 12)
AUTHOR = Identity(user_id=7, login_id="haru", session_id="s1", expires_at=2_000_000_000)
FLAGGED_CARD, ORDINARY_CARD = 71, 72


class SignedIn:
    """Test double of Authenticator: the author is signed in."""

    def require(self) -> Identity:
        return AUTHOR


class Cards:
    """Test double of the card service's client: the author's two cards, one of a flagged diary."""

    def __init__(self, diaries: dict[int, int]) -> None:
        self._diaries = diaries  # card id -> diary id

    async def GetCard(self, request):
        card = card_pb.Card(id=request.card_id, diary_id=self._diaries[request.card_id], author_id=AUTHOR.user_id,
                            safety_flag=request.card_id == FLAGGED_CARD)
        return card_pb.GetCardResponse(card=card)


@pytest.fixture
def feed(uow, reads) -> Feed:
    diaries = {}
    with uow() as unit:
        for card_id in (FLAGGED_CARD, ORDINARY_CARD):
            diary = unit.add_diary(Diary(author_id=AUTHOR.user_id, title="하루", content="일기", date=NOW.date(),
                                           created_at=NOW))
            diaries[card_id] = diary.id
        unit.commit()
    return Feed(
        FeedDependencies(
            settings=DiarySettings(), uow=uow, reads=uow, plain=reads, authenticator=SignedIn(), users=None, cards=Cards(diaries),
            limiter=Limiter(InProcessRateLimiter()), service_tokens=None,
        )
    )


def posted_cards(uow) -> list[int]:
    with uow() as unit:
        return [post.card_id for post in unit.posts.of_author(AUTHOR.user_id, ("PUBLIC", "FOLLOWERS", "PRIVATE"))]


@pytest.mark.parametrize("audience", ["PUBLIC", "FOLLOWERS", "PRIVATE"])
def test_a_flagged_card_is_refused_without_the_confirmation_and_nothing_is_posted(feed, uow, audience):
    with pytest.raises(FailedPrecondition) as refused:
        asyncio.run(feed.create(FLAGGED_CARD, "오늘의 카드", audience, confirm_sensitive=False))
    assert refused.value.reason == "FEED4007"
    assert posted_cards(uow) == []


def test_a_flagged_card_is_shared_with_the_confirmation(feed, uow):
    view = asyncio.run(feed.create(FLAGGED_CARD, "오늘의 카드", "PUBLIC", confirm_sensitive=True))
    assert view.post.card_id == FLAGGED_CARD
    assert posted_cards(uow) == [FLAGGED_CARD]


@pytest.mark.parametrize("confirmed", [False, True])
def test_an_ordinary_card_is_shared_with_or_without_the_confirmation(feed, uow, confirmed):
    asyncio.run(feed.create(ORDINARY_CARD, "오늘의 카드", "PUBLIC", confirm_sensitive=confirmed))
    assert posted_cards(uow) == [ORDINARY_CARD]
