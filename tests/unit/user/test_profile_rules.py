"""Profiles and follows on the user service layer (SQLite, the embedded profile's state)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable

import pytest

from gridam_runtime import context
from gridam_runtime.errors import DomainError
from tests.support.user_layer import UserLayer, user_layer
from user_service.config import UserSettings


@pytest.fixture
async def users(tmp_path, sens_provider) -> AsyncIterator[UserLayer]:
    with user_layer(UserSettings(data_dir=tmp_path), sens_provider) as layer:
        for login_id in ("alice", "bobby"):
            await layer.sign_up(login_id, nickname=login_id.title())
        yield layer


async def reason(call: Awaitable[object]) -> str:
    with pytest.raises(DomainError) as failure:
        await call
    return failure.value.reason


async def test_nickname_and_introduction_change_only_the_callers_profile(users):
    await users.log_in("bobby")
    await users.profiles.update("새이름", None)
    await users.profiles.update(None, "  안녕하세요\n반가워요  ")
    mine = await users.profiles.get("")
    assert (mine.nickname, mine.introduction) == ("새이름", "안녕하세요\n반가워요")
    assert (await users.profiles.get("ALICE")).nickname == "Alice"
    for nickname in ("  ", "가" * 21, "하\u200b루"):
        assert await reason(users.profiles.update(nickname, None)) == "USER4003"
    assert await reason(users.profiles.update(None, "가" * 151)) == "USER4004"
    assert (await users.profiles.get("")).nickname == "새이름"
    assert await reason(users.profiles.get("nobody_here")) == "USER4041"
    context.bearer_token.set(None)
    assert await reason(users.profiles.update("x", None)) == "AUTH4011"


async def test_a_follow_counts_once_and_an_unfollow_takes_it_back(users):
    await users.log_in("bobby")
    assert await users.profiles.follow("alice") is True
    assert await users.profiles.follow("Alice") is False  # again: not a new follow
    assert (await users.profiles.get("alice")).follower_count == 1 and (await users.profiles.get("")).following_count == 1
    assert await reason(users.profiles.follow("bobby")) == "FOLLOW4001"
    assert await reason(users.profiles.follow("nobody_here")) == "USER4041"
    assert await users.profiles.unfollow("alice") is True
    assert await users.profiles.unfollow("alice") is False
    assert (await users.profiles.get("alice")).follower_count == 0 and (await users.profiles.get("")).following_count == 0


async def test_follow_lists_page_newest_first_with_positive_cursors(users):
    fans = [f"fan_{n}" for n in range(5)]
    for fan in fans:
        await users.sign_up(fan)
        await users.log_in(fan)
        await users.profiles.follow("alice")
    await users.log_in("alice")
    seen, cursor = [], 0
    while True:
        rows, cursor = await users.profiles.follow_page(followers=True, cursor=cursor, size=2)
        seen.append([user.login_id for _, user in rows])
        if not cursor:
            break
        assert cursor > 0
    assert seen == [["fan_4", "fan_3"], ["fan_2", "fan_1"], ["fan_0"]]
    await users.log_in("fan_0")
    assert [user.login_id for _, user in (await users.profiles.follow_page(followers=False, cursor=0, size=10))[0]] == ["alice"]
    assert await reason(users.profiles.follow_page(followers=True, cursor=-1, size=2)) == "COMMON4002"
