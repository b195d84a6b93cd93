"""Small shared state with expiry: login rate limits and revoked sessions; and the Redis
subscription that keeps in-memory copies of shared state current (RedisSubscription).

Redis in the distributed profile (shared by every replica). In the embedded profile the
rate limits live in the user-service process (the only one that counts logins) and the
revoked sessions in a small SQLite file under the data folder, because every service
process on the machine must refuse a logged-out session's token, not just the user service.
"""

from __future__ import annotations

import abc
import logging
import pathlib
import sqlite3
import threading
import time
from collections.abc import Callable

import redis

log = logging.getLogger("gridam.kv")


class RateLimiter(abc.ABC):
    @abc.abstractmethod
    def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        """Count one event for `key`; return (events in the current window, seconds until it resets)."""

    @abc.abstractmethod
    def reset(self, key: str) -> None: ...


class RevocationList(abc.ABC):
    """Session ids whose access tokens must be refused before they expire."""

    @abc.abstractmethod
    def revoke(self, session_id: str, ttl_seconds: int) -> None: ...

    @abc.abstractmethod
    def is_revoked(self, session_id: str) -> bool: ...

    def close(self) -> None:  # noqa: B027 - an optional hook: most lists run nothing to stop
        """Stop whatever the list runs in the background."""


class InProcessRateLimiter(RateLimiter):
    """Fixed windows in a dict; expired windows are dropped as they are met. `clock`: seconds on
    a clock that never goes back (time.monotonic; tests pass their own)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._windows: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()
        self._clock = clock

    def _current(self, key: str, now: float) -> tuple[int, float] | None:
        window = self._windows.get(key)
        if window and window[1] <= now:
            del self._windows[key]
            return None
        return window

    def hit(self, key: str, window_seconds: int) -> tuple[int, int]:
        now = self._clock()
        with self._lock:
            window = self._current(key, now)
            count, ends = (window[0] + 1, window[1]) if window else (1, now + window_seconds)
            self._windows[key] = (count, ends)
        return count, max(1, int(ends - now + 0.999))

    def reset(self, key: str) -> None:
        with self._lock:
            self._windows.pop(key, None)


class LocalFileRevocationList(RevocationList):
    """Revoked sessions in a SQLite file shared by the processes of one machine (embedded profile).

    One connection per thread; a check is an indexed lookup (tens of microseconds).
    """

    def __init__(self, path: pathlib.Path) -> None:
        self._path = path
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS revoked (session_id TEXT PRIMARY KEY, until REAL NOT NULL)")

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self._path, timeout=10, isolation_level=None)
            connection.execute("PRAGMA journal_mode=WAL")
            self._local.connection = connection
        return connection

    def revoke(self, session_id: str, ttl_seconds: int) -> None:
        now = time.time()
        connection = self._connection()
        connection.execute("DELETE FROM revoked WHERE until <= ?", (now,))
        connection.execute(
            "INSERT INTO revoked (session_id, until) VALUES (?, ?) "
            "ON CONFLICT(session_id) DO UPDATE SET until = max(until, excluded.until)",
            (session_id, now + max(1, ttl_seconds)),
        )

    def is_revoked(self, session_id: str) -> bool:
        row = self._connection().execute("SELECT until FROM revoked WHERE session_id = ?", (session_id,)).fetchone()
        return row is not None and row[0] > time.time()


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

    def reset(self, key: str) -> None:
        self._redis.delete(self._prefix + key)


class RedisSubscription:
    """A Redis channel followed in a background thread, for an in-memory copy that other
    processes keep current by publishing their changes to it.

    `on_subscribed` runs after every (re)subscription, before any message: the copy is
    rebuilt there, so what was published while the connection was down is not lost.
    `on_message` gets each message's data. The copy may be trusted (`live`) only while the
    subscription is known to be alive (a PING answered in the last `stale_after_seconds`) and
    rebuilt since it last started: otherwise the owner asks the source, as without the copy.
    """

    PING_INTERVAL_SECONDS = 1.0
    STALE_AFTER_SECONDS = 3.0

    def __init__(
        self,
        client: redis.Redis,
        channel: str,
        *,
        on_message: Callable[[bytes], None],
        on_subscribed: Callable[[], None],
        name: str,
        stale_after_seconds: float = STALE_AFTER_SECONDS,
    ) -> None:
        self._redis = client
        self._channel = channel
        self._on_message = on_message
        self._on_subscribed = on_subscribed
        self._name = name
        self._stale_after = stale_after_seconds
        self._loaded = False  # on_subscribed ran since the subscription (re)started
        self._alive_at = float("-inf")  # last time the subscription answered
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def live(self) -> bool:
        return self._loaded and time.monotonic() - self._alive_at < self._stale_after

    def start(self) -> None:
        self._thread = threading.Thread(target=self._follow, name=self._name, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=2 * self.PING_INTERVAL_SECONDS)

    def _follow(self) -> None:
        while not self._stopping.is_set():
            pubsub: redis.client.PubSub = self._redis.pubsub()  # type: ignore[no-untyped-call]  # redis-py leaves Redis.pubsub() unannotated
            try:
                pubsub.subscribe(self._channel)
                next_ping = 0.0
                while not self._stopping.is_set():
                    if time.monotonic() >= next_ping:
                        pubsub.ping()
                        next_ping = time.monotonic() + self.PING_INTERVAL_SECONDS
                    message = pubsub.get_message(timeout=self.PING_INTERVAL_SECONDS)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":  # first time, or resubscribed after a reconnect
                        self._loaded = False
                        self._on_subscribed()
                        self._loaded = True
                    elif message["type"] == "message":
                        self._on_message(message["data"])
                    self._alive_at = time.monotonic()
            except (redis.RedisError, OSError, ValueError):
                log.warning("subscription to %s lost; asking the source per request until it is back", self._channel, exc_info=True)
            finally:
                self._loaded = False
                pubsub.close()
            self._stopping.wait(self.PING_INTERVAL_SECONDS)


class RedisRevocationList(RevocationList):
    """Revoked sessions in Redis, mirrored in memory so checking a token costs no round trip.

    `revoke` writes the key (with its TTL) and publishes the session id in one transaction;
    every process keeps a copy fed by that channel (RedisSubscription), so a revocation reaches
    all of them within milliseconds. While the subscription is not live, `is_revoked` asks
    Redis, as without the copy. After every (re)subscription the copy is reloaded from the keys.
    """

    CHANNEL = "gridam:revoked-sessions"

    def __init__(self, client: redis.Redis, prefix: str = "gridam:revoked-session:") -> None:
        self._redis = client
        self._prefix = prefix
        self._until: dict[str, float] = {}  # session id -> time.monotonic() it stops mattering
        self._lock = threading.Lock()
        self.subscription = RedisSubscription(
            client, self.CHANNEL, on_message=self._received, on_subscribed=self._reload, name="revocations"
        )

    def start(self) -> RedisRevocationList:
        self.subscription.start()
        return self

    def close(self) -> None:
        self.subscription.close()

    def revoke(self, session_id: str, ttl_seconds: int) -> None:
        ttl = max(1, ttl_seconds)
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(self._prefix + session_id, b"1", ex=ttl)
        pipe.publish(self.CHANNEL, f"{session_id} {ttl}")
        pipe.execute()
        self._remember(session_id, ttl)  # this process knows at once, without its own message

    def is_revoked(self, session_id: str) -> bool:
        if self.subscription.live:
            until = self._until.get(session_id)
            return until is not None and until > time.monotonic()
        return bool(self._redis.exists(self._prefix + session_id))

    def _received(self, data: bytes) -> None:
        session_id, _, ttl = data.decode().partition(" ")
        self._remember(session_id, float(ttl))

    def _remember(self, session_id: str, ttl_seconds: float) -> None:
        now = time.monotonic()
        with self._lock:
            until = {sid: t for sid, t in self._until.items() if t > now}
            until[session_id] = max(until.get(session_id, 0.0), now + ttl_seconds)
            self._until = until  # readers never see a dict being changed

    def _reload(self) -> None:
        keys = list(self._redis.scan_iter(match=self._prefix + "*", count=1000))
        pipe = self._redis.pipeline(transaction=False)
        for key in keys:
            pipe.pttl(key)
        now = time.monotonic()
        until = {
            key.decode()[len(self._prefix) :]: now + ttl / 1000 for key, ttl in zip(keys, pipe.execute(), strict=True) if ttl > 0
        }
        with self._lock:
            for sid, t in self._until.items():  # published while the keys were being read
                until[sid] = max(until.get(sid, 0.0), t)
            self._until = until


def redis_client(redis_url: str) -> redis.Redis | None:
    """The client of the configured Redis; None without one (the embedded profile)."""
    if not redis_url:
        return None
    return redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)


def build_state(redis_url: str, data_dir: pathlib.Path) -> tuple[RateLimiter, RevocationList, redis.Redis | None]:
    """Redis-backed when a URL is configured; in process and under `data_dir` otherwise."""
    client = redis_client(redis_url)
    if client is None:
        return InProcessRateLimiter(), LocalFileRevocationList(data_dir / "revoked-sessions.db"), None
    return RedisRateLimiter(client), RedisRevocationList(client).start(), client
