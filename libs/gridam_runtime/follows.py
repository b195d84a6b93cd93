"""Who follows whom, copied out of the user service: each follower's followee ids, kept in
memory by a service that asks for them on every request (the diary service: timelines and
the visibility of FOLLOWERS posts), and dropped when they change.

The user service owns the follows and publishes, after each commit that changes someone's
followees (a follow, an unfollow, an account deleted with its follow edges), those
followers' ids on a Redis channel (`RedisFollowChanges`). A copy (`FollowLists`) drops the
lists named there and is trusted only while its subscription is live (RedisSubscription);
otherwise, and without Redis (the embedded profile), the user service is asked as before.
A list also lives at most MAX_AGE_SECONDS, which bounds how long a lost publication can
keep a stale one.
"""

from __future__ import annotations

import abc
import logging
import threading
import time
from collections.abc import Collection, Iterable

import redis

from gridam_runtime.kv import RedisSubscription

log = logging.getLogger("gridam.follows")

CHANNEL = "gridam:follows-changed"
# ListFollowingIds answers at most this many followees: a longer list is cut, so a copy of a
# list this long cannot tell that someone is not followed.
MAX_FOLLOWEE_IDS = 10_000


class FollowChanges(abc.ABC):
    """Where the user service announces whose followees changed."""

    @abc.abstractmethod
    def changed(self, follower_ids: Collection[int]) -> None:
        """After the commit: the followee lists of `follower_ids` are no longer what they were."""


class UnsharedFollowChanges(FollowChanges):
    """No Redis (the embedded profile): no process keeps a copy, nothing to tell."""

    def changed(self, follower_ids: Collection[int]) -> None:
        pass


class RedisFollowChanges(FollowChanges):
    def __init__(self, client: redis.Redis) -> None:
        self._redis = client

    def changed(self, follower_ids: Collection[int]) -> None:
        if not follower_ids:
            return
        try:
            self._redis.publish(CHANNEL, " ".join(str(i) for i in follower_ids))
        except (redis.RedisError, OSError):
            # The change is committed; failing the request would not undo it. The copies'
            # subscriptions are likely down too (and then not trusted), else MAX_AGE_SECONDS
            # bounds how long they keep the old list.
            log.warning("follow change of %s not published", sorted(follower_ids), exc_info=True)


def follow_changes(client: redis.Redis | None) -> FollowChanges:
    return RedisFollowChanges(client) if client is not None else UnsharedFollowChanges()


class FollowLists:
    """Followee ids by follower id, for at most `max_users` followers (the oldest copied first
    dropped), each for at most MAX_AGE_SECONDS.

    A reader that misses asks the user service and offers the answer with the `generation` it
    read before asking: the answer is kept only if no change arrived meanwhile (it may predate
    that change).
    """

    MAX_AGE_SECONDS = 60.0

    def __init__(self, client: redis.Redis, *, max_users: int = 10_000, stale_after_seconds: float = RedisSubscription.STALE_AFTER_SECONDS) -> None:
        self._lists: dict[int, tuple[frozenset[int], float]] = {}  # follower -> (followees, monotonic expiry)
        self._max_users = max_users
        self._lock = threading.Lock()
        self.generation = 0  # counts the changes received; read before asking the user service
        self.subscription = RedisSubscription(
            client, CHANNEL, on_message=self._received, on_subscribed=self._clear, name="follow-lists",
            stale_after_seconds=stale_after_seconds,
        )

    def start(self) -> FollowLists:
        self.subscription.start()
        return self

    def close(self) -> None:
        self.subscription.close()

    def get(self, follower_id: int) -> frozenset[int] | None:
        """The followees of `follower_id`, or None when the copy does not know them for sure."""
        entry = self._lists.get(follower_id)
        if entry is None or entry[1] < time.monotonic() or not self.subscription.live:
            return None
        return entry[0]

    def follows(self, follower_id: int, followee_id: int) -> bool | None:
        """Whether one user follows another, or None when the copy cannot tell."""
        followees = self.get(follower_id)
        if followees is None or len(followees) >= MAX_FOLLOWEE_IDS:
            return None
        return followee_id in followees

    def put(self, follower_id: int, followee_ids: Iterable[int], generation: int) -> None:
        followees = frozenset(followee_ids)
        with self._lock:
            if generation != self.generation or not self.subscription.live:
                return
            if follower_id not in self._lists and len(self._lists) >= self._max_users:
                del self._lists[next(iter(self._lists))]
            self._lists[follower_id] = (followees, time.monotonic() + self.MAX_AGE_SECONDS)

    def _received(self, data: bytes) -> None:
        with self._lock:
            self.generation += 1
            for follower_id in data.split():
                self._lists.pop(int(follower_id), None)

    def _clear(self) -> None:
        """(Re)subscribed: whatever was published while the connection was down is lost."""
        with self._lock:
            self.generation += 1
            self._lists = {}
