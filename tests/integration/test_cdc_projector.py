"""The CDC projector (`python -m cdc_service projector`) on a real Kafka broker and FerretDB:
change events published to the table topics become one MongoDB document per diary; replays,
older versions, a kill -9 and MongoDB being away change nothing in the end state, and offsets
are committed only after MongoDB acknowledged."""

from __future__ import annotations

import os
import pathlib
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from confluent_kafka import Consumer, KafkaError, Message, Producer, TopicPartition
from prometheus_client.parser import text_string_to_metric_families
from pymongo import MongoClient

from cdc_service.adapters.topics import change_topics, ensure_topics
from cdc_service.config import CdcSettings
from cdc_service.domain.envelope import CREATE, DELETE, UPDATE, Change
from cdc_service.domain.read_model import diary_partition, document_partition, part_write
from gridam_domain.read_model import AUTHORS_COLLECTION, author_document_id
from tests.support.cdc_changes import SCHEMAS, analysis_row, card_row, change, diary_row
from tests.support.servers import FerretDb, Kafka, free_port
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

WAIT_SECONDS = 60  # generous: the machines running the tests are shared and slow


class Pipeline:
    """Topics, a consumer group and a database of its own; projector processes on them."""

    def __init__(self, kafka: Kafka, mongo: FerretDb, log_dir: pathlib.Path) -> None:
        name = uuid.uuid4().hex[:10]
        self.settings = CdcSettings(
            kafka_bootstrap_servers=kafka.bootstrap_servers,
            cdc_topic_prefix=f"test-{name}",
            analytics_mongodb_url=mongo.url,
            analytics_mongodb_database=f"cdc_{name}",
            cdc_projector_group=f"projector-{name}",
            metrics_port=free_port(),
        )
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []
        self.partition_counts = ensure_topics(self.settings, change_topics(self.settings))
        self.producer = Producer({"bootstrap.servers": kafka.bootstrap_servers, "enable.idempotence": True})
        # Never subscribes: only reads the group's committed offsets.
        self.offsets = Consumer(
            {"bootstrap.servers": kafka.bootstrap_servers, "group.id": self.settings.cdc_projector_group}
        )
        self.mongo = MongoClient(mongo.url, serverSelectionTimeoutMS=5000)

    def close(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        self.offsets.close()
        self.mongo.close()

    # Publishing, as the reader does.

    def publish(self, changes: list[Change]) -> list[tuple[tuple[str, int], int]]:
        """Publishes `changes`; returns where each landed: ((topic, partition), offset)."""
        failures = []
        positions: list[tuple[tuple[str, int], int]] = [(("", -1), -1)] * len(changes)

        def delivered(index: int) -> Callable[[KafkaError | None, Message], None]:
            def record(err: KafkaError | None, message: Message) -> None:
                if err:
                    failures.append(err)
                else:
                    positions[index] = ((message.topic(), message.partition()), message.offset())

            return record

        for index, event in enumerate(changes):
            key, value = event.encode()
            topic = self.settings.topic(SCHEMAS[event.table], event.table)
            partition = document_partition(event, self.partition_counts[topic])
            self.producer.produce(topic, key=key, value=value, partition=partition, on_delivery=delivered(index))
            if event.op == DELETE:  # and its tombstone, for log compaction
                self.producer.produce(topic, key=key, value=None, partition=partition)
            self.producer.poll(0)
        assert self.producer.flush(WAIT_SECONDS) == 0
        assert not failures
        return positions

    # The projector.

    def start_projector(self, **env: str) -> subprocess.Popen:
        settings = self.settings
        environment = {key: value for key, value in os.environ.items() if not key.startswith("GRIDAM_")} | {
            "GRIDAM_KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
            "GRIDAM_CDC_TOPIC_PREFIX": settings.cdc_topic_prefix,
            "GRIDAM_ANALYTICS_MONGODB_URL": settings.analytics_mongodb_url,
            "GRIDAM_ANALYTICS_MONGODB_DATABASE": settings.analytics_mongodb_database,
            "GRIDAM_CDC_PROJECTOR_GROUP": settings.cdc_projector_group,
            "GRIDAM_METRICS_PORT": str(settings.metrics_port),
            # A killed projector's partitions come back after this; the broker's minimum.
            "GRIDAM_CDC_PROJECTOR_SESSION_TIMEOUT_SECONDS": "6",
            **env,
        }
        log = self.log_dir / f"projector-{len(self.processes)}.log"
        with log.open("wb") as out:
            command = [sys.executable, "-m", "cdc_service", "projector"]
            process = subprocess.Popen(command, env=environment, stdout=out, stderr=subprocess.STDOUT)
        self.processes.append(process)
        return process

    def log(self, process: subprocess.Popen) -> str:
        return (self.log_dir / f"projector-{self.processes.index(process)}.log").read_text(errors="replace")

    def stop_projector(self, process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGTERM)
        assert process.wait(WAIT_SECONDS) == 0, self.log(process)

    # What came out.

    def documents(self) -> dict[int, dict]:
        return {int(doc["_id"]): doc for doc in self.mongo[self.settings.analytics_mongodb_database]["diaries"].find()}

    def summaries(self) -> dict[str, dict]:
        """The authors' summary documents by `_id`."""
        return {doc["_id"]: doc for doc in self.mongo[self.settings.analytics_mongodb_database][AUTHORS_COLLECTION].find()}

    def partitions(self) -> list[TopicPartition]:
        return [
            TopicPartition(topic.topic, partition)
            for topic in change_topics(self.settings)
            for partition in range(topic.num_partitions)
        ]

    def committed(self) -> dict[tuple[str, int], int]:
        """The group's committed offset per partition (negative: none)."""
        return {(p.topic, p.partition): p.offset for p in self.offsets.committed(self.partitions(), timeout=10)}

    def settled_commits(self) -> dict[tuple[str, int], int]:
        """committed() once it stops changing: a commit a killed projector sent just before it
        died can still reach the broker after it."""
        previous = self.committed()
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            time.sleep(1)
            current = self.committed()
            if current == previous:
                return current
            assert time.monotonic() < deadline, "committed offsets still moving"
            previous = current

    def ends(self) -> dict[tuple[str, int], int]:
        return {(p.topic, p.partition): self.offsets.get_watermark_offsets(p, timeout=10)[1] for p in self.partitions()}

    def wait_all_committed(self) -> None:
        ends = self.ends()

        def all_committed() -> bool:  # nothing is committed for a partition without messages
            return {partition: max(offset, 0) for partition, offset in self.committed().items()} == ends

        wait_until(all_committed, f"offsets {ends} committed")

    def samples(self, name: str, **labels: str) -> list[float]:
        """The values of a metric of the projector's metrics endpoint with these labels."""
        text = httpx.get(f"http://127.0.0.1:{self.settings.metrics_port}/metrics", timeout=5).text
        return [
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == name and labels.items() <= sample.labels.items()
        ]

    def metric(self, name: str, **labels: str) -> float:
        return sum(self.samples(name, **labels))


@pytest.fixture
def pipeline(kafka: Kafka, ferretdb: FerretDb, tmp_path: pathlib.Path) -> Iterator[Pipeline]:
    pipeline = Pipeline(kafka, ferretdb, tmp_path)
    yield pipeline
    pipeline.close()


@pytest.fixture
def isolated(kafka: Kafka, tmp_path: pathlib.Path) -> Iterator[tuple[Pipeline, FerretDb]]:
    """A pipeline on a FerretDB of its own, for a test that stops it."""
    mongo = FerretDb(tmp_path / "ferretdb")
    mongo.start()
    pipeline = Pipeline(kafka, mongo, tmp_path)
    yield pipeline, mongo
    pipeline.close()
    mongo.stop()


def test_changes_become_one_document_per_diary(pipeline: Pipeline):
    pipeline.publish(
        [
            change("diaries", CREATE, diary_row(1, title="처음"), seq=10),
            change("diary_analyses", CREATE, analysis_row(1, dominant="HAPPY"), seq=11),
            change("cards", CREATE, card_row(100, diary_id=1, version=1), seq=12),
            change("diaries", UPDATE, diary_row(1, title="바뀐 제목"), seq=13),
            change("cards", CREATE, card_row(101, diary_id=1, version=2), seq=14),
            change("cards", DELETE, card_row(100, diary_id=1, version=1), seq=15),
            change("diaries", CREATE, diary_row(2, author_id=8), seq=16),
            change("diary_analyses", CREATE, analysis_row(2, author_id=8, safety_flag=1), seq=17),
            change("diaries", DELETE, diary_row(2, author_id=8), seq=18),
        ]
    )
    projector = pipeline.start_projector()
    pipeline.wait_all_committed()

    first, second = pipeline.documents()[1], pipeline.documents()[2]
    assert (first["author_id"], first["date"]) == (7, "2026-11-20")
    assert first["diary"]["title"] == "바뀐 제목"
    assert first["diary"]["hashtags"] == ["바다", "친구"]
    assert first["analysis"]["dominant"] == "HAPPY"
    assert first["analysis"]["keywords"][0] == {"word": "바다", "weight": 1.0}
    assert first["cards"]["100"] is None
    assert (first["cards"]["101"]["version"], first["cards"]["101"]["image_key"]) == (2, "cards/101.png")
    assert second["diary"] is None  # deleted: a tombstone
    assert (second["author_id"], second["analysis"]["safety_flag"]) == (8, True)

    assert pipeline.metric("gridam_cdc_projected_total", table="diaries", outcome="applied") == 4
    assert pipeline.metric("gridam_cdc_end_to_end_lag_seconds_count") == 9
    partitions = len(pipeline.partitions())
    wait_until(lambda: pipeline.samples("gridam_cdc_consumer_lag_messages") == [0] * partitions, "consumer lag 0")
    pipeline.stop_projector(projector)


def test_replays_and_older_versions_change_nothing(pipeline: Pipeline):
    history = [
        change("diaries", CREATE, diary_row(1, title="처음"), seq=10),
        change("diaries", UPDATE, diary_row(1, title="마지막"), seq=20),
        change("diary_analyses", CREATE, analysis_row(1, dominant="HAPPY"), seq=21),
        change("cards", CREATE, card_row(100, diary_id=1), seq=22),
    ]
    pipeline.publish(history)
    projector = pipeline.start_projector()
    pipeline.wait_all_committed()
    pipeline.stop_projector(projector)
    projected = pipeline.documents()

    # After a restart: the same changes again, and older ones than those stored.
    older = [
        change("diaries", UPDATE, diary_row(1, title="중간"), seq=15),
        change("diary_analyses", UPDATE, analysis_row(1, dominant="SAD"), seq=19),
        change("cards", DELETE, card_row(100, diary_id=1), seq=5),
    ]
    pipeline.publish(history + older)
    projector = pipeline.start_projector()
    pipeline.wait_all_committed()

    assert pipeline.documents() == projected
    assert pipeline.metric("gridam_cdc_projected_total", outcome="stale") == len(history + older)
    pipeline.stop_projector(projector)


def test_a_deleted_row_stays_deleted_when_its_create_is_replayed(pipeline: Pipeline):
    diary, card = diary_row(1), card_row(100, diary_id=1)
    pipeline.publish([change("diaries", CREATE, diary, seq=10), change("cards", CREATE, card, seq=11)])
    pipeline.publish([change("diaries", DELETE, diary, seq=12)])
    pipeline.publish([change("diaries", CREATE, diary, seq=10)])
    projector = pipeline.start_projector()
    pipeline.wait_all_committed()

    document = pipeline.documents()[1]
    assert (document["diary"], document["cards"]["100"]["id"]) == (None, 100)
    pipeline.stop_projector(projector)


def test_a_diary_deleted_whole_leaves_no_document_even_when_its_history_is_replayed(pipeline: Pipeline):
    """Account deletion (docs/account-deletion.md): once its diary, analysis and cards are deleted
    the document goes, author id and all; a restarted reader repeats the history, deletes
    included, and none comes back. The tombstones after the deletes are skipped."""
    diary, analysis, card = diary_row(1, author_id=8), analysis_row(1, author_id=8), card_row(100, diary_id=1)
    history = [
        change("diaries", CREATE, diary, seq=10),
        change("diary_analyses", CREATE, analysis, seq=11),
        change("cards", CREATE, card, seq=12),
        change("diary_analyses", DELETE, analysis, seq=13),
        change("cards", DELETE, card, seq=14),
        change("diaries", DELETE, diary, seq=15),
        change("diaries", CREATE, diary_row(2, author_id=9), seq=16),
    ]
    pipeline.publish(history)
    projector = pipeline.start_projector()
    pipeline.wait_all_committed()
    assert list(pipeline.documents()) == [2]
    pipeline.publish(history)
    pipeline.wait_all_committed()
    assert list(pipeline.documents()) == [2]
    assert pipeline.metric("gridam_cdc_invalid_messages_total") == 0
    pipeline.stop_projector(projector)


def test_each_author_has_a_summary_document_per_partition_kept_by_the_same_rules(pipeline: Pipeline):
    """The summary documents behind the statistics, the search and the word clouds (one per author
    and partition, `_id` only) follow the diaries and analyses through inserts, updates and
    deletes; a replay and older versions change nothing; an author whose diaries and analyses are
    all deleted (account deletion) keeps no summary document."""
    partitions = pipeline.settings.cdc_topic_partitions
    # Diaries 1 to 6 of author 7 fall on more than one partition; diary 9 is author 8's only one.
    assert len({diary_partition(diary, partitions) for diary in range(1, 7)}) > 1
    # Diary 7 is never analysed.
    history = [change("diaries", CREATE, diary_row(d), seq=d) for d in range(1, 8)]
    history.append(change("diaries", CREATE, diary_row(9, author_id=8), seq=9))
    history += [change("diary_analyses", CREATE, analysis_row(d, dominant="HAPPY"), seq=10 + d) for d in range(1, 7)]
    history += [
        change("diary_analyses", CREATE, analysis_row(9, author_id=8), seq=19),
        change("diary_analyses", UPDATE, analysis_row(1, dominant="SAD"), seq=20),
        change("diary_analyses", DELETE, analysis_row(2, dominant="HAPPY"), seq=21),
        change("diary_analyses", DELETE, analysis_row(9, author_id=8), seq=22),
        change("diaries", UPDATE, diary_row(2, title="고침"), seq=23),  # diary 2 stays, without its analysis
        change("diaries", DELETE, diary_row(9, author_id=8), seq=24),
    ]
    pipeline.publish(history)
    projector = pipeline.start_projector()
    pipeline.wait_all_committed()

    def entries(part: str) -> dict[int, tuple]:
        """diary id -> (summary document, author, the entry's other values) of every live entry of `part`."""
        found = {}
        for summary_id, summary in pipeline.summaries().items():
            for key, entry in (summary.get(part) or {}).items():
                if entry is not None:
                    assert int(key) == entry["diary_id"]
                    found[entry["diary_id"]] = (summary_id, summary["author_id"], *(v for k, v in entry.items() if k != "diary_id"))
        return found

    def summary_of(diary: int) -> str:
        return author_document_id(7, diary_partition(diary, partitions))

    assert entries("analyses") == {d: (summary_of(d), 7, "2026-11-20", "SAD" if d == 1 else "HAPPY") for d in (1, 3, 4, 5, 6)}
    assert entries("diaries") == {d: (summary_of(d), 7) for d in range(1, 8)}
    assert {summary["author_id"] for summary in pipeline.summaries().values()} == {7}  # author 8's went
    projected = pipeline.summaries()

    older = [change("diary_analyses", UPDATE, analysis_row(1, dominant="JOY"), seq=15), change("diaries", DELETE, diary_row(2), seq=22)]
    pipeline.publish(history + older)
    pipeline.wait_all_committed()
    assert pipeline.summaries() == projected

    # Account deletion: the author's other diaries and analyses go too, and with them every summary document.
    deleted = [change("diary_analyses", DELETE, analysis_row(d), seq=30 + d) for d in (1, 3, 4, 5, 6)]
    deleted += [change("diaries", DELETE, diary_row(d), seq=40 + d) for d in range(1, 8)]
    pipeline.publish(deleted[:5])
    pipeline.wait_all_committed()
    assert entries("analyses") == {} and entries("diaries") == {d: (summary_of(d), 7) for d in range(1, 8)}
    pipeline.publish(deleted[5:])
    pipeline.wait_all_committed()
    assert pipeline.summaries() == {}
    # A restarted reader repeats the history, deletes included: nothing comes back.
    pipeline.publish(history + deleted)
    pipeline.wait_all_committed()
    assert pipeline.summaries() == {}
    pipeline.stop_projector(projector)


class History:
    """Random changes of many diaries, and the state they must leave: per diary and part,
    the version and what identifies the last value (None once deleted)."""

    def __init__(self, seed: int, diaries: int, changes: int) -> None:
        rng = random.Random(seed)
        self.changes: list[Change] = []
        self.parts: dict[tuple[int, str], tuple[int, object]] = {}
        live = list(range(1, diaries + 1))
        cards: dict[int, list[int]] = {diary_id: [] for diary_id in live}
        for diary_id in live:
            self._add(diary_id, "diary", change("diaries", CREATE, diary_row(diary_id, title="0"), self._seq()), "0")
        while len(self.changes) < changes and live:
            diary_id = rng.choice(live)
            action = rng.choice(["title", "title", "analysis", "card", "card", "uncard", "delete"])
            seq = self._seq()
            if action == "title":
                row = diary_row(diary_id, title=str(seq))
                self._add(diary_id, "diary", change("diaries", UPDATE, row, seq), row["title"])
            elif action == "analysis":
                row = analysis_row(diary_id, dominant=rng.choice(["HAPPY", "SAD", "CALM"]))
                self._add(diary_id, "analysis", change("diary_analyses", UPDATE, row, seq), row["dominant"])
            elif action == "card":
                card_id = diary_id * 1000 + len(cards[diary_id])
                cards[diary_id].append(card_id)
                row = card_row(card_id, diary_id, version=len(cards[diary_id]))
                self._add(diary_id, f"cards.{card_id}", change("cards", CREATE, row, seq), row["version"])
            elif action == "uncard" and cards[diary_id]:
                card_id = cards[diary_id][-1]
                self._add(diary_id, f"cards.{card_id}", change("cards", DELETE, card_row(card_id, diary_id), seq), None)
            elif action == "delete" and rng.random() < 0.2:
                live.remove(diary_id)
                self._add(diary_id, "diary", change("diaries", DELETE, diary_row(diary_id), seq), None)

    @property
    def expected(self) -> dict[tuple[int, str], tuple[int, object]]:
        """The live parts, with their versions: a deleted part is either kept as a tombstone or,
        once its whole document is deleted, removed with it (an account deletion must leave no
        trace), and changes of one diary come through several partitions in any order."""
        return History.live(self.parts)

    @staticmethod
    def live(state: dict[tuple[int, str], tuple[int, object]]) -> dict[tuple[int, str], tuple[int, object]]:
        return {key: (version, value) for key, (version, value) in state.items() if value is not None}

    def _seq(self) -> int:
        return 100 + len(self.changes)

    def _add(self, diary_id: int, path: str, event: Change, value: object) -> None:
        self.changes.append(event)
        self.parts[(diary_id, path)] = (event.version, value)

    @staticmethod
    def written_version(state: dict[tuple[int, str], tuple[int, object]], event: Change) -> int:
        """The version of `event`'s part in `state` (-1: none)."""
        write = part_write(event)
        return state.get((int(write.document_id), write.path), (-1, None))[0]

    @staticmethod
    def state(documents: dict[int, dict]) -> dict[tuple[int, str], tuple[int, object]]:
        """The same shape, read from the documents."""
        state = {}
        for diary_id, doc in documents.items():
            versions = doc["v"]
            if "diary" in versions:
                state[(diary_id, "diary")] = (versions["diary"], doc["diary"] and doc["diary"]["title"])
            if "analysis" in versions:
                state[(diary_id, "analysis")] = (versions["analysis"], doc["analysis"] and doc["analysis"]["dominant"])
            for card_id, version in versions.get("cards", {}).items():
                card = doc["cards"][card_id]
                state[(diary_id, f"cards.{card_id}")] = (version, card and card["version"])
        return state


def test_a_projector_killed_mid_batch_converges_after_a_restart(pipeline: Pipeline):
    history = History(seed=6, diaries=40, changes=1000)
    positions = pipeline.publish(history.changes)
    # Small batches: twenty commits to get through, so the kill lands before the last one even
    # when this test process is slow to notice the first documents.
    projector = pipeline.start_projector(GRIDAM_CDC_PROJECTOR_BATCH="50")
    wait_until(lambda: len(pipeline.documents()) >= 10, "some changes applied")
    projector.kill()  # SIGKILL: nothing is finished, closed or committed
    projector.wait()
    committed = pipeline.settled_commits()
    assert sum(max(offset, 0) for offset in committed.values()) < len(history.changes)
    # The kill may land mid-batch (written, not committed) or between batches: what was written
    # of the uncommitted changes is known only now. A lower bound: a write the killed process
    # sent last may still be finishing in FerretDB.
    written = History.state(pipeline.documents())
    replayed = [
        event
        for event, (partition, offset) in zip(history.changes, positions, strict=True)
        if offset >= max(committed[partition], 0)
    ]
    already_written = sum(1 for event in replayed if History.written_version(written, event) >= event.version)

    projector = pipeline.start_projector(GRIDAM_CDC_PROJECTOR_BATCH="200")
    pipeline.wait_all_committed()

    assert History.live(History.state(pipeline.documents())) == history.expected
    # The restart replays exactly the uncommitted changes; those already written are no-ops.
    applied = pipeline.metric("gridam_cdc_projected_total", outcome="applied")
    stale = pipeline.metric("gridam_cdc_projected_total", outcome="stale")
    assert applied + stale == len(replayed)
    assert stale >= already_written
    pipeline.stop_projector(projector)


def failed_writes(pipeline: Pipeline, projector: subprocess.Popen) -> int:
    return pipeline.log(projector).count("MongoDB write failed")


def projector_failing_on_mongodb(pipeline: Pipeline, mongo: FerretDb, later: list) -> tuple[subprocess.Popen, dict]:
    """A projector that committed a first change, then MongoDB stopped and `later` changes
    published: returns it, once it has tried to write them, and the offsets committed before."""
    pipeline.publish([change("diaries", CREATE, diary_row(1), seq=10)])
    projector = pipeline.start_projector(GRIDAM_CALL_TIMEOUT_SECONDS="1")
    pipeline.wait_all_committed()
    before = pipeline.committed()
    mongo.stop()
    pipeline.publish(later)
    wait_until(lambda: failed_writes(pipeline, projector) > 0, "the projector tried to write")
    return projector, before


def test_offsets_are_committed_only_after_mongodb_acknowledged(isolated: tuple[Pipeline, FerretDb]):
    pipeline, mongo = isolated
    later = [change("diaries", CREATE, diary_row(diary_id), seq=10 + diary_id) for diary_id in range(2, 22)]
    projector, before = projector_failing_on_mongodb(pipeline, mongo, later)
    assert pipeline.committed() == before

    mongo.start()  # same port and data
    pipeline.wait_all_committed()
    assert sorted(pipeline.documents()) == list(range(1, 22))
    pipeline.stop_projector(projector)


def test_a_projector_stopped_while_mongodb_is_away_commits_nothing(isolated: tuple[Pipeline, FerretDb]):
    pipeline, mongo = isolated
    projector, before = projector_failing_on_mongodb(pipeline, mongo, [change("diaries", CREATE, diary_row(2), seq=11)])
    pipeline.stop_projector(projector)  # abandons the batch and exits cleanly
    assert pipeline.committed() == before

    mongo.start()
    projector = pipeline.start_projector()
    pipeline.wait_all_committed()
    assert sorted(pipeline.documents()) == [1, 2]
    pipeline.stop_projector(projector)
