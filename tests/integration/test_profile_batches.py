"""GetProfiles on real MariaDB and on SQLite: the profiles of several login ids in one read
(one statement per number of ids, compiled once), read as GetProfile reads one (trimmed,
lower case), unknown ids left out, at most 100 ids."""

from __future__ import annotations

import pytest

from gridam_runtime.errors import DomainError
from tests.support.user_layer import user_layer
from user_service.config import UserSettings

pytestmark = pytest.mark.integration


@pytest.fixture
async def users(database_url, tmp_path, sens_provider):
    with user_layer(UserSettings(data_dir=tmp_path, database_url=database_url), sens_provider) as layer:
        for login_id in ("alice", "bobby", "carol"):
            await layer.sign_up(login_id, nickname=login_id.title())
        await layer.log_in("bobby")
        yield layer


async def test_several_profiles_in_one_read(users):
    rows = await users.profiles.get_many([" ALICE ", "carol", "alice", "nobody_here"])
    assert sorted((row.login_id, row.nickname) for row in rows) == [("alice", "Alice"), ("carol", "Carol")]
    assert rows[0] == await users.profiles.get(rows[0].login_id)  # the same fields as GetProfile
    assert await users.profiles.get_many([]) == []
    many = [f"user_{n}" for n in range(100)] + ["bobby"]
    with pytest.raises(DomainError) as refused:
        await users.profiles.get_many(many)
    assert refused.value.reason == "COMMON4000"
    assert [row.login_id for row in await users.profiles.get_many(many[1:])] == ["bobby"]
