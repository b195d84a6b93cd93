"""A user's emotion statistics: dominant-emotion counts per month, a daily series, streaks.

Computed from the analyses in this service's SQL store (the embedded profile's analytics;
the CDC issue moves the distributed profile's reads to the MongoDB read model).
"""

from __future__ import annotations

import asyncio
import calendar
import datetime
import zoneinfo
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from emotion_service.adapters.history import Summary
from emotion_service.domain.analysis.emotions import EMOTIONS, Emotion
from emotion_service.service_layer.dependencies import Dependencies


@dataclass(frozen=True)
class MonthStats:
    month: str  # YYYY-MM
    counts: dict[Emotion, int]
    total: int


@dataclass(frozen=True)
class DayStats:
    date: datetime.date
    count: int
    dominant: Emotion | None  # of the day's latest diary


@dataclass(frozen=True)
class Statistics:
    months: list[MonthStats]
    days: list[DayStats]
    current_streak: int
    longest_streak: int


def period(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """[start, end) of a month, or of the whole year when month is 0. The bounds (year 1900-9998,
    month 0-12; STAT4001) are GetStatisticsRequest's, checked before the servicer runs."""
    if month == 0:
        return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, 1), datetime.date(year, month, last) + datetime.timedelta(days=1)


def streaks(dates: list[datetime.date], today: datetime.date) -> tuple[int, int]:
    """(current, longest) runs of consecutive days; the current run may end today or yesterday."""
    days = sorted(set(dates))
    longest = run = 0
    previous: datetime.date | None = None
    for day in days:
        run = run + 1 if previous is not None and day - previous == datetime.timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and (today - previous).days <= 1 else 0
    return current, longest


def compute(summaries: Sequence[Summary], all_dates: list[datetime.date], start: datetime.date, end: datetime.date, today: datetime.date) -> Statistics:
    """`summaries`: (diary_id, date, dominant name) of the period, oldest first."""
    month_counts: dict[str, Counter[Emotion]] = {}
    day_counts: Counter[datetime.date] = Counter()
    day_latest: dict[datetime.date, tuple[int, Emotion]] = {}
    for diary_id, day, dominant in summaries:
        emotion = Emotion[dominant]
        month_counts.setdefault(day.strftime("%Y-%m"), Counter())[emotion] += 1
        day_counts[day] += 1
        if day not in day_latest or diary_id > day_latest[day][0]:
            day_latest[day] = (diary_id, emotion)
    months = []
    cursor = start
    while cursor < end:
        key = cursor.strftime("%Y-%m")
        counts = month_counts.get(key, Counter())
        months.append(MonthStats(key, {e: counts.get(e, 0) for e in EMOTIONS}, sum(counts.values())))
        cursor = (cursor.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    days = []
    day = start
    while day < end:
        latest = day_latest.get(day)
        days.append(DayStats(day, day_counts.get(day, 0), latest[1] if latest else None))
        day += datetime.timedelta(days=1)
    current, longest = streaks(all_dates, today)
    return Statistics(months, days, current, longest)


class StatisticsReader:
    def __init__(self, deps: Dependencies) -> None:
        self._d = deps
        self._zone = zoneinfo.ZoneInfo(deps.settings.time_zone)

    async def get(self, year: int, month: int) -> Statistics:
        return await asyncio.to_thread(self._get, year, month)

    def _get(self, year: int, month: int) -> Statistics:
        identity = self._d.authenticator.require()
        start, end = period(year, month)
        # One read of the author's analyses serves the period and the streaks (which need every
        # day): on the distributed profile's read model (FerretDB) each read scans the whole
        # collection, so two reads cost twice the CPU of one.
        everything = self._d.history.summaries(identity.user_id)
        summaries = [summary for summary in everything if start <= summary[1] < end]
        all_dates = [day for _, day, _ in everything]
        today = self._d.clock().replace(tzinfo=datetime.UTC).astimezone(self._zone).date()
        return compute(summaries, all_dates, start, end, today)
