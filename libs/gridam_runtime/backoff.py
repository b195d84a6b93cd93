"""Exponential back-off between reconnection attempts: the delay doubles from `minimum` up to
`maximum` and starts over once a connection worked (`reset`)."""

from __future__ import annotations


class Backoff:
    def __init__(self, minimum: float, maximum: float) -> None:
        self._minimum = minimum
        self._maximum = maximum
        self._delay = minimum

    def reset(self) -> None:
        self._delay = self._minimum

    def next(self) -> float:
        """The delay to wait now; the following one is twice as long, at most `maximum`."""
        delay = self._delay
        self._delay = min(delay * 2, self._maximum)
        return delay
