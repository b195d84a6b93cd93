"""The diary service's copy of timelines' newest posts over real Redis and MariaDB: a page read a
moment ago is answered without the window statement, and whatever changes a timeline — a new
post, a deleted post or diary, a follow — is seen by the next page: at once in the process that
wrote it, through Redis (published after the commit) in the others; without a live subscription
every page is read."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import uuid
from collections.abc import Iterator

import pytest
import redis

from diary_service.adapters.orm import FeedPost
from diary_service.adapters.reads import PostRow
from diary_service.adapters.timeline_heads import CHANNEL, TimelineHeads, post_changes
from diary_service.config import DiarySettings
from diary_service.unit_of_work import Announcements
from gridam_runtime.db import utcnow
from tests.support.counting import CountingCalls
from tests.support.diary_layer import diary_layer
from tests.support.in_process import World, in_process_world
from tests.support.servers import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


@pytest.fixture
def world(tmp_path, sens_provider, mariadb, redis_server):
    databases = {name: mariadb.create_database(f"gridam_test_th_{name}_{uuid.uuid4().hex[:8]}") for name in ("user", "diary")}
    with in_process_world(tmp_path, sens_provider, databases=databases, redis_url=redis_server.url) as world:
        heads = world.feed._d.timeline_heads
        wait_until(lambda: heads.subscription.live and world.feed._d.follow_lists.subscription.live, "subscriptions live", interval=0.01)
        world.heads, world.counting = heads, counting_reads(world)
        yield world


def counting_reads(world: World) -> CountingCalls:
    """The feed's plain reads, counting the timeline statements run."""
    counting = CountingCalls(world.feed._d.plain, "timeline")
    world.feed._d = dataclasses.replace(world.feed._d, plain=counting)
    return counting


def statements(world) -> int:
    return world.counting.count


def received_since(heads: TimelineHeads, number: int) -> None:
    """The writer's message has reached the copy (published after its commit; received on the
    copy's thread within milliseconds)."""
    wait_until(lambda: heads.number > number, "post change received", interval=0.005)


async def page(world, size: int = 20, cursor: int = 0) -> tuple[list[int], int]:
    views, next_cursor = await world.feed.timeline(size, cursor)
    return [view.post.id for view in views], next_cursor


async def test_a_page_read_a_moment_ago_is_answered_from_the_head(world):
    await world.sign_up("reader", "author")
    await world.follow("reader", "author")
    posts = [await world.share("author") for _ in range(5)]
    await world.act_as("reader")
    newest_first = posts[::-1]
    assert await page(world, 2) == (newest_first[:2], newest_first[1])
    assert statements(world) == 1
    assert await page(world, 2) == (newest_first[:2], newest_first[1])
    assert await page(world, 2, newest_first[1]) == (newest_first[2:4], newest_first[3])
    assert await page(world, 2, newest_first[3]) == (newest_first[4:], 0)
    assert await page(world, 20) == (newest_first, 0)
    assert statements(world) == 1  # every page came from the head read first


async def test_new_and_deleted_posts_are_seen_by_the_next_page_at_once(world):
    # No waiting for Redis: the writing process's heads hear of its change before it answers.
    await world.sign_up("reader", "author", "stranger")
    await world.follow("reader", "author")
    first = await world.share("author")
    assert await page(world) == ([first], 0)  # the author's own timeline holds their posts
    await world.act_as("reader")
    assert await page(world) == ([first], 0)

    second = await world.share("author")
    assert await page(world) == ([second, first], 0)  # the writer sees their post on their next page
    await world.act_as("reader")
    assert await page(world) == ([second, first], 0)

    await world.act_as("author")
    await world.feed.delete(second)
    await world.act_as("reader")
    assert await page(world) == ([first], 0)

    await world.share("stranger")  # not followed: the reader's head stays
    await world.act_as("reader")
    read = statements(world)
    assert await page(world) == ([first], 0)
    assert statements(world) == read


async def test_a_deleted_diary_takes_its_post_out_of_the_heads(world):
    await world.sign_up("reader", "author")
    await world.follow("reader", "author")
    diary_id, card_id = await world.card("author")
    await world.act_as("author")
    post = (await world.feed.create(card_id, "", "PUBLIC", confirm_sensitive=False)).post.id
    await world.act_as("reader")
    assert await page(world) == ([post], 0)

    await world.act_as("author")
    await world.diary.diaries.delete(diary_id)
    await world.act_as("reader")
    assert await page(world) == ([], 0)


async def test_a_follow_reads_the_timeline_again(world):
    await world.sign_up("reader", "author", "other")
    await world.follow("reader", "author")
    first = await world.share("author")
    other = await world.share("other")
    await world.act_as("reader")
    assert await page(world) == ([first], 0)
    await world.follow("reader", "other")
    await world.act_as("reader")
    wait_until(lambda: world.feed._d.follow_lists.get(world.ids["reader"]) is None, "follow change received", interval=0.005)
    assert await page(world) == ([other, first], 0)


