"""A CDC pipeline over real servers for the tests: fresh service schemas on MariaDB (migrated as
in production), the reader (`python -m cdc_service reader`) and the projector
(`python -m cdc_service projector`) as real processes, topics and a read-model database of their
own, and ways to look at what came out."""

from __future__ import annotations

import itertools
import os
import pathlib
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable

import sqlalchemy as sa
from confluent_kafka import Consumer, KafkaException, TopicPartition
from pymongo import MongoClient

from cdc_service.domain.envelope import Change, json_row
from cdc_service.domain.read_model import SUMMARIES, TABLES, diary_partition
from gridam_domain.read_model import AUTHORS_COLLECTION, COLLECTION, author_document_id
from gridam_runtime import db
from gridam_runtime.settings import BaseGridamSettings
from tests.support.servers import ROOT

TIMEOUT_SECONDS = 90  # generous: a shared CI machine
SERVICES = {"diary": "diary_service", "emotion": "emotion_service", "card": "card_service"}
_run_ids = itertools.count(1)
# The processes of the tests and the soak keep the default partition count.
PARTITIONS: int = BaseGridamSettings.model_fields["cdc_topic_partitions"].default


def sql_state(engine_of: Callable[[str], sa.Engine]) -> dict[int, dict]:
    """What the read model must hold: every captured row of the services' databases (`engine_of`
    the service's name), mapped as the projector maps it; `summaries`: the diary's entries in its
    author's summary document by part ("diaries", "analyses"), each {_id, author_id, diary_id, ...}."""
    state: dict[int, dict] = {}
    for table, service in (("diaries", "diary"), ("diary_analyses", "emotion"), ("cards", "card")):
        projection = TABLES[table]
        with engine_of(service).connect() as connection:
            for row in connection.execute(sa.text(f"SELECT * FROM {table}")):
                values = json_row(dict(row._mapping))
                diary_id = values[projection.diary_id_column]
                document = state.setdefault(diary_id, _empty())
                value = projection.value(values)
                if projection.entry_column is None:
                    document[projection.part] = value
                else:
                    document["cards"][str(values[projection.entry_column])] = value
                if (entries := SUMMARIES.get(table)) is not None:
                    author = values["author_id"]
                    document["summaries"][entries.part] = {
                        "_id": author_document_id(author, diary_partition(diary_id, PARTITIONS)),
                        "author_id": author,
                        "diary_id": diary_id,
                        **{name: value[name] for name in entries.columns},
                    }
    return state


def _empty() -> dict:
    return {"diary": None, "analysis": None, "cards": {}, "summaries": {}}


def read_model_state(collection) -> dict[int, dict]:
    """The read model's live parts and summary entries (tombstones left out), shaped like sql_state."""
    state = {}
    for document in collection.find():
        live = _empty() | {
            "diary": document.get("diary"),
            "analysis": document.get("analysis"),
            "cards": {key: card for key, card in (document.get("cards") or {}).items() if card is not None},
        }
        if live["diary"] or live["analysis"] or live["cards"]:
            state[int(document["_id"])] = live
    for summary in collection.database[AUTHORS_COLLECTION].find():
        for entries in SUMMARIES.values():
            for key, entry in (summary.get(entries.part) or {}).items():
                if entry is not None:
                    found = {"_id": summary["_id"], "author_id": summary.get("author_id"), **entry}
                    state.setdefault(int(key), _empty())["summaries"][entries.part] = found
    return state


