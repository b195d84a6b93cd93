"""Card rules on the card service layer with the diary and user services' own layers in
process (tests/support/in_process.py; the emotion service and the gpu-worker are test
doubles): versions, privacy, the calm card of a hard day, the card of a day, and which of
another user's cards the gallery shows."""

from __future__ import annotations

import datetime

from card_service.domain.prompts import CALM_PROMPT
from gridam_runtime import context
from tests.unit.feed.test_feed_rules import FOLLOWERS, PRIVATE, reason


async def test_regenerating_draws_a_new_version_and_the_gallery_shows_the_newest(world):
    await world.sign_up("haru")
    diary_id, _card_id = await world.card("haru")
    await world.act_as("haru")
    first = await world.cards.cards.by_diary(diary_id)
    second = await world.cards.cards.regenerate(diary_id)
    await world.act_as("haru")  # regenerating calls the gpu-worker with the card service's token, in this context
    assert (first.version, second.version) == (1, 2) and second.id != first.id
    assert [r.seed for r in world.cards.drawer.requests][-2] != world.cards.drawer.requests[-1].seed
    assert (await world.cards.cards.by_diary(diary_id)).id == second.id
    other_diary, _ = await world.card("haru")
    gallery, cursor = await world.cards.cards.page(9, 0)
    assert [(c.diary_id, c.version) for c in gallery] == [(other_diary, 1), (diary_id, 2)] and cursor == 0


async def test_a_card_is_its_authors_alone(world):
    await world.sign_up("alice", "mallory")
    diary_id, card_id = await world.card("alice")
    await world.act_as("mallory")
    assert await reason(world.cards.cards.get(card_id)) == "EMOTIONCARD4041"
    assert await reason(world.cards.cards.by_diary(diary_id)) in ("EMOTIONCARD4001", "DIARY4041")
    assert await reason(world.cards.cards.regenerate(diary_id)) == "EMOTIONCARD4001"
    assert await world.cards.cards.by_date(datetime.date.today().isoformat()) is None
    assert await reason(world.cards.cards.shared_page(world.ids["alice"], 9, 0)) == "EMOTIONCARD4031"  # nothing shared


async def test_a_hard_days_card_is_drawn_from_the_calm_prompt_without_the_diarys_words(world):
    await world.sign_up("haru")
    flagged_diary, _ = await world.card("haru", safety_flag=True)
    calm = world.cards.drawer.requests[-1]
    ordinary_diary, _ = await world.card("haru")
    drawn = world.cards.drawer.requests[-1]
    assert (calm.calm, calm.prompt, list(calm.motifs)) == (True, CALM_PROMPT, [])
    assert drawn.calm is False and "산책" in drawn.prompt and list(drawn.motifs) == ["산책", "친구"]
    await world.act_as("haru")
    flagged, ordinary = await world.cards.cards.by_diary(flagged_diary), await world.cards.cards.by_diary(ordinary_diary)
    assert (flagged.safety_flag, flagged.hashtags) == (True, [])  # nothing of the diary on it
    assert ordinary.hashtags == ["산책", "친구"]
    # Regenerating it stays calm.
    await world.cards.cards.regenerate(flagged_diary)
    await world.act_as("haru")
    assert world.cards.drawer.requests[-1].calm is True and (await world.cards.cards.by_diary(flagged_diary)).hashtags == []


async def test_the_card_of_a_day_is_the_latest_diarys_once_that_one_has_its_card(world):
    await world.sign_up("haru")
    morning, _ = await world.card("haru")
    await world.act_as("haru")
    today = world.diary.diaries.today().isoformat()
    assert (await world.cards.cards.by_date(today)).diary_id == morning
    evening = await world.diary.diaries.create("저녁", "저녁에 쓴 일기", b"")  # its card is not made yet
    assert await world.cards.cards.by_date(today) is None
    assert await world.cards.cards.by_date("2001-01-01") is None
    assert await reason(world.cards.cards.by_date("2001-W01-1")) == "DIARY4003"
    world.cards.analyses.store(evening.id, evening.author_id, evening.date)
    context.bearer_token.set(world.cards.pipeline_token())
    await world.cards.cards.make(evening.id)
    await world.act_as("haru")
    assert (await world.cards.cards.by_date(today)).diary_id == evening.id


async def test_another_users_gallery_shows_the_cards_shared_with_the_caller(world):
    await world.sign_up("author", "follower", "stranger")
    await world.follow("follower", "author")
    public = await world.share("author")
    followers = await world.share("author", FOLLOWERS)
    await world.share("author", PRIVATE)
    await world.card("author")  # never shared
    with world.diary.uow() as unit:
        diary_of = {post: unit.posts.get(post).diary_id for post in (public, followers)}

    async def gallery(viewer: str) -> list[int]:
        await world.act_as(viewer)
        cards, _cursor = await world.cards.cards.shared_page(world.ids["author"], 9, 0)
        return [card.diary_id for card in cards]

    assert await gallery("stranger") == [diary_of[public]]
    assert await gallery("follower") == [diary_of[followers], diary_of[public]]
    assert len(await gallery("author")) == 4
