"""Statistics arithmetic: periods, month counts, the daily series and streaks; one read of the history per request."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from emotion_service.adapters.history import Keywords, Summary
from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.service_layer.statistics import StatisticsReader, compute, period, streaks
from gridam.emotion.v1 import emotion_service_pb2 as emotion_v1
from gridam.emotion.v2 import emotion_service_pb2 as emotion_v2
from gridam_runtime import validation
from gridam_runtime.context import Identity
from gridam_runtime.errors import InvalidArgument
from tests.support.emotion_layer import emotion_dependencies

D = datetime.date


def test_period_of_a_month_and_of_a_year():
    assert period(2026, 2) == (D(2026, 2, 1), D(2026, 3, 1))
    assert period(2024, 2) == (D(2024, 2, 1), D(2024, 3, 1))
    assert period(2026, 12) == (D(2026, 12, 1), D(2027, 1, 1))
    assert period(2026, 0) == (D(2026, 1, 1), D(2027, 1, 1))
    assert period(9998, 0) == (D(9998, 1, 1), D(9999, 1, 1)) and period(1900, 1)[0] == D(1900, 1, 1)


@pytest.mark.parametrize("version", [emotion_v1, emotion_v2])
def test_a_period_out_of_bounds_is_refused_before_the_servicer(version):
    bounds = validation.rules_for(f"/{version.DESCRIPTOR.package}.EmotionService/GetStatistics")
    for year, month in ((2026, 13), (2026, -1), (1899, 1), (9999, 0)):
        with pytest.raises(InvalidArgument) as invalid:
            bounds.check(version.GetStatisticsRequest(year=year, month=month))
        assert invalid.value.reason == "STAT4001"
    bounds.check(version.GetStatisticsRequest(year=9998, month=12))


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


class SignedIn:
    def require(self) -> Identity:
        return Identity(user_id=7, login_id="haru", session_id="s1", expires_at=2_000_000_000)


class CountedHistory:
    """An author's analyses in memory, counting the reads (on FerretDB each one scans the read model)."""

    def __init__(self, rows: list[Summary]) -> None:
        self.rows = rows
        self.reads = 0

    def summaries(self, author_id: int, start: D | None = None, end: D | None = None) -> list[Summary]:
        self.reads += 1
        return sorted(row for row in self.rows if (start is None or row[1] >= start) and (end is None or row[1] < end))

    def dates(self, author_id: int) -> list[D]:
        self.reads += 1
        return [row[1] for row in self.rows]

    def keywords(self, author_id: int) -> list[Keywords]:
        raise AssertionError("statistics read no keywords")


async def test_a_request_reads_the_history_once_and_counts_the_streak_across_months(tmp_path):
    history = CountedHistory([(1, D(2026, 11, 29), "SAD"), (2, D(2026, 11, 30), "HAPPY"), (3, D(2026, 12, 1), "HAPPY"),
                              (4, D(2026, 12, 2), "SAD")])
    with emotion_dependencies(tmp_path, clock=lambda: datetime.datetime(2026, 12, 2, 3), authenticator=SignedIn()) as (deps, _):
        stats = await StatisticsReader(dataclasses.replace(deps, history=history)).get(2026, 12)
    assert history.reads == 1
    assert [(m.month, m.total) for m in stats.months] == [("2026-12", 2)]
    assert (stats.current_streak, stats.longest_streak) == (4, 4)  # November's days count
