"""Small shared state with expiry: login rate limits and revoked sessions.

Redis in the distributed profile (shared by every replica), in process in the embedded
one (a single user-service process). Both implement the same two tiny interfaces.
"""

from __future__ import annotations

import abc
import threading
import time

import redis


class RateLimiter(abc.ABC):
    @abc.abstractmethod
    def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        """Count one event for `key`; return (events in the current window, seconds until it resets)."""

    @abc.abstractmethod
    def count(self, key: str) -> tuple[int, int]:
        """Events in the current window and seconds until it resets, without counting one."""

    @abc.abstractmethod
    def reset(self, key: str) -> None: ...


class RevocationList(abc.ABC):
    """Session ids whose access tokens must be refused before they expire."""

    @abc.abstractmethod
    def revoke(self, session_id: str, ttl_seconds: int) -> None: ...

    @abc.abstractmethod
    def is_revoked(self, session_id: str) -> bool: ...


class InProcessRateLimiter(RateLimiter):
    """Fixed windows in a dict; expired windows are dropped as they are met."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _current(self, key: str, now: float) -> tuple[int, float] | None:
        window = self._windows.get(key)
        if window and window[1] <= now:
            del self._windows[key]
            return None
        return window

    def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            window = self._current(key, now)
            count, ends = (window[0] + 1, window[1]) if window else (1, now + window_seconds)
            self._windows[key] = (count, ends)
        return count, max(1, int(ends - now + 0.999))

    def count(self, key: str) -> tuple[int, int]:
        now = time.monotonic()
        with self._lock:
            window = self._current(key, now)
        return (window[0], max(1, int(window[1] - now + 0.999))) if window else (0, 0)

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)


class InProcessRevocationList(RevocationList):
    def __init__(self) -> None:
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()

    def revoke(self, session_id: str, ttl_seconds: int) -> None:
        now = time.monotonic()
        with self._lock:
            self._until = {sid: t for sid, t in self._until.items() if t > now}
            self._until[session_id] = now + ttl_seconds

    def is_revoked(self, session_id: str) -> bool:
        until = self._until.get(session_id)
        return until is not None and until > time.monotonic()


class RedisRateLimiter(RateLimiter):
    def __init__(self, client: redis.Redis, prefix: str = "gridam:rl:") -> None:
        self._redis = client
        self._prefix = prefix

    def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        name = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window_seconds, nx=True)  # the window starts at the first event
        pipe.ttl(name)
        count, _, ttl = pipe.execute()
        return int(count), max(1, int(ttl))

    def count(self, key: str) -> tuple[int, int]:
        name = self._prefix + key
        pipe = self._redis.pipeline()
        pipe.get(name)
        pipe.ttl(name)
        value, ttl = pipe.execute()
        return (int(value), max(1, int(ttl))) if value is not None else (0, 0)

    def reset(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


class RedisRevocationList(RevocationList):
    def __init__(self, client: redis.Redis, prefix: str = "gridam:revoked-session:") -> None:
        self._redis = client
        self._prefix = prefix

    def revoke(self, session_id: str, ttl_seconds: int) -> None:
        self._redis.set(self._prefix + session_id, b"1", ex=max(1, ttl_seconds))

    def is_revoked(self, session_id: str) -> bool:
        return bool(self._redis.exists(self._prefix + session_id))


def build_state(redis_url: str) -> tuple[RateLimiter, RevocationList, redis.Redis | None]:
    """Redis-backed when a URL is configured, in process otherwise."""
    if not redis_url:
        return InProcessRateLimiter(), InProcessRevocationList(), None
    client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)
    return RedisRateLimiter(client), RedisRevocationList(client), client