class CdcWorld:
    """Fresh service schemas (migrated as in production) and topics of one test."""

    def __init__(self, mariadb, kafka, root: pathlib.Path, ferretdb=None) -> None:
        self.run_id = f"t{next(_run_ids)}{uuid.uuid4().hex[:6]}"
        self.kafka = kafka
        self.ferretdb = ferretdb
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
        self._mongo: MongoClient | None = None
        self._engines: dict[str, sa.Engine] = {}
        self.reader: subprocess.Popen | None = None
        self.projector: subprocess.Popen | None = None
        diary, emotion, card = (self.schemas[s] for s in ("diary", "emotion", "card"))
        # GRIDAM_CDC_TABLES of the processes started next (a test may capture fewer).
        self.tables = f"{diary}.diaries,{emotion}.diary_analyses,{card}.cards"

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
            "GRIDAM_CDC_PROJECTOR_GROUP": f"projector-{self.run_id}",
            # A killed projector's partitions come back after this (the broker's minimum).
            "GRIDAM_CDC_PROJECTOR_SESSION_TIMEOUT_SECONDS": "6",
            "GRIDAM_LOG_LEVEL": "INFO",
            "GRIDAM_DATA_DIR": str(self.root),
            **(
                {"GRIDAM_ANALYTICS_MONGODB_URL": self.ferretdb.url, "GRIDAM_ANALYTICS_MONGODB_DATABASE": f"cdc_{self.run_id}"}
                if self.ferretdb is not None
                else {}
            ),
        }

    def _start(self, command: str) -> subprocess.Popen:
        with (self.root / f"{command}.log").open("ab") as log:
            return subprocess.Popen([sys.executable, "-m", "cdc_service", command], env=self.env(), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)

    def start_reader(self) -> None:
        self.reader = self._start("reader")

    def start_projector(self) -> None:
        self.projector = self._start("projector")

    def read_model(self):
        """The read model's collection (needs ferretdb)."""
        if self._mongo is None:
            self._mongo = MongoClient(self.ferretdb.url, serverSelectionTimeoutMS=5000)
        return self._mongo[f"cdc_{self.run_id}"][COLLECTION]

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

    def log(self, command: str = "reader") -> str:
        return (self.root / f"{command}.log").read_text(errors="replace")

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
        return [change for _, change in self.published(table, service)]

    def published(self, table: str = "diaries", service: str = "diary") -> list[tuple[int, Change]]:
        """Everything published for a table so far with its partition, in partition order."""
        topic = f"{self.prefix}.{self.schemas[service]}.{table}"
        consumer = Consumer({"bootstrap.servers": self.kafka.bootstrap_servers, "group.id": f"check-{uuid.uuid4().hex}", "enable.auto.commit": False})
        try:
            metadata = consumer.list_topics(topic, timeout=10).topics[topic]
            if metadata.error is not None:  # not created yet: nothing published
                return []
            partitions = [TopicPartition(topic, p, 0) for p in metadata.partitions]
            ends = {p.partition: consumer.get_watermark_offsets(p, timeout=10)[1] for p in partitions}
            consumer.assign(partitions)
            # Each partition up to its own end: messages produced after the watermarks were
            # read (the reader is running) must not stand in for unread ones of another partition.
            changes, unread = [], {partition: end for partition, end in ends.items() if end > 0}
            while unread:
                message = consumer.poll(10)
                assert message is not None, f"Kafka returned fewer messages than its watermarks: {unread} left"
                if message.error() or message.offset() >= ends[message.partition()]:
                    continue
                if message.value() is not None:  # not a delete's tombstone (for log compaction)
                    changes.append((message.partition(), Change.decode(message.key(), message.value())))
                if message.offset() == ends[message.partition()] - 1:
                    del unread[message.partition()]
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

    def engine_of(self, service: str) -> sa.Engine:
        if service == "diary":
            return self.engine
        if service not in self._engines:
            self._engines[service] = db.create_engine(self.mariadb.url(self.schemas[service]))
        return self._engines[service]

    def sql_state(self) -> dict[int, dict]:
        return sql_state(self.engine_of)

    def read_model_state(self) -> dict[int, dict]:
        return read_model_state(self.read_model())

    def wait_until_projected(self) -> None:
        """Until MongoDB holds exactly what MySQL holds."""
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while (expected := self.sql_state()) != (actual := self.read_model_state()):
            for process, name in ((self.reader, "reader"), (self.projector, "projector")):
                assert process is None or process.poll() is None, f"{name} exited:\n{self.log(name)[-3000:]}"
            if time.monotonic() > deadline:
                differing = sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
                first = differing[0]
                raise AssertionError(
                    f"read model differs for diaries {differing[:20]} after {TIMEOUT_SECONDS}s; "
                    f"diary {first}: MySQL {expected.get(first)} MongoDB {actual.get(first)}"
                )
            time.sleep(0.5)

    def close(self) -> None:
        for process in (self.reader, self.projector):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        if self._mongo is not None:
            self._mongo.close()
        for engine in (self.engine, *self._engines.values()):
            engine.dispose()
