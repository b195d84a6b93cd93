"""The e2e tests' guard against midnight in Korea (tests/support/days.py)."""

import datetime

from tests.support.days import seconds_until_safe_from_midnight

UTC = datetime.UTC


def at(hour: int, minute: int, second: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, 1, hour, minute, second, tzinfo=UTC)


def test_no_wait_while_the_korean_day_has_more_than_ten_minutes_left():
    assert seconds_until_safe_from_midnight(at(3, 0)) == 0  # noon in Seoul
    assert seconds_until_safe_from_midnight(at(14, 49, 59)) == 0  # 23:49:59 KST


def test_waits_until_just_after_midnight_kst_within_the_last_ten_minutes():
    assert seconds_until_safe_from_midnight(at(14, 50)) == 601  # 23:50 KST: ten minutes and a second
    assert seconds_until_safe_from_midnight(at(14, 59, 30)) == 31


def test_no_wait_once_the_new_korean_day_has_begun():
    assert seconds_until_safe_from_midnight(at(15, 0, 1)) == 0
