"""Nickname and avatar by login id, for a page that shows who acted (notifications): from the
gateway's copy of the user service's profile summaries where it knows them, else in one
`GetProfiles` call whose answers are copied (gridam_runtime.profiles; without Redis, the
embedded profile, every page asks)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, NamedTuple

import redis

from gridam.user.v1 import user_service_pb2 as user_pb
from gridam_runtime.copies import CopiedValues
from gridam_runtime.kv import RedisSubscription
from gridam_runtime.profiles import CHANNEL


class ProfileSummary(NamedTuple):
    nickname: str
    avatar_key: str


class ProfileSummaries(CopiedValues[str, ProfileSummary]):
    """Summaries by login id (as the user service stores it: trimmed, lower case), for at most
    `max_users` users, each for at most MAX_AGE_SECONDS (CopiedValues). Only users who exist
    are copied: a login id the user service does not know is asked again."""

    MAX_AGE_SECONDS = 60.0

    def __init__(self, client: redis.Redis, *, max_users: int = 10_000, stale_after_seconds: float = RedisSubscription.STALE_AFTER_SECONDS) -> None:
        super().__init__(
            client, CHANNEL, key=bytes.decode, name="profile-summaries", max_entries=max_users,
            max_age_seconds=self.MAX_AGE_SECONDS, stale_after_seconds=stale_after_seconds,
        )


def forget_own_profile(copy: ProfileSummaries | None, login_id: str) -> None:
    """The caller changed their nickname or avatar, or deleted their account, through this
    process: its next page shows that without waiting for the user service's message."""
    if copy is not None:
        copy.forget((login_id,))


async def profile_summaries(users: Any, copy: ProfileSummaries | None, login_ids: Collection[str]) -> dict[str, ProfileSummary | None]:
    """The summaries of `login_ids` as they are now, None for a user who is gone; `users` is
    the user service's client."""
    # The user service reads a login id as GetProfile does (trimmed, lower case).
    keys = {login_id: login_id.strip().lower() for login_id in login_ids}
    known: dict[str, ProfileSummary] = {}
    if copy is not None:
        for key in keys.values():
            summary = copy.get(key)
            if summary is not None:
                known[key] = summary
    missing = sorted(set(keys.values()) - known.keys())
    if missing:
        generation = copy.generation if copy is not None else 0  # read before asking: a change meanwhile voids the answer
        reply: user_pb.GetProfilesResponse = await users.GetProfiles(user_pb.GetProfilesRequest(user_ids=missing))
        found = {profile.user_id: ProfileSummary(profile.nickname, profile.avatar_key) for profile in reply.profiles}
        if copy is not None:
            copy.put_many(found.items(), generation)
        known |= found
    return {login_id: known.get(key) for login_id, key in keys.items()}
