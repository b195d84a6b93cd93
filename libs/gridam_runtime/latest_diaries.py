"""The latest diary of each author's day, copied out of the diary service by the card service,
which needs it for every card-of-a-day request (decision 9 of the web API: the card of the
caller's latest diary that day). The diary service publishes, after each commit that writes or
deletes a diary, that author's day as `<author id>:<YYYY-MM-DD>` (gridam_runtime.copies); the
copy drops it and asks the diary service again the next time."""

from __future__ import annotations

import datetime

import redis

from gridam_runtime.copies import Changes, CopiedValues, changes
from gridam_runtime.kv import RedisSubscription

CHANNEL = "gridam:diary-days-changed"


def day_key(author_id: int, day: datetime.date) -> str:
    return f"{author_id}:{day.isoformat()}"


def diary_day_changes(client: redis.Redis | None) -> Changes:
    return changes(client, CHANNEL)


class LatestDiaries(CopiedValues[str, int]):
    """The latest diary's id by author's day (`day_key`; 0: no diary that day), for at most
    `max_days` days (the oldest copied first dropped), each for at most MAX_AGE_SECONDS."""

    MAX_AGE_SECONDS = 60.0

    def __init__(self, client: redis.Redis, *, max_days: int = 10_000, stale_after_seconds: float = RedisSubscription.STALE_AFTER_SECONDS) -> None:
        super().__init__(
            client, CHANNEL, key=bytes.decode, name="latest-diaries", max_entries=max_days,
            max_age_seconds=self.MAX_AGE_SECONDS, stale_after_seconds=stale_after_seconds,
        )
