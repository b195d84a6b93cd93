"""A stand-in that passes everything on to what it wraps and counts the uses of one method:
how the copies' tests see whether a read asked the owner (a service's client, the plain reads)."""

from __future__ import annotations

from typing import Any


class CountingCalls:
    def __init__(self, wrapped: Any, method: str) -> None:
        self._wrapped = wrapped
        self._method = method
        self.count = 0

    def __getattr__(self, name: str) -> Any:
        if name == self._method:
            self.count += 1
        return getattr(self._wrapped, name)
