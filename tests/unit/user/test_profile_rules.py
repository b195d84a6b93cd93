"""Profiles and follows on the user service layer (SQLite, the embedded profile's state)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gridam_runtime import context
from gridam_runtime.errors import DomainError
from tests.support.user_layer import UserLayer, user_layer
from user_service.config import UserSettings


@pytest.fixture
def users(tmp_path, sens_provider) -> Iterator[UserLayer]:
    with user_layer(UserSettings(data_dir=tmp_path), sens_provider) as layer:
        for login_id in ("alice", "bobby"):
            layer.sign_up(login_id, nickname=login_id.title())
        yield layer


def reason(call) -> str:
    with pytest.raises(DomainError) as failure:
        call()
    return failure.value.reason


def test_nickname_and_introduction_change_only_the_callers_profile(users):
    users.log_in("bobby")
    users.profiles.update("새이름", None)
    users.profiles.update(None, "  안녕하세요\n반가워요  ")
    mine = users.profiles.get("")
    assert (mine.nickname, mine.introduction) == ("새이름", "안녕하세요\n반가워요")
    assert users.profiles.get("ALICE").nickname == "Alice"
    for nickname in ("  ", "가" * 21, "하\u200b루"):
        assert reason(lambda nickname=nickname: users.profiles.update(nickname, None)) == "USER4003"
    assert reason(lambda: users.profiles.update(None, "가" * 151)) == "USER4004"
    assert users.profiles.get("").nickname == "새이름"
    assert reason(lambda: users.profiles.get("nobody_here")) == "USER4041"
    context.bearer_token.set(None)
    assert reason(lambda: users.profiles.update("x", None)) == "AUTH4011"


def test_a_follow_counts_once_and_an_unfollow_takes_it_back(users):
    users.log_in("bobby")
    assert users.profiles.follow("alice") is True
    assert users.profiles.follow("Alice") is False  # again: not a new follow
    assert users.profiles.get("alice").follower_count == 1 and users.profiles.get("").following_count == 1
    assert reason(lambda: users.profiles.follow("bobby")) == "FOLLOW4001"
    assert reason(lambda: users.profiles.follow("nobody_here")) == "USER4041"
    assert users.profiles.unfollow("alice") is True
    assert users.profiles.unfollow("alice") is False
    assert users.profiles.get("alice").follower_count == 0 and users.profiles.get("").following_count == 0


def test_follow_lists_page_newest_first_with_positive_cursors(users):
    fans = [f"fan_{n}" for n in range(5)]
    for fan in fans:
        users.sign_up(fan)
        users.log_in(fan)
        users.profiles.follow("alice")
    users.log_in("alice")
    seen, cursor = [], 0
    while True:
        rows, cursor = users.profiles.follow_page(followers=True, cursor=cursor, size=2)
        seen.append([user.login_id for _, user in rows])
        if not cursor:
            break
        assert cursor > 0
    assert seen == [["fan_4", "fan_3"], ["fan_2", "fan_1"], ["fan_0"]]
    users.log_in("fan_0")
    assert [user.login_id for _, user in users.profiles.follow_page(followers=False, cursor=0, size=10)[0]] == ["alice"]
    assert reason(lambda: users.profiles.follow_page(followers=True, cursor=-1, size=2)) == "COMMON4002"
