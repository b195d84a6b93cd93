"""Who sees which post, sharing, reactions and deleting, on the diary service's feed layer
with the user and card services' own layers in process (tests/unit/feed/conftest.py)."""

from __future__ import annotations

import grpc
import pytest
from sqlalchemy import select

from diary_service.adapters.orm import Notification
from gridam_runtime.errors import DomainError, error_info

PUBLIC, FOLLOWERS, PRIVATE = "PUBLIC", "FOLLOWERS", "PRIVATE"


async def reason(call) -> str:
    """The reason code a call is refused with, whether raised here or by another service."""
    with pytest.raises((DomainError, grpc.aio.AioRpcError)) as failure:
        await call
    error = failure.value
    return error.reason if isinstance(error, DomainError) else error_info(error).reason


def notified_posts(unit, recipient_id: int) -> list[int]:
    """The posts the recipient's notifications are about, newest first."""
    query = select(Notification.post_id).where(Notification.recipient_id == recipient_id).order_by(Notification.id.desc())
    return list(unit.connection().execute(query).scalars())


async def visible_posts(world, viewer: str, author: str) -> set[int]:
    await world.act_as(viewer)
    return {view.post.id for view in await world.feed.of_user(world.ids[author])}


@pytest.fixture
async def people(world):
    await world.sign_up("author", "follower", "stranger")
    await world.follow("follower", "author")
    return world


async def test_a_post_is_seen_by_its_audience_only(people):
    world = people
    public, followers, private = [await world.share("author", audience) for audience in (PUBLIC, FOLLOWERS, PRIVATE)]
    assert await visible_posts(world, "author", "author") == {public, followers, private}
    assert await visible_posts(world, "follower", "author") == {public, followers}
    assert await visible_posts(world, "stranger", "author") == {public}
    for viewer, post in (("stranger", followers), ("stranger", private), ("follower", private)):
        await world.act_as(viewer)
        assert await reason(world.feed.get(post)) == "FEED4041"
    await world.act_as("follower")
    assert (await world.feed.get(followers)).post.author_login_id == "author"
    # A follower who unfollows loses the followers' posts at once.
    await world.users.profiles.unfollow("author")
    assert await reason(world.feed.get(followers)) == "FEED4041"
    assert await visible_posts(world, "follower", "author") == {public}


async def test_the_timeline_holds_followed_and_own_posts_newest_first_in_pages(people):
    world = people
    posts = [await world.share("author"), await world.share("follower", PRIVATE), await world.share("author", FOLLOWERS)]
    await world.share("stranger")  # not followed
    await world.share("author", PRIVATE)  # private
    await world.act_as("follower")
    first, cursor = await world.feed.timeline(2, 0)
    assert [view.post.id for view in first] == [posts[2], posts[1]] and cursor == posts[1]
    second, cursor = await world.feed.timeline(2, cursor)
    assert [view.post.id for view in second] == [posts[0]] and cursor == 0
    assert await world.feed.timeline(2, 1) == ([], 0)  # a cursor past everything: an empty page
    for size, bad_cursor in ((0, 0), (101, 0), (2, -5)):
        assert await reason(world.feed.timeline(size, bad_cursor)) == "COMMON4002"


async def test_only_the_cards_owner_shares_it_with_a_known_audience_and_a_short_text(people):
    world = people
    diary_id, card_id = await world.card("author")
    await world.act_as("stranger")
    assert await reason(world.feed.create(card_id, "내 거", PUBLIC, confirm_sensitive=False)) == "EMOTIONCARD4041"
    await world.act_as("author")
    assert await reason(world.feed.create(card_id, "가" * 501, PUBLIC, confirm_sensitive=False)) == "FEED4001"
    assert await reason(world.feed.create(card_id, "x", "FRIENDS", confirm_sensitive=False)) == "FEED4002"
    await world.diary.diaries.delete(diary_id)  # its card lives on until the purge job runs
    assert await reason(world.feed.create(card_id, "x", PUBLIC, confirm_sensitive=False)) == "DIARY4041"
    assert await visible_posts(world, "author", "author") == set()


async def test_a_reaction_counts_once_per_person_changes_and_is_taken_back(people):
    world = people
    public, private = await world.share("author"), await world.share("author", PRIVATE)
    await world.act_as("follower")
    assert await world.feed.toggle_reaction(public, "좋아요") == ("좋아요", {"좋아요": 1})
    await world.act_as("stranger")
    assert await world.feed.toggle_reaction(public, "좋아요") == ("좋아요", {"좋아요": 2})
    await world.act_as("follower")
    assert await world.feed.toggle_reaction(public, "힘내요") == ("힘내요", {"좋아요": 1, "힘내요": 1})  # changed
    assert await world.feed.toggle_reaction(public, "힘내요") == ("", {"좋아요": 1})  # the same again: removed
    assert await reason(world.feed.toggle_reaction(public, "최고예요")) == "FEED4003"
    assert await reason(world.feed.toggle_reaction(private, "좋아요")) == "FEED4041"
    await world.act_as("stranger")
    view = await world.feed.get(public)
    assert (view.reaction_counts, view.my_reaction) == ({"좋아요": 1}, "좋아요")
    await world.act_as("author")
    assert await world.feed.toggle_reaction(private, "슬퍼요") == ("슬퍼요", {"슬퍼요": 1})


async def test_only_the_author_deletes_a_post_and_it_goes_with_everything_attached(people):
    world = people
    post, kept = await world.share("author"), await world.share("author")
    await world.act_as("follower")
    comment = await world.feed.comment(post, "응원해요", 0)
    await world.feed.toggle_reaction(post, "좋아요")
    await world.feed.toggle_reaction(kept, "좋아요")
    assert await reason(world.feed.delete(post)) == "FEED4031"
    await world.act_as("author")
    await world.feed.set_comment_like(post, comment.comment.id, True)
    await world.feed.delete(post)
    assert await reason(world.feed.get(post)) == "FEED4041"
    with world.diary.uow() as unit:
        assert unit.comments.of_post(post) == [] and unit.comments.get(comment.comment.id) is None
        assert unit.reactions.of_user(post, world.ids["follower"]) is None
        assert unit.reactions.of_user(kept, world.ids["follower"]) is not None
        for person in ("author", "follower"):
            assert notified_posts(unit, world.ids[person]) == ([kept] if person == "author" else [])


async def test_deleting_a_diary_takes_its_posts_comments_reactions_and_notifications(people):
    world = people
    diary_id, card_id = await world.card("author")
    post = (await world.feed.create(card_id, "곧 지울 일기", PUBLIC, confirm_sensitive=False)).post.id
    other = await world.share("author")
    for target in (post, other):
        await world.act_as("follower")
        await world.feed.comment(target, "힘내요", 0)
        await world.feed.toggle_reaction(target, "힘내요")
    await world.act_as("author")
    await world.diary.diaries.delete(diary_id)
    assert await reason(world.feed.get(post)) == "FEED4041"
    assert await visible_posts(world, "follower", "author") == {other}
    with world.diary.uow() as unit:
        assert unit.comments.of_post(post) == [] and len(unit.comments.of_post(other)) == 1
        assert unit.reactions.of_user(post, world.ids["follower"]) is None
        assert set(notified_posts(unit, world.ids["author"])) == {other}
