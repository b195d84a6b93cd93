"""Who follows whom, copied out of the user service: each follower's followee ids, kept in
memory by a service that asks for them on every request (the diary service: timelines and
the visibility of FOLLOWERS posts), and dropped when they change.

The user service owns the follows and publishes, after each commit that changes someone's
followees (a follow, an unfollow, an account deleted with its follow edges), those
followers' ids on a Redis channel (`follow_changes`). A copy (`FollowLists`) drops the
lists named there and is trusted only while its subscription is live; otherwise, and without
Redis (the embedded profile), the user service is asked as before. A list also lives at most
MAX_AGE_SECONDS, which bounds how long a lost publication can keep a stale one
(gridam_runtime.copies).
"""

from __future__ import annotations

from collections.abc import Iterable

import redis

from gridam_runtime.copies import Changes, CopiedValues, changes
from gridam_runtime.kv import RedisSubscription

CHANNEL = "gridam:follows-changed"
# ListFollowingIds answers at most this many followees: a longer list is cut, so a copy of a
# list this long cannot tell that someone is not followed.
MAX_FOLLOWEE_IDS = 10_000


def follow_changes(client: redis.Redis | None) -> Changes:
    """Where the user service announces, after the commit, the followers whose followees changed."""
    return changes(client, CHANNEL)


class FollowLists(CopiedValues[int, frozenset[int]]):
    """Followee ids by follower id, for at most `max_users` followers, each for at most
    MAX_AGE_SECONDS (CopiedValues)."""

    MAX_AGE_SECONDS = 60.0

    def __init__(self, client: redis.Redis, *, max_users: int = 10_000, stale_after_seconds: float = RedisSubscription.STALE_AFTER_SECONDS) -> None:
        super().__init__(
            client, CHANNEL, key=int, name="follow-lists", max_entries=max_users, max_age_seconds=self.MAX_AGE_SECONDS,
            stale_after_seconds=stale_after_seconds,
        )

    def follows(self, follower_id: int, followee_id: int) -> bool | None:
        """Whether one user follows another, or None when the copy cannot tell."""
        followees = self.get(follower_id)
        if followees is None or len(followees) >= MAX_FOLLOWEE_IDS:
            return None
        return followee_id in followees

    def put(self, follower_id: int, followee_ids: Iterable[int], generation: int) -> None:
        super().put(follower_id, frozenset(followee_ids), generation)
