"""Waiting for evidence: poll a check until it holds, failing with what was awaited.

Generous limits by default: the machines running the tests are shared and slow. The limit only
bounds a failing test; a passing one returns as soon as its check holds.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

DEFAULT_TIMEOUT_SECONDS = 60.0


def wait_until(check: Callable[[], object], what: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
               interval: float = 0.1) -> None:
    """Return once `check()` is truthy; AssertionError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout:g}s: {what}"
        time.sleep(interval)


async def wait_until_async(check: Callable[[], object], what: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS,
                           interval: float = 0.1) -> None:
    """`wait_until` inside an event loop: `check` (blocking) runs in a thread."""
    deadline = time.monotonic() + timeout
    while not await asyncio.to_thread(check):
        assert time.monotonic() < deadline, f"not within {timeout:g}s: {what}"
        await asyncio.sleep(interval)
