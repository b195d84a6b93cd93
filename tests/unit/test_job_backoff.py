"""Job retry back-off: doubles per attempt from the base, capped, with the wait drawn at
random between half the ceiling and the ceiling so failing jobs do not retry in lockstep."""

from __future__ import annotations

import random
import types

import pytest

from gridam_runtime import jobs
from gridam_runtime.jobs import RetryPolicy

POLICY = RetryPolicy(base_backoff_seconds=2.0, max_backoff_seconds=600.0)


def bounds(monkeypatch, attempts: int) -> tuple[float, float]:
    """The shortest and longest wait backoff(attempts) can draw."""
    monkeypatch.setattr(jobs, "random", types.SimpleNamespace(uniform=min))
    shortest = POLICY.backoff(attempts)
    monkeypatch.setattr(jobs, "random", types.SimpleNamespace(uniform=max))
    return shortest, POLICY.backoff(attempts)


@pytest.mark.parametrize(
    ("attempts", "shortest", "longest"),
    [(1, 1, 2), (2, 2, 4), (3, 4, 8), (6, 32, 64), (9, 256, 512), (10, 300, 600), (30, 300, 600), (5000, 300, 600)],
)
def test_the_wait_lies_between_half_the_ceiling_and_the_capped_ceiling(monkeypatch, attempts, shortest, longest):
    assert bounds(monkeypatch, attempts) == (shortest, longest)


def test_a_retry_never_waits_less_than_the_one_before_until_the_cap(monkeypatch):
    for attempts in range(1, 9):
        assert bounds(monkeypatch, attempts + 1)[0] >= bounds(monkeypatch, attempts)[1]


def test_drawn_waits_spread_over_their_bounds(monkeypatch):
    monkeypatch.setattr(jobs, "random", random.Random(20261124))
    for attempts, ceiling in ((1, 2), (4, 16), (12, 600)):
        waits = [POLICY.backoff(attempts) for _ in range(1000)]
        assert ceiling / 2 <= min(waits) < 0.55 * ceiling
        assert 0.95 * ceiling < max(waits) <= ceiling
