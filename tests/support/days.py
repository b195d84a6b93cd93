"""The Korean day: the server dates a diary by the day in Korea (KST, UTC+9) when it is written."""

from __future__ import annotations

import datetime

KST = datetime.timezone(datetime.timedelta(hours=9))
# Longer than any test that writes diaries and then asks for them by day.
DAY_CHANGE_MARGIN = datetime.timedelta(minutes=10)


def today() -> str:
    return datetime.datetime.now(KST).date().isoformat()


def seconds_until_safe_from_midnight(now: datetime.datetime) -> float:
    """0 when the Korean day of `now` lasts longer than DAY_CHANGE_MARGIN, else the seconds
    until just after the next midnight KST."""
    local = now.astimezone(KST)
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), KST)
    left = midnight - local
    return 0.0 if left > DAY_CHANGE_MARGIN else left.total_seconds() + 1
