"""The web API's times (gateway envelope.local_time) from a Timestamp's whole seconds read as
they did through Timestamp.ToDatetime and astimezone, to the character."""

from __future__ import annotations

import datetime
import random

from google.protobuf.timestamp_pb2 import Timestamp

from gridam_gateway.envelope import KST, local_time


def test_local_time_is_the_datetime_conversions_answer():
    rng = random.Random(24)
    seconds = [0, -1, 86_399, 1_765_100_000, 253_402_300_799 - 9 * 3600] + [rng.randrange(-2**31, 2**33) for _ in range(2000)]
    for second in seconds:
        stamp = Timestamp(seconds=second, nanos=rng.randrange(1_000_000_000))
        expected = stamp.ToDatetime(tzinfo=datetime.UTC).astimezone(KST).isoformat(timespec="seconds")
        assert local_time(stamp) == expected
