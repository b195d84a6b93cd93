"""Restoring an imported diary's cards (RestoreCards) on the card service layer with the diary
and user services' own layers in process (tests/support/in_process.py; the emotion service and
the gpu-worker are test doubles): the archive's images byte for byte with their versions, once,
and never for a safety-flagged diary, whose card is drawn calm instead."""

from __future__ import annotations

import datetime

from card_service.domain.prompts import CALM_PROMPT
from gridam.card.v2 import card_service_pb2 as card_pb
from gridam.common.v1 import emotion_pb2 as common_pb
from gridam_runtime import context
from tests.support.pngs import art_png
from tests.unit.feed.test_feed_rules import reason

MADE = datetime.datetime(2026, 3, 1, 12, 0)


def archived(*versions: int) -> list[card_pb.ArchivedCard]:
    cards = []
    for version in versions:
        card = card_pb.ArchivedCard(version=version, png=art_png(64, 64, seed=version), dominant=common_pb.EMOTION_HAPPY,
                                    hashtags=["바다"], feedback=f"버전 {version}의 말")
        card.created_at.FromDatetime(MADE + datetime.timedelta(days=version))
        cards.append(card)
    return cards


async def restore(world, author: str, cards: list[card_pb.ArchivedCard], *, safety_flag: bool = False):
    await world.act_as(author)
    diary = await world.diary.diaries.create("하루", "바다에 갔다.", b"")
    world.cards.analyses.store(diary.id, diary.author_id, diary.date, safety_flag=safety_flag)
    token = context.bearer_token.set(world.cards.pipeline_token())
    try:
        return diary, await world.cards.cards.restore(diary.id, cards)
    finally:
        context.bearer_token.reset(token)


async def test_an_imported_diarys_cards_come_back_byte_for_byte_with_their_versions_once(world):
    await world.sign_up("haru")
    sent = archived(1, 2, 3)
    diary, restored = await restore(world, "haru", sent)
    assert [(c.version, c.feedback, c.created_at) for c in restored] == [
        (v, f"버전 {v}의 말", MADE + datetime.timedelta(days=v)) for v in (1, 2, 3)
    ]
    storage = world.cards.cards._d.storage
    assert [storage.get(c.image_key).data for c in restored] == [c.png for c in sent]
    assert world.cards.drawer.requests == []  # nothing drawn

    token = context.bearer_token.set(world.cards.pipeline_token())
    try:
        again = await world.cards.cards.restore(diary.id, archived(1, 2, 3, 4))
    finally:
        context.bearer_token.reset(token)
    assert [c.id for c in again] == [c.id for c in restored]  # restoring twice adds nothing
    await world.act_as("haru")
    newest = await world.cards.cards.by_diary(diary.id)
    assert (newest.version, newest.image_key) == (3, restored[-1].image_key)
    regenerated = await world.cards.cards.regenerate(diary.id)
    assert regenerated.version == 4  # the numbering goes on from the archive's


async def test_a_safety_flagged_diary_gets_no_archived_card_but_the_calm_one(world):
    await world.sign_up("haru")
    diary, restored = await restore(world, "haru", archived(1), safety_flag=True)
    assert restored is None
    with world.cards.uow() as uow:
        assert uow.cards.all_of(diary.id) == []
    token = context.bearer_token.set(world.cards.pipeline_token())
    try:
        card = await world.cards.cards.make(diary.id)  # the import owes its card instead
    finally:
        context.bearer_token.reset(token)
    assert (card.safety_flag, card.hashtags) == (True, [])
    assert world.cards.drawer.requests[-1].prompt == CALM_PROMPT


async def test_only_pngs_of_distinct_versions_are_restored(world):
    """(Only the diary pipeline may call RestoreCards: its access option, tests/integration/test_access_rules.py.)"""
    await world.sign_up("haru")
    await world.act_as("haru")
    diary = await world.diary.diaries.create("하루", "바다에 갔다.", b"")
    not_png = archived(1)
    not_png[0].png = b"GIF89a" + not_png[0].png
    token = context.bearer_token.set(world.cards.pipeline_token())
    try:
        assert await reason(world.cards.cards.restore(diary.id, not_png)) == "CARD4001"
        assert await reason(world.cards.cards.restore(diary.id, archived(1, 1))) == "CARD4001"
    finally:
        context.bearer_token.reset(token)
