"""The CDC reader (`python -m cdc_service reader`) on real MariaDB (binlog ROW, full metadata)
and real Kafka: snapshot then stream, keyed and ordered per row, no gap across kill -9, a new
snapshot when its position was purged, an added column flowing through."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from tests.support.cdc import TIMEOUT_SECONDS, CdcWorld

pytestmark = pytest.mark.integration


@pytest.fixture
def world(mariadb, kafka, tmp_path):
    world = CdcWorld(mariadb, kafka, tmp_path)
    yield world
    world.close()


def test_snapshot_then_stream_in_order_per_row(world: CdcWorld):
    before = [world.insert_diary(f"스냅샷 {n}") for n in range(3)]
    world.start_reader()
    world.wait_until_caught_up()
    snapshot = [c for c in world.changes() if c.op == "r"]
    assert sorted(c.key["id"] for c in snapshot) == before
    assert all(c.before is None and c.after["content"] == "내용" and c.after["date"] == "2026-11-30" for c in snapshot)

    created = world.insert_diary("새 일기")
    world.sql("UPDATE diaries SET title = '고친 제목' WHERE id = :id", id=created)
    world.sql("UPDATE diaries SET title = '또 고친 제목' WHERE id = :id", id=created)
    world.sql("DELETE FROM diaries WHERE id = :id", id=before[0])
    world.wait_until_caught_up()
    of_created = [c for c in world.changes() if c.key == {"id": created}]
    assert [c.op for c in of_created] == ["c", "u", "u"]
    assert [c.after["title"] for c in of_created] == ["새 일기", "고친 제목", "또 고친 제목"]
    assert of_created[1].before["title"] == "새 일기"
    assert [c.version for c in of_created] == sorted({c.version for c in of_created})  # strictly increasing
    deleted = [c for c in world.changes() if c.key == {"id": before[0]} and c.op == "d"]
    assert len(deleted) == 1 and deleted[0].before["title"] == "스냅샷 0" and deleted[0].after is None
    assert all(c.version > snapshot[0].version for c in of_created)
    assert world.stop_reader() == 0  # SIGTERM: a clean stop


def test_kill_9_mid_stream_then_restart_leaves_no_gap(world: CdcWorld):
    world.insert_diary("시작")  # caught up only once the snapshot is published
    world.start_reader()
    world.wait_until_caught_up()
    stop = threading.Event()
    written: list[int] = []

    def write() -> None:
        while not stop.is_set():
            diary_id = world.insert_diary(f"쓰는 중 {len(written)}")
            written.append(diary_id)
            if len(written) % 5 == 0:
                world.sql("UPDATE diaries SET title = CONCAT(title, ' 고침') WHERE id = :id", id=diary_id)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        for _ in range(2):
            time.sleep(1.5)
            world.stop_reader(signal.SIGKILL)
            time.sleep(0.5)
            world.start_reader()
    finally:
        stop.set()
        writer.join()
    latest = world.wait_until_caught_up()
    assert len(written) > 20 and set(written) <= set(latest)


def test_a_purged_position_is_followed_by_a_new_snapshot(world: CdcWorld):
    world.start_reader()
    first = world.insert_diary("처음")
    world.wait_until_caught_up()
    assert world.stop_reader() == 0
    missed = world.insert_diary("읽기 전에 지워진 binlog에 있던 일기")
    world.sql("UPDATE diaries SET title = '바뀐 처음' WHERE id = :id", id=first)
    world.purge_binlogs()
    world.start_reader()
    latest = world.wait_until_caught_up()
    assert latest[missed].op == "r" and latest[first].after["title"] == "바뀐 처음"
    assert "position purged" in world.log()


def test_an_added_column_flows_through(world: CdcWorld):
    world.insert_diary("열을 더하기 전")  # caught up only once the snapshot is published
    world.start_reader()
    world.wait_until_caught_up()
    world.sql("ALTER TABLE diaries ADD COLUMN mood_note VARCHAR(40) NOT NULL DEFAULT ''")
    diary_id = world.insert_diary("열이 하나 늘었다")
    world.sql("UPDATE diaries SET mood_note = '맑음' WHERE id = :id", id=diary_id)
    latest = world.wait_until_caught_up()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while latest[diary_id].after.get("mood_note") != "맑음":
        assert time.monotonic() < deadline, latest[diary_id]
        time.sleep(0.3)
        latest = world.latest_by_key()
    assert latest[diary_id].op == "u" and latest[diary_id].before["mood_note"] == ""
