"""The distributed profile with CDC, through the gateway: diary search and statistics come from
the MongoDB read model the CDC pipeline keeps (MariaDB binlog -> reader -> Kafka -> projector ->
FerretDB), follow writes and deletions within seconds, and really depend on that pipeline."""

from __future__ import annotations

import signal
import time

import pytest

from tests.support.api import Api, User
from tests.support.days import today
from tests.support.waiting import wait_until
from tests.support.web import wait_for_analysis, write

pytestmark = pytest.mark.usefixtures("one_korean_day")


@pytest.fixture
def api(read_model_stack) -> Api:
    client = Api(read_model_stack)
    yield client
    client.http.close()


def found(api: Api, user: User, query: str) -> list[str]:
    body = api.get("/api/diary/search", user, params={"q": query}).json()
    assert body["success"] is True, body
    return [d["diaryId"] for d in body["result"]["diaryList"]]


def test_search_and_statistics_follow_writes_and_deletions_through_the_read_model(api: Api):
    me = api.new_user()
    first = write(api, me, title="Blue whale", content="바다에서 고래를 봤다")
    second = write(api, me, title="산책", content="whale 인형을 샀다")
    for diary_id in (first, second):
        wait_for_analysis(api, me, diary_id)
    wait_until(lambda: found(api, me, "WHALE") == [second, first], "both diaries searchable")

    def month_total() -> int:
        day = today()  # the diaries' day, in the diary service's time zone
        year, month = day[:4], int(day[5:7])
        body = api.get("/api/v1/statistics/emotions", me, params={"year": year, "month": month}).json()
        assert body["success"] is True, body
        return sum(month["total"] for month in body["result"]["months"])

    wait_until(lambda: month_total() == 2, "both analyses counted")
    assert api.delete(f"/api/diary/{first}", me).json()["success"] is True
    wait_until(lambda: found(api, me, "whale") == [second], "the deleted diary gone from search")
    wait_until(lambda: month_total() == 1, "the deleted diary's analysis no longer counted")


def test_search_reads_the_read_model_not_the_diary_table(api: Api, read_model_stack):
    me = api.new_user()
    projector = read_model_stack.process("cdc-projector")
    projector.process.send_signal(signal.SIGTERM)
    assert projector.process.wait(30) == 0
    try:
        diary_id = write(api, me, title="Narwhal", content="일각고래")
        time.sleep(3)  # long enough for the pipeline to have carried it, were it running
        assert found(api, me, "narwhal") == []  # in MySQL, not yet in the read model
    finally:
        read_model_stack.restart("cdc-projector", "cdc_service", "projector")
    wait_until(lambda: found(api, me, "narwhal") == [diary_id], "the diary searchable once the projector runs again")
