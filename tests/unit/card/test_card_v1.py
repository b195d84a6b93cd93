"""gridam.card.v1, served beside v2 for one release (docs/protos.md): a v1 caller gets the cards
of the same use cases in v1's terms (emotion keys, numeric cursors), and what it sends is read
into v2's typed emotions. The services' layers in process (tests/support/in_process.py)."""

from __future__ import annotations

import pytest

from card_service.servicer import CardV1Servicer
from gridam.card.v1 import card_service_pb2 as v1
from gridam.card.v2 import card_service_pb2 as v2
from gridam.common.v1 import emotion_pb2 as common
from gridam_runtime import context, validation
from gridam_runtime.errors import InvalidArgument
from tests.support.pngs import art_png


async def test_a_v1_caller_reads_a_card_with_emotion_keys(world):
    await world.sign_up("haru")
    _, card_id = await world.card("haru")
    current = world.cards.servicer
    old = CardV1Servicer(current)

    card = (await old.GetCard(v1.GetCardRequest(card_id=card_id), None)).card
    now = (await current.GetCard(v2.GetCardRequest(card_id=card_id), None)).card

    assert isinstance(card, v1.Card)
    assert (card.dominant, dict(card.distribution)) == ("HAPPY", {"HAPPY": 0.7, "SAD": 0.3})  # the analysis double's
    assert (now.dominant, [(s.emotion, s.fraction) for s in now.distribution]) == (
        common.EMOTION_HAPPY, [(common.EMOTION_HAPPY, 0.7), (common.EMOTION_SAD, 0.3)]
    )
    assert (card.id, card.image_key, card.version, card.hashtags, card.created_at) == (
        now.id, now.image_key, now.version, now.hashtags, now.created_at
    )


async def test_a_v1_caller_pages_by_cursor_as_before(world):
    await world.sign_up("haru")
    ids = [(await world.card("haru"))[1] for _ in range(3)]
    old = CardV1Servicer(world.cards.servicer)

    first = await old.ListCards(v1.ListCardsRequest(size=2), None)
    second = await old.ListCards(v1.ListCardsRequest(size=2, cursor=first.next_cursor), None)

    assert [c.id for c in first.cards] == ids[:0:-1] and first.next_cursor == ids[1]
    assert [c.id for c in second.cards] == ids[:1] and second.next_cursor == 0
    bounds = validation.rules_for("/gridam.card.v1.CardService/ListCards")  # the call chain's check
    for bad in (v1.ListCardsRequest(size=2, cursor=-1), v1.ListCardsRequest(size=101), v1.ListCardsRequest(size=-1)):
        with pytest.raises(InvalidArgument) as invalid:
            bounds.check(bad)
        assert invalid.value.reason == "COMMON4002"
    bounds.check(v1.ListCardsRequest(size=100, cursor=0))
    shared = validation.rules_for("/gridam.card.v1.CardService/ListSharedCards")
    with pytest.raises(InvalidArgument) as invalid:
        shared.check(v1.ListSharedCardsRequest(author_id=1, size=2, cursor=-1))
    assert invalid.value.reason == "COMMON4002"


async def test_v2_pages_by_token(world):
    await world.sign_up("haru")
    ids = [(await world.card("haru"))[1] for _ in range(2)]
    current = world.cards.servicer

    first = await current.ListCards(v2.ListCardsRequest(page_size=1), None)
    second = await current.ListCards(v2.ListCardsRequest(page_size=1, page_token=first.next_page_token), None)

    assert ([c.id for c in first.cards], first.next_page_token) == ([ids[1]], str(ids[1]))
    assert ([c.id for c in second.cards], second.next_page_token) == ([ids[0]], "")
    for token in ("abc", "0", "-1", "07", "١", str(2**63)):
        with pytest.raises(InvalidArgument) as invalid:
            await current.ListCards(v2.ListCardsRequest(page_size=1, page_token=token), None)
        assert invalid.value.reason == "COMMON4002"
    for method, request in (("ListCards", v2.ListCardsRequest), ("ListSharedCards", v2.ListSharedCardsRequest)):
        bounds = validation.rules_for(f"/gridam.card.v2.CardService/{method}")  # the call chain's check
        for size in (-1, 101):
            with pytest.raises(InvalidArgument) as invalid:
                bounds.check(request(page_size=size))
            assert invalid.value.reason == "COMMON4002"
        bounds.check(request(page_size=100))


async def test_a_v1_restore_reads_its_emotion_keys(world):
    await world.sign_up("haru")
    await world.act_as("haru")
    old = CardV1Servicer(world.cards.servicer)
    diaries = [await world.diary.diaries.create("하루", "바다에 갔다.", b"") for _ in range(2)]
    for diary in diaries:
        world.cards.analyses.store(diary.id, diary.author_id, diary.date)
    archived = [v1.ArchivedCard(version=1, png=art_png(64, 64, seed=1), dominant="FEAR"),
                v1.ArchivedCard(version=2, png=art_png(64, 64, seed=2))]  # no emotion: the analysis'
    token = context.bearer_token.set(world.cards.pipeline_token())
    try:
        reply = await old.RestoreCards(v1.RestoreCardsRequest(diary_id=diaries[0].id, cards=archived), None)
        with pytest.raises(InvalidArgument) as invalid:
            await old.RestoreCards(v1.RestoreCardsRequest(
                diary_id=diaries[1].id, cards=[v1.ArchivedCard(version=1, png=art_png(64, 64), dominant="BORED")]
            ), None)
    finally:
        context.bearer_token.reset(token)

    assert reply.restored and [c.dominant for c in reply.cards] == ["FEAR", "HAPPY"]
    assert invalid.value.reason == "CARD4001"