def row(post_id: int, author_id: int) -> PostRow:
    return PostRow(post_id, author_id, f"user{author_id}", post_id, post_id, "", "PUBLIC", datetime.datetime(2026, 12, 7))


@contextlib.contextmanager
def live_heads(redis_server, **options) -> Iterator[TimelineHeads]:
    """Heads of their own on the real Redis, once their subscription is live."""
    client = redis.Redis.from_url(redis_server.url)
    heads = TimelineHeads(client, **options).start()
    try:
        wait_until(lambda: heads.subscription.live, "subscription live", interval=0.01)
        yield heads
    finally:
        heads.close()
        client.close()


def test_a_head_read_before_a_change_is_not_kept(redis_server):
    with contextlib.closing(redis.Redis.from_url(redis_server.url)) as publisher, live_heads(redis_server) as heads:
        authors = frozenset({1, 2})
        number = heads.number  # a reader starts reading ...
        post_changes(publisher).changed([2])  # ... and author 2 posts meanwhile
        received_since(heads, number)
        heads.put(1, authors, [row(5, 2)], number)
        assert heads.page(1, authors, None, 21) is None
        heads.put(1, authors, [row(6, 2), row(5, 2)], heads.number)
        assert heads.page(1, authors, None, 21) == [row(6, 2), row(5, 2)]
        assert heads.page(1, frozenset({1}), None, 21) is None  # other followees: not this head

        number = heads.number
        post_changes(publisher).changed([3])  # someone the reader does not follow
        received_since(heads, number)
        assert heads.page(1, authors, None, 21) == [row(6, 2), row(5, 2)]


def test_the_writing_process_hears_its_own_change_without_redis(redis_server):
    """The writer's next page must not wait for the message to come back from Redis."""
    with live_heads(redis_server) as heads:
        authors = frozenset({1, 2})
        heads.put(1, authors, [row(5, 2)], heads.number)
        assert heads.page(1, authors, None, 21) == [row(5, 2)]
        post_changes(None, heads).changed({2})  # nothing published: only this process's heads hear
        assert heads.page(1, authors, None, 21) is None


def test_a_head_shorter_than_asked_answers_only_when_it_is_the_whole_timeline(redis_server):
    with live_heads(redis_server) as heads:
        authors = frozenset({1})
        full = [row(1000 - i, 1) for i in range(TimelineHeads.HEAD_POSTS)]
        heads.put(1, authors, full, heads.number)
        assert heads.page(1, authors, None, 21) == full[:21]
        assert heads.page(1, authors, full[40].id, 21) is None  # 20 left below it: the rest is unknown
        heads.put(2, authors, full[:3], heads.number)  # fewer than HEAD_POSTS: the whole timeline
        assert heads.page(2, authors, full[0].id, 21) == full[1:3]


def test_heads_are_not_trusted_once_the_subscription_goes_quiet(redis_server):
    with live_heads(redis_server, stale_after_seconds=0.3) as heads:
        heads.put(1, frozenset({1}), [row(1, 1)], heads.number)
        assert heads.page(1, frozenset({1}), None, 21) == [row(1, 1)]
        heads.close()  # no more PINGs answered: what was published meanwhile may be missed
        wait_until(lambda: heads.page(1, frozenset({1}), None, 21) is None, "heads stop being trusted", interval=0.05)


def test_a_rolled_back_write_tells_nothing(redis_server, tmp_path):
    """Only committed changes are published: the channel hears the author of a committed post,
    not of one whose transaction was rolled back."""
    client = redis.Redis.from_url(redis_server.url)
    listener = client.pubsub()
    listener.subscribe(CHANNEL)
    try:
        wait_until(lambda: listener.get_message(timeout=0.1) is not None, "subscribed", interval=0.01)
        with diary_layer(DiarySettings(data_dir=tmp_path), users=None, cards=None, announcements=Announcements(posts=post_changes(client))) as layer:
            def post(author_id: int) -> FeedPost:
                return FeedPost(author_id=author_id, author_login_id=f"u{author_id}", card_id=1, diary_id=1, content="",
                                audience="PUBLIC", created_at=utcnow())

            with layer.uow() as unit:
                unit.add_post(post(7))  # never committed
            with layer.uow() as unit:
                kept = unit.add_post(post(8))
                unit.commit()
            with layer.uow() as unit:
                unit.delete_posts([kept.id])
                unit.commit()
        messages = [listener.get_message(timeout=1.0) for _ in range(2)]
        assert [message["data"] for message in messages if message] == [b"8", b"8"]
        assert listener.get_message(timeout=0.2) is None
    finally:
        listener.close()
        client.close()


async def test_without_redis_every_page_is_read(tmp_path, sens_provider):
    # Nothing listens on the port: the subscription never starts, the heads are never used.
    with in_process_world(tmp_path, sens_provider, redis_url=f"redis://127.0.0.1:{free_port()}/0") as world:
        world.counting = counting_reads(world)
        await world.sign_up("reader", "author")
        post = await world.share("author")
        await world.follow("reader", "author")
        await world.act_as("reader")
        assert await page(world) == ([post], 0)
        assert await page(world) == ([post], 0)
        assert statements(world) == 2
