"""The diary service's copy of followee lists over real Redis and MariaDB: the timeline and the
visibility of FOLLOWERS posts read it instead of asking the user service, a follow, an unfollow
or a deleted account (told by the user service after its commit) is seen by the next read, and
without a live subscription (Redis down, or the subscription gone quiet) the copy is not used."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
import redis

from gridam_runtime.errors import DomainError
from gridam_runtime.follows import FollowLists, follow_changes
from tests.support.counting import CountingCalls
from tests.support.in_process import World, in_process_world
from tests.support.servers import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

PUBLIC, FOLLOWERS = "PUBLIC", "FOLLOWERS"


def counting_calls(world: World) -> CountingCalls:
    """The user service's client, counting the followee lists it is asked for."""
    counting = CountingCalls(world.feed._d.users, "ListFollowingIds")
    world.feed._d = dataclasses.replace(world.feed._d, users=counting)
    return counting


@pytest.fixture
def world(tmp_path, sens_provider, mariadb, redis_server):
    databases = {name: mariadb.create_database(f"gridam_test_fl_{name}_{uuid.uuid4().hex[:8]}") for name in ("user", "diary")}
    with in_process_world(tmp_path, sens_provider, databases=databases, redis_url=redis_server.url) as world:
        lists = world.feed._d.follow_lists
        wait_until(lambda: lists.subscription.live, "the copy's subscription is live", interval=0.01)
        world.counting, world.lists = counting_calls(world), lists
        yield world


def changed_since(lists: FollowLists, generation: int) -> None:
    """The user service's message has reached the copy (published before the call returned;
    received on the copy's thread within milliseconds)."""
    wait_until(lambda: lists.generation > generation, "follow change received", interval=0.005)


async def timeline_ids(world) -> list[int]:
    return [view.post.id for view in (await world.feed.timeline(20, 0))[0]]


async def test_follows_and_unfollows_are_seen_by_the_next_timeline_page(world):
    await world.sign_up("reader", "author", "other")
    first = await world.share("author")
    other = await world.share("other")
    await world.follow("reader", "author")
    await world.act_as("reader")
    assert await timeline_ids(world) == [first]
    assert await timeline_ids(world) == [first]
    assert world.counting.count == 1  # the second page read the copy
    reader = world.ids["reader"]
    assert world.lists.get(reader) == {world.ids["author"]}

    generation = world.lists.generation
    assert await world.users.profiles.follow("other")
    changed_since(world.lists, generation)
    assert world.lists.get(reader) is None
    assert await timeline_ids(world) == [other, first]

    generation = world.lists.generation
    assert await world.users.profiles.unfollow("author")
    changed_since(world.lists, generation)
    assert await timeline_ids(world) == [other]
    assert world.counting.count == 3


async def test_followers_posts_and_their_comments_follow_the_copy(world):
    await world.sign_up("reader", "author")
    post = await world.share("author", FOLLOWERS)
    await world.follow("reader", "author")
    await world.act_as("reader")
    assert await timeline_ids(world) == [post]  # copies the reader's followees
    asked = world.counting.count
    assert [c.comment.content for c in await world.feed.comments(post)] == []
    assert world.counting.count == asked  # visibility answered from the copy

    generation = world.lists.generation
    assert await world.users.profiles.unfollow("author")
    changed_since(world.lists, generation)
    with pytest.raises(DomainError) as refused:
        await world.feed.comments(post)
    assert refused.value.reason == "FEED4041"


async def test_a_callers_own_visibility_check_copies_their_list(world):
    # No timeline read first: the comments of a FOLLOWERS post ask for the caller's whole list once.
    await world.sign_up("reader", "author")
    post = await world.share("author", FOLLOWERS)
    await world.follow("reader", "author")
    await world.act_as("reader")
    assert world.lists.get(world.ids["reader"]) is None
    assert [c.comment.content for c in await world.feed.comments(post)] == []
    assert world.counting.count == 1 and world.lists.get(world.ids["reader"]) == {world.ids["author"]}
    assert [c.comment.content for c in await world.feed.comments(post)] == []
    assert world.counting.count == 1


async def test_a_deleted_account_leaves_its_followers_copies(world):
    await world.sign_up("reader", "author")
    post = await world.share("author")
    await world.follow("reader", "author")
    await world.act_as("reader")
    assert await timeline_ids(world) == [post]
    assert world.lists.get(world.ids["reader"]) == {world.ids["author"]}

    generation = world.lists.generation
    await world.act_as("author")
    await world.users.accounts.delete_account("secret123")
    changed_since(world.lists, generation)
    assert world.lists.get(world.ids["reader"]) is None


def test_an_answer_older_than_a_change_is_not_kept(redis_server):
    clients = [redis.Redis.from_url(redis_server.url) for _ in range(2)]
    lists = FollowLists(clients[0]).start()
    try:
        wait_until(lambda: lists.subscription.live, "subscription live", interval=0.01)
        generation = lists.generation  # a reader asks the user service ...
        follow_changes(clients[1]).changed([7])  # ... and 7 follows someone meanwhile
        changed_since(lists, generation)
        lists.put(7, [1, 2], generation)
        assert lists.get(7) is None
        lists.put(7, [1, 2, 3], lists.generation)
        assert lists.get(7) == {1, 2, 3} and lists.follows(7, 3) and lists.follows(7, 4) is False
    finally:
        lists.close()
        for client in clients:
            client.close()


def test_the_copy_is_not_trusted_once_its_subscription_goes_quiet(redis_server):
    client = redis.Redis.from_url(redis_server.url)
    lists = FollowLists(client, stale_after_seconds=0.3).start()
    try:
        wait_until(lambda: lists.subscription.live, "subscription live", interval=0.01)
        lists.put(7, [1], lists.generation)
        assert lists.get(7) == {1}
        lists.close()  # no more PINGs answered: what was published meanwhile may be missed
        wait_until(lambda: lists.get(7) is None, "the copy stops being trusted", interval=0.05)
        assert lists.follows(7, 1) is None
    finally:
        lists.close()
        client.close()


async def test_without_redis_every_read_asks_the_user_service(tmp_path, sens_provider):
    # Nothing listens on the port: the subscription never starts, the copy is never used.
    with in_process_world(tmp_path, sens_provider, redis_url=f"redis://127.0.0.1:{free_port()}/0") as world:
        counting = counting_calls(world)
        await world.sign_up("reader", "author")
        post = await world.share("author")
        await world.follow("reader", "author")
        await world.act_as("reader")
        assert await timeline_ids(world) == [post]
        assert await timeline_ids(world) == [post]
        assert counting.count == 2 and world.feed._d.follow_lists.get(world.ids["reader"]) is None
