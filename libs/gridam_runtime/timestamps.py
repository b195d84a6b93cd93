"""Protobuf Timestamps of the services' times, built straight from epoch seconds:
Timestamp.FromDatetime costs several times more, a measurable share of a page of protos
(docs/performance.md)."""

from __future__ import annotations

import calendar
import datetime

from google.protobuf.timestamp_pb2 import Timestamp


def timestamp(value: int | datetime.datetime) -> Timestamp:
    """A Timestamp of epoch seconds, of a naive UTC datetime or of an aware one."""
    if isinstance(value, int):
        return Timestamp(seconds=value)
    return Timestamp(seconds=calendar.timegm(value.utctimetuple()), nanos=value.microsecond * 1000)
