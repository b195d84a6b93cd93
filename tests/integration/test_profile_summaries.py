"""The gateway's copy of profile summaries (the notifications' actors) over real Redis and
MariaDB: a page whose actors are all known asks the user service nothing, a nickname change,
an avatar change and a deleted account (told by the user service after its commit) are seen
by the next page, a page with an actor the copy does not know still asks, and an answer read
while a change arrived is not kept."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis

from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_gateway.profiles import ProfileSummaries, ProfileSummary, forget_own_profile, profile_summaries
from gridam_runtime.profiles import profile_changes
from tests.support.in_process import InProcessClient
from tests.support.pngs import art_png
from tests.support.user_layer import UserLayer, user_layer
from tests.support.waiting import wait_until
from user_service.config import UserSettings

pytestmark = pytest.mark.integration


class CountingUsers:
    """The user service's client, keeping the login ids each GetProfiles asked for."""

    def __init__(self, client: InProcessClient) -> None:
        self._client = client
        self.asked: list[list[str]] = []

    async def GetProfiles(self, request: user_pb.GetProfilesRequest) -> user_pb.GetProfilesResponse:
        self.asked.append(list(request.user_ids))
        return await self._client.GetProfiles(request)


@pytest.fixture
def redis_client(redis_server) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_server.url)
    yield client
    client.close()


@pytest.fixture
def users(tmp_path, sens_provider, mariadb, redis_client) -> Iterator[UserLayer]:
    url = mariadb.create_database(f"gridam_test_ps_{uuid.uuid4().hex[:8]}")
    with user_layer(UserSettings(data_dir=tmp_path, database_url=url), sens_provider, profile_changes=profile_changes(redis_client)) as layer:
        yield layer


@pytest.fixture
def copy(redis_client) -> Iterator[ProfileSummaries]:
    summaries = ProfileSummaries(redis_client).start()
    wait_until(lambda: summaries.subscription.live, "the copy's subscription is live", interval=0.01)
    yield summaries
    summaries.close()


@pytest.fixture
def client(users) -> CountingUsers:
    return CountingUsers(InProcessClient(users.servicer))


def changed_since(copy: ProfileSummaries, generation: int) -> None:
    """The user service's message has reached the copy (published before the call returned)."""
    wait_until(lambda: copy.generation > generation, "profile change received", interval=0.005)


async def test_changes_are_seen_by_the_next_page(users, copy, client):
    await users.sign_up("actor", nickname="처음이름")
    await users.sign_up("reader")
    await users.log_in("reader")
    first = await profile_summaries(client, copy, {"actor"})
    assert first == {"actor": ProfileSummary("처음이름", "")}
    assert await profile_summaries(client, copy, {" Actor"}) == {" Actor": first["actor"]}  # read as the user service reads it
    assert client.asked == [["actor"]]  # the second page asked nothing

    await users.log_in("actor")
    generation = copy.generation
    await users.profiles.update("새이름", None)
    changed_since(copy, generation)
    assert await profile_summaries(client, copy, {"actor"}) == {"actor": ProfileSummary("새이름", "")}

    generation = copy.generation
    avatar_key = (await users.profiles.set_avatar(art_png(64, 64))).avatar_key
    changed_since(copy, generation)
    assert avatar_key and await profile_summaries(client, copy, {"actor"}) == {"actor": ProfileSummary("새이름", avatar_key)}

    generation = copy.generation
    await users.accounts.delete_account("secret123")
    changed_since(copy, generation)
    await users.log_in("reader")
    assert await profile_summaries(client, copy, {"actor"}) == {"actor": None}
    assert await profile_summaries(client, copy, {"actor"}) == {"actor": None}  # who is gone is not copied
    assert client.asked == [["actor"]] * 5


async def test_a_page_with_unknown_actors_asks_for_them(users, copy, client):
    await users.sign_up("known", nickname="아는사람")
    await users.sign_up("other", nickname="다른사람")
    await users.log_in("known")
    await profile_summaries(client, copy, {"known"})
    page = await profile_summaries(client, copy, {"known", "other", "nobody"})
    assert page == {"known": ProfileSummary("아는사람", ""), "other": ProfileSummary("다른사람", ""), "nobody": None}
    assert client.asked == [["known"], ["nobody", "other"]]
    assert await profile_summaries(client, copy, {"known", "other"}) == {"known": page["known"], "other": page["other"]}
    assert len(client.asked) == 2


async def test_an_answer_read_while_a_change_arrives_is_not_kept(users, copy, redis_client):
    await users.sign_up("actor", nickname="처음이름")
    await users.log_in("actor")
    inner = InProcessClient(users.servicer)

    class ChangedMeanwhile:
        """The nickname changes (and is told) while the page's GetProfiles is answered."""

        async def GetProfiles(self, request: user_pb.GetProfilesRequest) -> user_pb.GetProfilesResponse:
            reply = await inner.GetProfiles(request)
            generation = copy.generation
            profile_changes(redis_client).changed(["actor"])
            changed_since(copy, generation)
            return reply

    assert (await profile_summaries(ChangedMeanwhile(), copy, {"actor"}))["actor"] == ProfileSummary("처음이름", "")
    assert copy.get("actor") is None


async def test_a_change_made_through_this_gateway_is_forgotten_at_once(users, copy, client):
    await users.sign_up("actor", nickname="처음이름")
    await users.log_in("actor")
    await profile_summaries(client, copy, {"actor"})
    generation = copy.generation
    forget_own_profile(copy, "actor")
    assert copy.get("actor") is None and copy.generation > generation  # an answer read before is not kept either
    forget_own_profile(None, "actor")  # no copy without Redis: nothing to forget


async def test_without_a_copy_every_page_asks(users, client):
    await users.sign_up("actor", nickname="처음이름")
    await users.log_in("actor")
    for _ in range(2):
        assert await profile_summaries(client, None, {"actor"}) == {"actor": ProfileSummary("처음이름", "")}
    assert client.asked == [["actor"], ["actor"]]
