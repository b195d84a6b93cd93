"""The CDC reader (`python -m cdc_service reader`) on real MariaDB (binlog ROW, full metadata)
and real Kafka: snapshot then stream, keyed and ordered per row, no gap across kill -9, a new
snapshot when its position was purged, an added column flowing through."""

from __future__ import annotations

import itertools
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import sqlalchemy as sa
from confluent_kafka import Consumer, KafkaException, TopicPartition

from cdc_service.envelope import Change
from gridam_runtime import db
from tests.support.servers import ROOT

pytestmark = pytest.mark.integration

TIMEOUT_SECONDS = 90  # generous: a shared CI machine
SERVICES = {"diary": "diary_service", "emotion": "emotion_service", "card": "card_service"}
_run_ids = itertools.count(1)


class CdcWorld:
    """Fresh service schemas (migrated as in production) and topics of one test."""

    def __init__(self, mariadb, kafka, root: pathlib.Path) -> None:
        self.run_id = f"t{next(_run_ids)}{uuid.uuid4().hex[:6]}"
        self.kafka = kafka
        self.mariadb = mariadb
        self.root = root
        self.schemas = {}
        for service, package in SERVICES.items():
            schema = f"cdc_{self.run_id}_{service}"
            url = mariadb.create_database(schema)
            db.migrate(__import__(f"{package}.bootstrap", fromlist=["MIGRATIONS_DIR"]).MIGRATIONS_DIR, url)
            self.schemas[service] = schema
        self.engine = db.create_engine(mariadb.url(self.schemas["diary"]))
        self.prefix = f"gridam.cdc.{self.run_id}"
        self.reader: subprocess.Popen | None = None

    @property
    def tables(self) -> str:
        diary, emotion, card = (self.schemas[s] for s in ("diary", "emotion", "card"))
        return f"{diary}.diaries,{emotion}.diary_analyses,{card}.cards"

    def env(self) -> dict[str, str]:
        user_password = self.mariadb.url("x").split("//", 1)[1].split("@", 1)[0]
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("GRIDAM_")},
            "GRIDAM_CDC_MYSQL_URL": f"mysql://{user_password}@127.0.0.1:{self.mariadb.port}",
            "GRIDAM_CDC_TABLES": self.tables,
            "GRIDAM_CDC_SERVER_ID": str(5000 + next(_run_ids)),
            "GRIDAM_KAFKA_BOOTSTRAP_SERVERS": self.kafka.bootstrap_servers,
            "GRIDAM_CDC_TOPIC_PREFIX": self.prefix,
            "GRIDAM_CDC_POSITION_INTERVAL_SECONDS": "0.2",
            "GRIDAM_CDC_HEARTBEAT_SECONDS": "0.5",
            "GRIDAM_LOG_LEVEL": "INFO",
            "GRIDAM_DATA_DIR": str(self.root),
        }

    def start_reader(self) -> None:
        log = (self.root / "reader.log").open("ab")
        self.reader = subprocess.Popen([sys.executable, "-m", "cdc_service", "reader"], env=self.env(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def stop_reader(self, sig: int = signal.SIGTERM) -> int:
        assert self.reader is not None
        self.reader.send_signal(sig)
        return self.reader.wait(TIMEOUT_SECONDS)

    def purge_binlogs(self) -> None:
        """Remove every binlog file but a fresh one, as expiry would. MariaDB keeps a file until
        its InnoDB checkpoint is written (about a second here), so this retries."""
        self.mariadb.sql("FLUSH BINARY LOGS")
        deadline = time.monotonic() + TIMEOUT_SECONDS
        with self.engine.connect() as connection:
            while len(files := [row[0] for row in connection.execute(sa.text("SHOW BINARY LOGS"))]) > 1:
                assert time.monotonic() < deadline, f"binlogs not purged: {files}"
                connection.execute(sa.text(f"PURGE BINARY LOGS TO '{files[-1]}'"))
                time.sleep(0.2)

    def log(self) -> str:
        return (self.root / "reader.log").read_text(errors="replace")

    def sql(self, statement: str, **params) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text(statement), params)

    def insert_diary(self, title: str, author: int = 7) -> int:
        with self.engine.begin() as connection:
            result = connection.execute(
                sa.text(
                    "INSERT INTO diaries (author_id, title, content, date, photo_key, hashtags, analysis_state, created_at)"
                    " VALUES (:author, :title, '내용', '2026-11-30', '', '[]', 'pending', NOW())"
                ),
                {"author": author, "title": title},
            )
            return result.lastrowid

    def rows(self) -> dict[int, dict]:
        with self.engine.connect() as connection:
            return {row.id: dict(row._mapping) for row in connection.execute(sa.text("SELECT * FROM diaries"))}

    def changes(self, table: str = "diaries", service: str = "diary") -> list[Change]:
        """Everything published for a table so far, in partition order."""
        topic = f"{self.prefix}.{self.schemas[service]}.{table}"
        consumer = Consumer({"bootstrap.servers": self.kafka.bootstrap_servers, "group.id": f"check-{uuid.uuid4().hex}", "enable.auto.commit": False})
        try:
            metadata = consumer.list_topics(topic, timeout=10).topics[topic]
            if metadata.error is not None:  # not created yet: nothing published
                return []
            partitions = [TopicPartition(topic, p, 0) for p in metadata.partitions]
            ends = {p.partition: consumer.get_watermark_offsets(p, timeout=10)[1] for p in partitions}
            consumer.assign(partitions)
            changes, remaining = [], sum(ends.values())
            while remaining > 0:
                message = consumer.poll(10)
                assert message is not None, "Kafka returned fewer messages than its watermarks"
                if message.error():
                    continue
                changes.append(Change.decode(message.key(), message.value()))
                remaining -= 1
            return changes
        finally:
            consumer.close()

    def latest_by_key(self, table: str = "diaries", service: str = "diary") -> dict[int, Change]:
        latest: dict[int, Change] = {}
        for change in self.changes(table, service):
            key = change.key["id"] if "id" in change.key else change.key["diary_id"]
            if key not in latest or change.version >= latest[key].version:
                latest[key] = change
        return latest

    def wait_until_caught_up(self) -> dict[int, Change]:
        """Until Kafka's latest change of every row matches MySQL (rows deleted: a delete)."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            try:
                rows, latest = self.rows(), self.latest_by_key()
            except KafkaException:  # a topic just created, its leader not elected yet
                time.sleep(0.3)
                continue
            alive = {key: change.after["title"] for key, change in latest.items() if change.op != "d"}
            if alive == {key: row["title"] for key, row in rows.items()}:
                return latest
            assert self.reader is None or self.reader.poll() is None, self.log()[-3000:]
            assert time.monotonic() < deadline, f"not caught up: {len(alive)} published vs {len(rows)} rows\n{self.log()[-3000:]}"
            time.sleep(0.3)

    def close(self) -> None:
        if self.reader is not None and self.reader.poll() is None:
            self.reader.kill()
            self.reader.wait()
        self.engine.dispose()


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
