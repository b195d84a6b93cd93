"""Bounded cost per user and per address: the one limiter every service uses.

A limit is a number of events per fixed window, counted per subject (a user id, a client
address, a phone number) in the RateLimiter store of kv.py: Redis in the distributed profile
(INCR and EXPIRE NX in one round trip, so every replica counts in the same window), a dict in
process in the embedded one. Fixed windows rather than a library such as `limits` (moving
windows, several storages): the store is already there, shared with the revocation list's
Redis, and one round trip per event; a fixed window lets through at most twice its count
across a window's edge, which bounds cost as well as a moving one.

Limits are settings, written `count/seconds` (`GRIDAM_LIMIT_DIARY_WRITES=20/3600`). A refused
event raises ResourceExhausted with the limit's reason code and the seconds until its window
ends; the gateway answers HTTP 429 with a Korean message and `Retry-After`. Every decision is
counted in `gridam_rate_limit_decisions_total{limit, outcome}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from prometheus_client import Counter
from pydantic import BeforeValidator
from pydantic_settings import NoDecode

from gridam_runtime.errors import ResourceExhausted
from gridam_runtime.kv import RateLimiter

DECISIONS = Counter(
    "gridam_rate_limit_decisions_total",
    "Events a limit let through (allowed) or refused with 429 (refused).",
    ["limit", "outcome"],
)

_RATE = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Rate:
    """`count` events per window of `seconds`."""

    count: int
    seconds: int

    def __post_init__(self) -> None:
        if self.count < 1 or self.seconds < 1:
            raise ValueError("a rate is at least 1 event per at least 1 second")

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}"


def parse_rate(value: object) -> Rate:
    if isinstance(value, Rate):
        return value
    match = _RATE.fullmatch(str(value))
    if match is None:
        raise ValueError("write a rate as count/seconds, e.g. 20/3600")
    return Rate(int(match[1]), int(match[2]))


# A settings field holding a rate: read from the environment as `count/seconds`.
RateSetting = Annotated[Rate, NoDecode, BeforeValidator(parse_rate)]


@dataclass(frozen=True)
class Limit:
    """One limit: its name (metric label and key prefix), its rate and the reason code of a refusal."""

    name: str
    rate: Rate
    reason: str


class Limiter:
    def __init__(self, store: RateLimiter) -> None:
        self._store = store

    def hit(self, limit: Limit, subject: object) -> None:
        """Count one event of `subject`; ResourceExhausted(limit.reason) with a retry hint once
        the window holds more than the limit allows. Counted before the work it guards, so
        parallel requests get no more than the limit between them."""
        count, retry_after = self._store.hit(f"{limit.name}:{subject}", limit.rate.seconds)
        if count > limit.rate.count:
            DECISIONS.labels(limit.name, "refused").inc()
            raise ResourceExhausted(limit.reason, f"limit {limit.name} ({limit.rate}) reached", retry_after_seconds=retry_after)
        DECISIONS.labels(limit.name, "allowed").inc()

    def reset(self, limit: Limit, subject: object) -> None:
        """Forget `subject`'s events (a successful login clears its failures)."""
        self._store.reset(f"{limit.name}:{subject}")
