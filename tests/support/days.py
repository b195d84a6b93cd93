"""The diaries' day: the diary service dates a diary by the day, when it is written, in its
`time_zone` setting (Korea by default; the test stacks keep the default)."""

from __future__ import annotations

import datetime
import zoneinfo

from diary_service.config import DiarySettings

DIARY_ZONE = zoneinfo.ZoneInfo(DiarySettings.model_fields["time_zone"].default)
# Longer than any test that writes diaries and then asks for them by day.
DAY_CHANGE_MARGIN = datetime.timedelta(minutes=10)


def today() -> str:
    return datetime.datetime.now(DIARY_ZONE).date().isoformat()


def seconds_until_safe_from_midnight(now: datetime.datetime) -> float:
    """0 when the diaries' day of `now` lasts longer than DAY_CHANGE_MARGIN, else the seconds
    until just after the next midnight there."""
    local = now.astimezone(DIARY_ZONE)
    midnight = datetime.datetime.combine(local.date() + datetime.timedelta(days=1), datetime.time(), DIARY_ZONE)
    left = midnight - local
    return 0.0 if left > DAY_CHANGE_MARGIN else left.total_seconds() + 1
