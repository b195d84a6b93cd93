"""Work a service process repeats beside its server (a `server.Background`), e.g. expiring the
markers of deleted diaries."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger("gridam.periodic")


def every(seconds: float, work: Callable[[], object]) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """A background coroutine running the blocking `work` now and then every `seconds` until
    stopped; a failed round is logged and the next one tried (the database may come back)."""

    async def run(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await asyncio.to_thread(work)
            except Exception:
                log.warning("periodic work failed", exc_info=True, extra={"work": getattr(work, "__qualname__", repr(work))})
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), seconds)

    return run


def marker_sweep_seconds(hold_seconds: int) -> float:
    """How often markers kept `hold_seconds` are swept: a quarter of that, at most every 5 minutes."""
    return min(hold_seconds / 4, 300.0)
