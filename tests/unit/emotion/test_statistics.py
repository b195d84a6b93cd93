"""Statistics arithmetic: periods, month counts, the daily series and streaks."""

from __future__ import annotations

import datetime

import pytest

from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.service_layer.statistics import compute, period, streaks
from gridam_runtime.errors import InvalidArgument

D = datetime.date


def test_period_of_a_month_and_of_a_year():
    assert period(2026, 2) == (D(2026, 2, 1), D(2026, 3, 1))
    assert period(2024, 2) == (D(2024, 2, 1), D(2024, 3, 1))
    assert period(2026, 12) == (D(2026, 12, 1), D(2027, 1, 1))
    assert period(2026, 0) == (D(2026, 1, 1), D(2027, 1, 1))
    with pytest.raises(InvalidArgument):
        period(2026, 13)


def test_streaks_count_consecutive_days_and_the_current_run_ends_today_or_yesterday():
    days = [D(2026, 11, 1), D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 10), D(2026, 11, 11)]
    assert streaks(days, today=D(2026, 11, 11)) == (2, 3)
    assert streaks(days, today=D(2026, 11, 12)) == (2, 3)
    assert streaks(days, today=D(2026, 11, 13)) == (0, 3)
    assert streaks(days + [D(2026, 11, 11)], today=D(2026, 11, 11)) == (2, 3)  # two diaries on one day
    assert streaks([], today=D(2026, 11, 11)) == (0, 0)


def test_compute_counts_per_month_and_the_days_latest_dominant_emotion():
    summaries = [
        (1, D(2026, 11, 3), "HAPPY"),
        (5, D(2026, 11, 3), "SAD"),  # later diary of the same day
        (3, D(2026, 11, 4), "HAPPY"),
    ]
    stats = compute(summaries, [D(2026, 11, 3), D(2026, 11, 4)], D(2026, 11, 1), D(2026, 12, 1), D(2026, 11, 4))
    [month] = stats.months
    assert month.month == "2026-11" and month.total == 3
    assert month.counts[Emotion.HAPPY] == 2 and month.counts[Emotion.SAD] == 1 and month.counts[Emotion.FEAR] == 0
    assert len(stats.days) == 30
    nov3 = next(d for d in stats.days if d.date == D(2026, 11, 3))
    assert (nov3.count, nov3.dominant) == (2, Emotion.SAD)
    assert next(d for d in stats.days if d.date == D(2026, 11, 5)).dominant is None
    assert (stats.current_streak, stats.longest_streak) == (2, 2)


def test_a_year_has_twelve_months():
    stats = compute([], [], D(2026, 1, 1), D(2027, 1, 1), D(2026, 6, 1))
    assert [m.month for m in stats.months] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert len(stats.days) == 365
