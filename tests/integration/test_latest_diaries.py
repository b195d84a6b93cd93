"""The card service's copy of each author's latest diary per day, over real Redis and MariaDB: the
card of a day asks the diary service once and then reads the copy; a diary written or deleted that
day (told by the diary service after its commit) is seen by the next request; an answer read while
a change arrived is not kept; without Redis every request asks."""

from __future__ import annotations

import dataclasses
import datetime
import uuid

import pytest
import redis

from gridam_runtime.latest_diaries import LatestDiaries, day_key, diary_day_changes
from tests.support.counting import CountingCalls
from tests.support.in_process import World, in_process_world
from tests.support.servers import free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration


def counting_calls(world: World) -> CountingCalls:
    """The diary service's client, counting the latest diaries of a day it is asked for."""
    counting = CountingCalls(world.cards.cards._d.diaries, "GetDiaryByDate")
    world.cards.cards._d = dataclasses.replace(world.cards.cards._d, diaries=counting)
    return counting


@pytest.fixture
def world(tmp_path, sens_provider, mariadb, redis_server):
    databases = {name: mariadb.create_database(f"gridam_test_ld_{name}_{uuid.uuid4().hex[:8]}") for name in ("user", "diary")}
    with in_process_world(tmp_path, sens_provider, databases=databases, redis_url=redis_server.url) as world:
        copy = world.cards.cards._d.latest_diaries
        wait_until(lambda: copy.subscription.live, "the copy's subscription is live", interval=0.01)
        world.copy, world.counting = copy, counting_calls(world)
        yield world


def changed_since(copy: LatestDiaries, generation: int) -> None:
    """The diary service's message has reached the copy (published before the write returned)."""
    wait_until(lambda: copy.generation > generation, "diary day change received", interval=0.005)


async def card_of_the_day(world) -> int | None:
    card = await world.cards.cards.by_date(world.diary.diaries.today().isoformat())
    return card.diary_id if card is not None else None


async def test_the_card_of_a_day_follows_the_diaries_written_and_deleted(world):
    await world.sign_up("haru")
    morning, _ = await world.card("haru")
    await world.act_as("haru")
    assert await card_of_the_day(world) == morning
    assert await card_of_the_day(world) == morning
    assert world.counting.count == 1  # the second request read the copy

    generation = world.copy.generation
    evening = await world.diary.diaries.create("저녁", "저녁에 쓴 일기", b"")  # its card is not made yet
    changed_since(world.copy, generation)
    assert await card_of_the_day(world) is None

    generation = world.copy.generation
    await world.diary.diaries.delete(evening.id)
    changed_since(world.copy, generation)
    assert await card_of_the_day(world) == morning

    generation = world.copy.generation
    await world.diary.diaries.delete(morning)  # its card lives on until the purge job runs
    changed_since(world.copy, generation)
    assert await card_of_the_day(world) is None
    assert world.counting.count == 4


async def test_another_authors_diary_leaves_the_copy_alone(world):
    await world.sign_up("haru", "dalbit")
    morning, _ = await world.card("haru")
    await world.act_as("haru")
    assert await card_of_the_day(world) == morning
    generation = world.copy.generation
    await world.card("dalbit")
    changed_since(world.copy, generation)
    await world.act_as("haru")
    assert await card_of_the_day(world) == morning
    assert world.counting.count == 1


def test_an_answer_older_than_a_change_is_not_kept(redis_server):
    clients = [redis.Redis.from_url(redis_server.url) for _ in range(2)]
    copy = LatestDiaries(clients[0]).start()
    try:
        wait_until(lambda: copy.subscription.live, "subscription live", interval=0.01)
        key = day_key(7, datetime.date(2026, 12, 7))
        generation = copy.generation  # the card service asks the diary service ...
        diary_day_changes(clients[1]).changed([key])  # ... and the author writes a diary meanwhile
        changed_since(copy, generation)
        copy.put(key, 11, generation)
        assert copy.get(key) is None
        copy.put(key, 12, copy.generation)
        assert copy.get(key) == 12
        assert copy.get(day_key(7, datetime.date(2026, 12, 8))) is None
    finally:
        copy.close()
        for client in clients:
            client.close()


async def test_without_redis_every_request_asks(tmp_path, sens_provider):
    # Nothing listens on the port: the subscription never starts, the copy is never used.
    with in_process_world(tmp_path, sens_provider, redis_url=f"redis://127.0.0.1:{free_port()}/0") as world:
        counting = counting_calls(world)
        await world.sign_up("haru")
        morning, _ = await world.card("haru")
        await world.act_as("haru")
        assert await card_of_the_day(world) == morning
        assert await card_of_the_day(world) == morning
        assert counting.count == 2
