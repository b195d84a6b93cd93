import datetime
import time

import pytest

from tests.support.api import Api
from tests.support.days import seconds_until_safe_from_midnight


@pytest.fixture
def api(stack) -> Api:
    client = Api(stack)
    yield client
    client.http.close()


@pytest.fixture
def one_korean_day() -> None:
    """For tests that write diaries and then ask for them by today's date: a test started
    just before midnight KST (15:00 UTC) waits until the new day has begun, so that its
    writes and its questions fall on the same day."""
    time.sleep(seconds_until_safe_from_midnight(datetime.datetime.now(datetime.UTC)))
