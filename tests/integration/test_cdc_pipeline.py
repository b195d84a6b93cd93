"""The whole CDC pipeline on real servers — MariaDB binlog -> reader -> Kafka -> projector ->
FerretDB — while diaries, analyses and cards are written, updated and deleted: whatever is
killed or restarted on the way, MongoDB ends exactly equal to MySQL (every row compared, mapped
as the projector maps it)."""

from __future__ import annotations

import json
import random
import signal
import threading
import time

import pytest
import sqlalchemy as sa

from tests.support.cdc import CdcWorld

pytestmark = pytest.mark.integration


class Writer(threading.Thread):
    """Changes all three captured tables as the services do, until stopped."""

    def __init__(self, world: CdcWorld, seed: int) -> None:
        super().__init__(daemon=True)
        self.world = world
        self.random = random.Random(seed)
        self.stopped = threading.Event()
        self.operations = 0
        self.diaries: list[int] = []
        self.card_versions: dict[int, int] = {}
        self.error: BaseException | None = None

    def _sql(self, service: str, statement: str, **params) -> int:
        with self.world.engine_of(service).begin() as connection:
            return connection.execute(sa.text(statement), params).lastrowid

    def step(self) -> None:
        choice = self.random.random()
        if choice < 0.4 or not self.diaries:
            diary_id = self._sql(
                "diary",
                "INSERT INTO diaries (author_id, title, content, date, photo_key, hashtags, analysis_state, created_at)"
                " VALUES (:author, :title, '바다에 갔다', '2026-11-30', '', '[\"바다\"]', 'pending', NOW())",
                author=self.random.randint(1, 5), title=f"일기 {self.operations}",
            )
            self.diaries.append(diary_id)
            self._sql(
                "emotion",
                "INSERT INTO diary_analyses (diary_id, author_id, date, dominant, distribution, hashtags, keywords, feedback,"
                " safety_flag, risk_level, language, classifier, created_at) VALUES (:id, 1, '2026-11-30', 'HAPPY',"
                " '{\"HAPPY\": 1.0}', '[]', :keywords, '좋아요', 0, 'none', 'ko', 'offline', NOW())",
                id=diary_id, keywords=json.dumps([["바다", 1.0]]),
            )
            return
        diary_id = self.random.choice(self.diaries)
        if choice < 0.6:
            self._sql("diary", "UPDATE diaries SET title = CONCAT(title, '+'), analysis_state = 'done' WHERE id = :id", id=diary_id)
            self._sql("emotion", "UPDATE diary_analyses SET dominant = 'SAD' WHERE diary_id = :id", id=diary_id)
        elif choice < 0.85:
            version = self.card_versions.get(diary_id, 0) + 1
            self.card_versions[diary_id] = version
            self._sql(
                "card",
                "INSERT INTO cards (diary_id, version, author_id, date, image_key, dominant, distribution, hashtags, keywords,"
                " feedback, safety_flag, language, created_at) VALUES (:id, :version, 1, '2026-11-30', :key, 'HAPPY',"
                " '{\"HAPPY\": 1.0}', '[]', '[]', '좋아요', 0, 'ko', NOW())",
                id=diary_id, version=version, key=f"cards/{diary_id}-{version}.png",
            )
        else:  # a deletion, as the diary service and its purge job do it
            self.diaries.remove(diary_id)
            self._sql("diary", "DELETE FROM diaries WHERE id = :id", id=diary_id)
            self._sql("emotion", "DELETE FROM diary_analyses WHERE diary_id = :id", id=diary_id)
            self._sql("card", "DELETE FROM cards WHERE diary_id = :id", id=diary_id)

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                self.step()
                self.operations += 1
                time.sleep(0.02)
        except BaseException as exc:  # surfaced by stop()
            self.error = exc

    def stop(self) -> None:
        self.stopped.set()
        self.join()
        assert self.error is None, self.error


@pytest.fixture
def world(mariadb, kafka, ferretdb, tmp_path):
    world = CdcWorld(mariadb, kafka, tmp_path, ferretdb)
    yield world
    world.close()


def test_kill_9_of_the_reader_and_the_projector_mid_stream_leaves_mongodb_equal_to_mysql(world: CdcWorld):
    writer = Writer(world, seed=1)
    writer.step()  # something to snapshot
    world.start_reader()
    world.start_projector()
    writer.start()
    try:
        for kill in ("reader", "projector", "reader", "projector"):
            time.sleep(2)
            process = world.reader if kill == "reader" else world.projector
            process.send_signal(signal.SIGKILL)
            process.wait()
            time.sleep(0.5)
            world.start_reader() if kill == "reader" else world.start_projector()
    finally:
        writer.stop()
    assert writer.operations > 50
    world.wait_until_projected()
    # Every change of a diary went to one partition number, whatever its table: one projector
    # owns all of a document's changes.
    partitions_of: dict[int, set[int]] = {}
    for table, service in (("diaries", "diary"), ("diary_analyses", "emotion"), ("cards", "card")):
        for partition, change in world.published(table, service):
            diary_id = change.row["id" if table == "diaries" else "diary_id"]
            partitions_of.setdefault(diary_id, set()).add(partition)
    assert len(partitions_of) > 5 and all(len(p) == 1 for p in partitions_of.values())
    assert len(set().union(*partitions_of.values())) > 1  # and diaries spread over the partitions


def test_a_kafka_restart_and_a_mongodb_outage_end_converged(world: CdcWorld, kafka, ferretdb):
    writer = Writer(world, seed=2)
    writer.step()
    world.start_reader()
    world.start_projector()
    writer.start()
    try:
        time.sleep(2)
        kafka.stop()
        time.sleep(3)
        kafka.start()
        time.sleep(2)
        ferretdb.stop()
        time.sleep(3)
        ferretdb.start()
        time.sleep(2)
    finally:
        writer.stop()
    world.wait_until_projected()
    assert world.reader.poll() is None and world.projector.poll() is None  # rode it out, no restart needed


def test_a_reader_and_projector_started_before_kafka_wait_for_it(world: CdcWorld, kafka):
    """Deployed together, the CDC processes may start before the broker answers: they wait for it
    (topics.py: BROKER_READY_TIMEOUT_SECONDS) instead of exiting."""
    writer = Writer(world, seed=3)
    writer.step()
    kafka.stop()
    try:
        world.start_reader()
        world.start_projector()
        time.sleep(4)
        assert world.reader.poll() is None and world.projector.poll() is None
    finally:
        kafka.start()
    writer.step()
    world.wait_until_projected()
    assert world.reader.poll() is None and world.projector.poll() is None
