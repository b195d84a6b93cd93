"""Profile summaries (nickname, avatar) copied out of the user service: the gateway keeps
them by login id for the notifications' actors (gridam_gateway.profiles), and the user
service publishes, after each commit that changes what a copy holds (a nickname, an avatar,
an account deleted), that user's login id here (gridam_runtime.copies)."""

from __future__ import annotations

import redis

from gridam_runtime.copies import Changes, changes

CHANNEL = "gridam:profiles-changed"


def profile_changes(client: redis.Redis | None) -> Changes:
    return changes(client, CHANNEL)
