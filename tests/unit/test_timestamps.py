"""gridam_runtime.timestamps gives what Timestamp.FromDatetime / FromSeconds give."""

from __future__ import annotations

import datetime

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from gridam_runtime.timestamps import timestamp

KST = datetime.timezone(datetime.timedelta(hours=9))


@pytest.mark.parametrize("moment", [
    datetime.datetime(2026, 12, 7, 23, 59, 59, 999_999),
    datetime.datetime(1970, 1, 1),
    datetime.datetime(2024, 2, 29, 12, 0, 0, 1),
    datetime.datetime(2038, 1, 19, 3, 14, 8, 999_999),
    datetime.datetime(2026, 12, 8, 8, 30, tzinfo=KST),
    datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC),
])
def test_a_datetime_as_from_datetime(moment):
    expected = Timestamp()
    expected.FromDatetime(moment)
    assert timestamp(moment) == expected


def test_epoch_seconds_as_from_seconds():
    expected = Timestamp()
    expected.FromSeconds(1_796_000_000)
    assert timestamp(1_796_000_000) == expected
