"""The CDC reader (`python -m cdc_service reader`) on real MariaDB (binlog ROW, full metadata)
and real Kafka: snapshot then stream, keyed and ordered per row, no gap across kill -9, a MariaDB
restart waited out in the process, a new snapshot when its position was purged, an added column
flowing through."""

from __future__ import annotations

import signal
import threading
import time

import orjson
import pytest
from confluent_kafka import Consumer, KafkaException, TopicPartition

from tests.support.cdc import TIMEOUT_SECONDS, CdcWorld
from tests.support.servers import private_mariadb

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


def test_a_mariadb_restart_is_waited_out_in_process_and_streaming_resumes_from_the_saved_position(kafka, infra_root, tmp_path):
    # A MariaDB of its own, stopped under the reader: the reader must neither exit (Kubernetes
    # would count a crash loop) nor take a new snapshot, and must publish what was written around it.
    with private_mariadb(infra_root / "mariadb-cdc-outage") as mariadb:
        world = CdcWorld(mariadb, kafka, tmp_path)
        try:
            kept, deleted = world.insert_diary("재시작 전"), world.insert_diary("지울 일기")
            world.start_reader()
            world.wait_until_caught_up()
            unread = [world.insert_diary(f"멈추기 직전 {n}") for n in range(3)]  # maybe not read before the stop
            mariadb.stop()
            time.sleep(8)  # several tries with back-off (0.5, 1, 2, 4 s)
            assert world.reader.poll() is None, f"the reader exited while MariaDB was down:\n{world.log()[-3000:]}"
            mariadb.launch()
            world.engine.dispose()  # the test's own pooled connections died with the server
            after = world.insert_diary("재시작 후")
            world.sql("UPDATE diaries SET title = '재시작 후 고침' WHERE id = :id", id=kept)
            world.sql("DELETE FROM diaries WHERE id = :id", id=deleted)
            latest = world.wait_until_caught_up()
            assert set(unread) | {after, kept} <= set(latest)
            assert latest[kept].after["title"] == "재시작 후 고침" and latest[deleted].op == "d"
            log = world.log()
            assert log.count("MariaDB unreachable: trying again") >= 2, log[-3000:]
            assert log.count("snapshot started") == 1, "streaming did not resume from the saved binlog position"
            assert world.stop_reader() == 0
        finally:
            world.close()


def snapshot_markers(world: CdcWorld) -> list[dict]:
    """The positions the reader saved so far."""
    consumer = Consumer({"bootstrap.servers": world.kafka.bootstrap_servers, "group.id": f"check-{world.run_id}", "enable.auto.commit": False})
    try:
        topic = f"{world.prefix}.reader-position"
        partition = TopicPartition(topic, 0, 0)
        try:
            high = consumer.get_watermark_offsets(partition, timeout=5)[1]
        except KafkaException:  # not created yet
            return []
        consumer.assign([partition])
        saved = []
        while len(saved) < high:
            message = consumer.poll(5)
            assert message is not None
            if message.error() is None:
                saved.append(orjson.loads(message.value()))
        return saved
    finally:
        consumer.close()


def published_any(world: CdcWorld) -> bool:
    """Whether the reader has published a diaries row yet, from the topic's end offsets (cheap:
    the test must notice within the snapshot, before it ends)."""
    topic = f"{world.prefix}.{world.schemas['diary']}.diaries"
    consumer = Consumer({"bootstrap.servers": world.kafka.bootstrap_servers, "group.id": f"check-{world.run_id}"})
    try:
        metadata = consumer.list_topics(topic, timeout=5).topics[topic]
        if metadata.error is not None:  # not created yet
            return False
        return any(consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=5)[1] > 0 for p in metadata.partitions)
    except KafkaException:  # a topic just created, its leader not elected yet
        return False
    finally:
        consumer.close()


def test_a_snapshot_interrupted_and_taken_again_still_publishes_the_deletes_in_between(world: CdcWorld):
    # Enough rows that the snapshot takes a few seconds: the reader is killed in the middle.
    world.sql(
        "INSERT INTO diaries (author_id, title, content, date, photo_key, hashtags, analysis_state, created_at)"
        " SELECT 7, CONCAT('스냅샷 ', seq), '내용', '2026-11-30', '', '[]', 'pending', NOW() FROM seq_1_to_20000"
    )
    world.start_reader()
    deadline = time.monotonic() + TIMEOUT_SECONDS
    while not published_any(world):
        assert time.monotonic() < deadline and world.reader.poll() is None, world.log()[-3000:]
        time.sleep(0.05)
    world.stop_reader(signal.SIGKILL)
    assert not any(m["complete"] for m in snapshot_markers(world)), "the snapshot ended before the kill"
    [(_, first)] = world.published()[:1]
    world.sql("DELETE FROM diaries WHERE id = :id", id=first.key["id"])  # a row the first snapshot published

    world.start_reader()
    latest = world.wait_until_caught_up()  # rows deleted: their latest change is a delete

    assert latest[first.key["id"]].op == "d"
    assert snapshot_markers(world)[-1]["complete"] is True


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


def test_capturing_another_table_still_publishes_the_deletes_made_while_stopped(world: CdcWorld):
    all_tables = world.tables
    world.tables = all_tables.split(",")[0]  # the diaries only
    kept, gone = world.insert_diary("남는 일기"), world.insert_diary("멈춘 사이 지워진 일기")
    world.start_reader()
    world.wait_until_caught_up()
    assert world.stop_reader() == 0
    world.sql("DELETE FROM diaries WHERE id = :id", id=gone)
    world.tables = all_tables  # restarted with one more table: a new snapshot
    world.start_reader()
    latest = world.wait_until_caught_up()
    assert latest[gone].op == "d" and latest[kept].op == "r"
    assert "tables changed" in world.log()


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
