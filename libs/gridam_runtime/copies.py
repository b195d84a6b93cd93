"""Copies of another service's state, kept in memory by a process that would otherwise ask
for it on every request, and dropped where the owner announces a change.

The owner publishes, after each commit, the keys whose values changed on a Redis channel
(`RedisChanges`). A copy (`CopiedValues`) drops the values named there and is trusted only
while its subscription is live (RedisSubscription); otherwise, and without Redis (the embedded
profile), the owner is asked as before. A value also lives at most `max_age_seconds`, which
bounds how long a lost publication can keep a stale one.

Used by the diary service's followee lists (gridam_runtime.follows), the gateway's profile
summaries (gridam_runtime.profiles, gridam_gateway.profiles) and the card service's latest diary
of each day (gridam_runtime.latest_diaries); the diary service's timeline heads publish through
`changes` too but keep their own copy (diary_service.adapters.timeline_heads: per author, not per key).
"""

from __future__ import annotations

import abc
import logging
import threading
import time
from collections.abc import Callable, Collection, Iterable
from typing import Generic, Self, TypeVar

import redis

from gridam_runtime.kv import RedisSubscription

log = logging.getLogger("gridam.copies")

K = TypeVar("K")
V = TypeVar("V")


class Changes(abc.ABC):
    """Where an owner announces which keys of its state changed."""

    @abc.abstractmethod
    def changed(self, keys: Collection[object]) -> None:
        """After the commit: the values of `keys` (no spaces in them) are no longer what they were."""


class UnsharedChanges(Changes):
    """No Redis (the embedded profile): no process keeps a copy, nothing to tell."""

    def changed(self, keys: Collection[object]) -> None:
        pass


class RedisChanges(Changes):
    def __init__(self, client: redis.Redis, channel: str) -> None:
        self._redis = client
        self._channel = channel

    def changed(self, keys: Collection[object]) -> None:
        if not keys:
            return
        try:
            self._redis.publish(self._channel, " ".join(str(key) for key in keys))
        except (redis.RedisError, OSError):
            # The change is committed; failing the request would not undo it. The copies'
            # subscriptions are likely down too (and then not trusted), else their lifetime
            # bounds how long they keep the old value.
            log.warning("change of %s not published on %s", sorted(str(key) for key in keys), self._channel, exc_info=True)


def changes(client: redis.Redis | None, channel: str) -> Changes:
    return RedisChanges(client, channel) if client is not None else UnsharedChanges()


class CopiedValues(Generic[K, V]):
    """Values by key for at most `max_entries` keys (the oldest copied first dropped), each
    for at most `max_age_seconds`; `key` reads a key out of a published word.

    A reader that misses asks the owner and offers the answer with the `generation` it read
    before asking: the answer is kept only if no change arrived meanwhile (it may predate that
    change).
    """

    def __init__(
        self,
        client: redis.Redis,
        channel: str,
        *,
        key: Callable[[bytes], K],
        name: str,
        max_entries: int,
        max_age_seconds: float,
        stale_after_seconds: float = RedisSubscription.STALE_AFTER_SECONDS,
    ) -> None:
        self._values: dict[K, tuple[V, float]] = {}  # key -> (value, monotonic expiry)
        self._key = key
        self._max_entries = max_entries
        self._max_age = max_age_seconds
        self._lock = threading.Lock()
        self.generation = 0  # counts the changes received; read before asking the owner
        self.subscription = RedisSubscription(
            client, channel, on_message=self._received, on_subscribed=self._clear, name=name,
            stale_after_seconds=stale_after_seconds,
        )

    def start(self) -> Self:
        self.subscription.start()
        return self

    def close(self) -> None:
        self.subscription.close()

    def get(self, key: K) -> V | None:
        """The value of `key`, or None when the copy does not know it for sure."""
        entry = self._values.get(key)
        if entry is None or entry[1] < time.monotonic() or not self.subscription.live:
            return None
        return entry[0]

    def put(self, key: K, value: V, generation: int) -> None:
        self.put_many(((key, value),), generation)

    def put_many(self, items: Iterable[tuple[K, V]], generation: int) -> None:
        """The owner's answers, read after `generation`: kept only if no change arrived since."""
        with self._lock:
            if generation != self.generation or not self.subscription.live:
                return
            expiry = time.monotonic() + self._max_age
            for key, value in items:
                if key not in self._values and len(self._values) >= self._max_entries:
                    del self._values[next(iter(self._values))]
                self._values[key] = (value, expiry)

    def forget(self, keys: Iterable[K]) -> None:
        """A change of `keys` is known (published, or made by this process): their values go,
        and answers read before are not kept."""
        with self._lock:
            self.generation += 1
            for key in keys:
                self._values.pop(key, None)

    def _received(self, data: bytes) -> None:
        self.forget(self._key(word) for word in data.split())

    def _clear(self) -> None:
        """(Re)subscribed: whatever was published while the connection was down is lost."""
        with self._lock:
            self.generation += 1
            self._values = {}
