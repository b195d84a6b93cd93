"""Revoked sessions over real Redis: what one process revokes, every other process refuses
at once from its in-memory copy, and a copy started later loads what is already revoked."""

from __future__ import annotations

import uuid

import redis

from gridam_runtime.kv import RedisRevocationList
from tests.support.waiting import wait_until


def test_a_revocation_reaches_other_processes_and_later_ones(redis_server):
    prefix = f"test-{uuid.uuid4().hex}:"
    clients = [redis.Redis.from_url(redis_server.url) for _ in range(3)]
    revoker = RedisRevocationList(clients[0], prefix=prefix).start()
    watcher = RedisRevocationList(clients[1], prefix=prefix).start()
    try:
        wait_until(lambda: watcher.subscription.live, "subscription ready", interval=0.01)
        revoker.revoke("s1", 60)
        assert revoker.is_revoked("s1")  # the revoking process knows without a round trip
        wait_until(lambda: watcher._until.get("s1") is not None, "published revocation received", interval=0.01)
        assert watcher.is_revoked("s1") and not watcher.is_revoked("s2")
        late = RedisRevocationList(clients[2], prefix=prefix).start()
        try:
            wait_until(lambda: late.subscription.live, "a later process loads the revocations", interval=0.01)
            assert late.is_revoked("s1") and not late.is_revoked("s2")
        finally:
            late.close()
    finally:
        revoker.close()
        watcher.close()
        for client in clients:
            client.close()


def test_without_a_live_subscription_redis_is_asked(redis_server):
    prefix = f"test-{uuid.uuid4().hex}:"
    client = redis.Redis.from_url(redis_server.url)
    try:
        unsubscribed = RedisRevocationList(client, prefix=prefix)  # never started: no copy to trust
        client.set(prefix + "s1", b"1", ex=60)
        assert unsubscribed.is_revoked("s1") and not unsubscribed.is_revoked("s2")
    finally:
        client.close()
