"""Per-request context shared by the server interceptor, the service code and outgoing calls.

Context variables follow a request across `await`s and into `asyncio.to_thread`, so the
request id, the caller's verified token and the deadline reach every outgoing call
without being passed by hand.
"""

from __future__ import annotations

import os
import time
from contextvars import ContextVar
from dataclasses import dataclass

REQUEST_ID_HEADER = "x-request-id"
AUTHORIZATION_HEADER = "authorization"
CLIENT_ADDRESS_HEADER = "x-gridam-client-address"

request_id: ContextVar[str] = ContextVar("request_id", default="")
# The caller's bearer token exactly as received, forwarded on outgoing calls so every
# service checks the user's identity itself (a bare user id is never trusted).
bearer_token: ContextVar[str | None] = ContextVar("bearer_token", default=None)
# Absolute deadline of the current request on the time.monotonic() clock, or None.
deadline: ContextVar[float | None] = ContextVar("deadline", default=None)


def new_request_id() -> str:
    """32 random hex digits (what uuid4().hex gave, for a quarter of the time)."""
    return os.urandom(16).hex()


def remaining_seconds() -> float | None:
    """Seconds left before the current request's deadline, or None without a deadline."""
    end = deadline.get()
    return None if end is None else end - time.monotonic()


@dataclass(frozen=True)
class Identity:
    """A user verified from an access token."""

    user_id: int
    login_id: str
    session_id: str
    expires_at: int
