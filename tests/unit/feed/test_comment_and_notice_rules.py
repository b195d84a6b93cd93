"""Comments, replies, comment likes and notifications on the diary service's feed layer, with
the user and card services' own layers in process (tests/unit/feed/conftest.py): who may
comment where, who is told of what (never of their own actions, once per event), and what
taking a reaction or a like back withdraws."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from diary_service.adapters.orm import Notification
from gridam_runtime import context
from gridam_runtime.tokens import ServiceTokenIssuer
from tests.unit.feed.test_feed_rules import FOLLOWERS, PRIVATE, reason

COMMENT = "정말 멋진 하루였네요, 응원해요!"


@pytest.fixture
async def people(world):
    await world.sign_up("author", "friend", "other")
    await world.follow("friend", "author")
    await world.follow("other", "author")
    return world


async def notices(world, person: str, unchecked_only: bool = False) -> list:
    await world.act_as(person)
    rows, cursor = await world.notifications.page(unchecked_only=unchecked_only, size=100, cursor=0)
    assert cursor == 0
    return rows


async def kinds(world, person: str) -> list[str]:
    return sorted(n.notice_type for n in await notices(world, person))


async def test_comments_and_replies_are_one_flat_list_with_likes_counted_once(people):
    world = people
    post = await world.share("author")
    await world.act_as("friend")
    first = (await world.feed.comment(post, f"  {COMMENT}\x00 ", 0)).comment
    assert (first.content, first.author_login_id, first.parent_id) == (COMMENT, "friend", 0)
    await world.act_as("other")
    reply = (await world.feed.comment(post, "저도 그런 날이 있었어요", first.id)).comment
    await world.act_as("author")
    assert [(c.comment.id, c.comment.parent_id) for c in await world.feed.comments(post)] == [(first.id, 0), (reply.id, first.id)]
    assert (await world.feed.set_comment_like(post, first.id, True)).likes == 1
    assert (await world.feed.set_comment_like(post, first.id, True)).likes == 1  # liking twice counts once
    await world.act_as("other")
    assert (await world.feed.set_comment_like(post, first.id, True)).likes == 2
    await world.act_as("friend")
    mine = {c.comment.id: (c.likes, c.liked) for c in await world.feed.comments(post)}
    assert mine == {first.id: (2, False), reply.id: (0, False)}
    await world.act_as("author")
    assert (await world.feed.set_comment_like(post, first.id, False)).likes == 1
    view = await world.feed.set_comment_like(post, first.id, False)  # unliking twice too
    assert (view.likes, view.liked) == (1, False)


async def test_comments_need_text_a_visible_post_and_a_parent_of_the_same_post(people):
    world = people
    await world.sign_up("stranger")
    public, followers_only, private = (await world.share("author"), await world.share("author", FOLLOWERS),
                                       await world.share("author", PRIVATE))
    await world.act_as("friend")
    hidden = (await world.feed.comment(followers_only, COMMENT, 0)).comment
    await world.act_as("stranger")
    for content in ("", "   \n ", "\u200b", "가" * 501):
        assert await reason(world.feed.comment(public, content, 0)) == "FEED4004"
    for parent in (hidden.id, 2**62, -1):  # another post's comment, none at all
        assert await reason(world.feed.comment(public, COMMENT, parent)) == "FEED4005"
    for post in (private, followers_only):
        assert await reason(world.feed.comment(post, COMMENT, 0)) == "FEED4041"
        assert await reason(world.feed.comments(post)) == "FEED4041"
    assert await reason(world.feed.set_comment_like(followers_only, hidden.id, True)) == "FEED4041"
    assert await reason(world.feed.set_comment_like(public, hidden.id, True)) == "FEED4043"
    assert await world.feed.comments(public) == []
    await world.act_as("author")
    assert [c.comment.id for c in await world.feed.comments(followers_only)] == [hidden.id]


async def test_everyone_is_told_what_concerns_them_once_and_never_their_own_actions(people):
    world = people
    post = await world.share("author")
    await world.act_as("author")
    await world.feed.comment(post, "제 피드에 제가 남기는 댓글", 0)  # own actions: nobody is told
    await world.feed.toggle_reaction(post, "좋아요")
    await world.act_as("friend")
    first = (await world.feed.comment(post, COMMENT, 0)).comment
    await world.feed.toggle_reaction(post, "힘내요")
    await world.feed.toggle_reaction(post, "공감해요")  # changes the one reaction: still one notice
    await world.act_as("other")
    await world.feed.comment(post, "답글로 응원을 보냅니다", first.id)
    await world.act_as("author")
    await world.feed.set_comment_like(post, first.id, True)
    await world.feed.comment(post, "고마워요", first.id)  # the author's reply: the friend is told, not the author

    mine = await notices(world, "author")
    assert sorted(n.notice_type for n in mine) == ["COMMENT", "COMMENT", "REACTION"]
    assert all(n.entity_id == post for n in mine)
    with world.diary.uow() as unit:  # each goes with the post (post_id)
        stored = unit.connection().execute(select(Notification.post_id).where(Notification.id.in_([n.id for n in mine])))
        assert set(stored.scalars()) == {post}
    [reaction] = [n for n in mine if n.notice_type == "REACTION"]
    assert reaction.actor_login_id == "friend" and "공감해요" in reaction.message  # who, and the latest type
    assert {n.content for n in mine if n.notice_type == "COMMENT"} == {COMMENT, "답글로 응원을 보냅니다"}
    assert [n.id for n in mine] == sorted((n.id for n in mine), reverse=True)  # newest first
    assert await kinds(world, "friend") == ["COMMENT_LIKE", "REPLY", "REPLY"]
    assert await kinds(world, "other") == []

    # Taking the reaction and the like back withdraws their notifications.
    await world.act_as("friend")
    await world.feed.toggle_reaction(post, "공감해요")
    await world.act_as("author")
    await world.feed.set_comment_like(post, first.id, False)
    assert await kinds(world, "author") == ["COMMENT", "COMMENT"] and await kinds(world, "friend") == ["REPLY", "REPLY"]


async def test_a_reply_is_not_told_to_a_commenter_who_can_no_longer_see_the_post(people):
    world = people
    post = await world.share("author", FOLLOWERS)
    await world.act_as("friend")
    first = (await world.feed.comment(post, COMMENT, 0)).comment
    await world.act_as("other")
    await world.feed.comment(post, "팔로워끼리 나누는 답글", first.id)
    await world.act_as("friend")
    await world.users.profiles.unfollow("author")
    await world.act_as("other")
    await world.feed.comment(post, "이 답글은 전해지지 않아야 합니다", first.id)
    assert [n.content for n in await notices(world, "friend") if n.notice_type == "REPLY"] == ["팔로워끼리 나누는 답글"]
    assert await kinds(world, "author") == ["COMMENT", "COMMENT", "COMMENT"]  # the author still hears of every one


async def test_notifications_page_newest_first_and_only_ones_own_are_marked_read(people):
    world = people
    post = await world.share("author")
    for fan in ("friend", "other", "friend"):
        await world.act_as(fan)
        await world.feed.comment(post, COMMENT, 0)
    everything = await notices(world, "author")
    await world.act_as("author")
    first, cursor = await world.notifications.page(unchecked_only=True, size=2, cursor=0)
    rest, last = await world.notifications.page(unchecked_only=True, size=2, cursor=cursor)
    assert [n.id for n in first + rest] == [n.id for n in everything] and cursor == first[-1].id and last == 0
    await world.act_as("friend")
    assert await world.notifications.check([everything[0].id], everything=False) == 0  # not theirs: untouched
    await world.act_as("author")
    assert await world.notifications.check([everything[0].id, everything[1].id], everything=False) == 2
    assert [n.id for n in await notices(world, "author", unchecked_only=True)] == [everything[2].id]
    assert await world.notifications.check([], everything=True) == 1
    assert await notices(world, "author", unchecked_only=True) == []
    for ids in ([], list(range(1, 102))):
        with pytest.raises(Exception) as refused:
            await world.notifications.check(ids, everything=False)
        assert refused.value.reason == "NOTICE4001"


async def test_a_follow_event_is_one_notification_whatever_its_deliveries(people):
    world = people
    star, fan = world.ids["author"], world.ids["friend"]
    context.bearer_token.set(ServiceTokenIssuer.from_keys_dir(world.users.deps.settings.keys_dir, "gridam-user").token())
    for event_id in (1, 1, 2):  # a redelivery, then following again after unfollowing
        await world.notifications.record_follow(event_id, fan, "friend", star)
    with pytest.raises(Exception) as refused:
        await world.notifications.record_follow(3, star, "author", star)
    assert refused.value.reason == "NOTICE4002"
    [follow] = await notices(world, "author")
    assert (follow.notice_type, follow.entity_id, follow.actor_login_id, follow.checked) == ("FOLLOW", fan, "friend", False)
