"""The newest posts of each reader's timeline, kept in memory by the diary service, so that a
timeline page someone opened a moment ago costs no window statement (docs/performance.md).

Posts are never edited: a timeline changes only when a post of one of its authors is written or
deleted, or when the reader's followees change. Every unit of work that writes or deletes posts
publishes, after its commit, their authors' ids on a Redis channel (`post_changes`), from
the diary service and its pipeline workers alike; the writing process's own copy hears of it
before the request is answered (so the writer's next page shows it). A copy (`TimelineHeads`) remembers, per
author, the number of the last change it received; a reader's head is answered only while no
author of it changed after the head was read, while its followees are the ones it was read with,
and while the subscription is live (RedisSubscription; otherwise, and without Redis — the
embedded profile — every page is read as before). A head also lives at most MAX_AGE_SECONDS,
which bounds how long a lost publication can keep a deleted post or hide a new one.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Collection, Iterable, Sequence

import redis

from diary_service.adapters.reads import PostRow
from gridam_runtime.copies import Changes, changes
from gridam_runtime.kv import RedisSubscription

CHANNEL = "gridam:posts-changed"
_NEVER = (0, 0.0)


def post_changes(client: redis.Redis | None, heads: TimelineHeads | None = None) -> Changes:
    """Where writers of posts announce, after the commit, the authors whose posts changed: the
    `heads` of the writing process at once, then every process through Redis."""
    published = changes(client, CHANNEL)
    return published if heads is None else _HereFirst(heads, published)


class _HereFirst(Changes):
    """A writer's own heads hear of its change before its request is answered, so the next
    page its caller (or anyone) reads from this process shows it; the message reaches the other
    processes within milliseconds."""

    def __init__(self, heads: TimelineHeads, published: Changes) -> None:
        self._heads = heads
        self._published = published

    def changed(self, keys: Collection[object]) -> None:
        self._heads.changed(int(str(key)) for key in keys)
        self._published.changed(keys)


@dataclasses.dataclass(frozen=True)
class _Head:
    authors: frozenset[int]  # the reader and their followees when it was read
    rows: Sequence[PostRow]  # their newest visible posts, newest first
    complete: bool  # fewer than HEAD_POSTS exist: `rows` is the whole timeline
    number: int  # TimelineHeads.number when the read began
    expires: float  # monotonic


class TimelineHeads:
    """The first HEAD_POSTS posts of the timelines of at most `max_readers` readers (the oldest
    read first dropped)."""

    # Three pages of the web client's 20, and the post that says whether a fourth follows.
    HEAD_POSTS = 61
    MAX_AGE_SECONDS = 60.0

    def __init__(self, client: redis.Redis, *, max_readers: int = 10_000, stale_after_seconds: float = RedisSubscription.STALE_AFTER_SECONDS) -> None:
        self._heads: dict[int, _Head] = {}
        self._max_readers = max_readers
        # author id -> (number of the change, monotonic time received). An author whose last
        # change is older than MAX_AGE_SECONDS can be forgotten: every head read before it has expired.
        self._changed: dict[int, tuple[int, float]] = {}
        self._prune_at = 2 * max_readers
        self._lock = threading.Lock()
        self.number = 0  # counts the changes heard (here or published) and the (re)subscriptions
        self._cleared_at = 0
        self.subscription = RedisSubscription(
            client, CHANNEL, on_message=self._received, on_subscribed=self._clear, name="timeline-heads",
            stale_after_seconds=stale_after_seconds,
        )

    def start(self) -> TimelineHeads:
        self.subscription.start()
        return self

    def close(self) -> None:
        self.subscription.close()

    def page(self, reader_id: int, authors: frozenset[int], before_id: int | None, limit: int) -> list[PostRow] | None:
        """Up to `limit` posts of the reader's timeline with ids below `before_id`, or None when
        the head does not hold them for sure."""
        head = self._heads.get(reader_id)
        if head is None or head.expires < time.monotonic() or head.authors != authors or not self.subscription.live:
            return None
        if not self._unchanged_since(head.number, authors):
            return None
        rows = head.rows if before_id is None else [row for row in head.rows if row.id < before_id]
        return list(rows[:limit]) if len(rows) >= limit or head.complete else None

    def put(self, reader_id: int, authors: frozenset[int], rows: Sequence[PostRow], number: int) -> None:
        """Keep the reader's newest HEAD_POSTS posts (`rows`, read from `authors`) that were read
        after `number` was taken: they are kept only if none of those authors changed since."""
        with self._lock:
            if number < self._cleared_at or not self.subscription.live or not self._unchanged_since(number, authors):
                return
            if reader_id not in self._heads and len(self._heads) >= self._max_readers:
                del self._heads[next(iter(self._heads))]
            expires = time.monotonic() + self.MAX_AGE_SECONDS
            self._heads[reader_id] = _Head(authors, tuple(rows), len(rows) < self.HEAD_POSTS, number, expires)

    def _unchanged_since(self, number: int, authors: frozenset[int]) -> bool:
        # Lookups only, no iteration of the dict: the subscription's thread may be adding to it.
        changed = self._changed
        return all(changed.get(author, _NEVER)[0] <= number for author in authors)

    def changed(self, author_ids: Iterable[int]) -> None:
        """The posts of `author_ids` changed: no head read before now shows any of them."""
        now = time.monotonic()
        with self._lock:
            self.number += 1
            for author_id in author_ids:
                self._changed[author_id] = (self.number, now)
            if len(self._changed) > self._prune_at:
                oldest_kept = now - self.MAX_AGE_SECONDS
                self._changed = {author: change for author, change in self._changed.items() if change[1] >= oldest_kept}
                self._prune_at = 2 * len(self._changed) + 2 * self._max_readers

    def _received(self, data: bytes) -> None:
        self.changed(int(author_id) for author_id in data.split())

    def _clear(self) -> None:
        """(Re)subscribed: whatever was published while the connection was down is lost."""
        with self._lock:
            self.number += 1
            self._cleared_at = self.number
            self._heads = {}
            self._changed = {}
