"""The CDC reader (`python -m cdc_service reader`, one replica): MariaDB binlog -> Kafka.

1. Position: the last record of the compacted `<prefix>.reader-position` topic, saved only
   after Kafka acknowledged every change before it (so a restart can repeat changes, never skip
   one; the projector's version guard makes repeats harmless).
2. No position, other tables than last time, or a position whose binlog was purged: a
   consistent snapshot first. `START TRANSACTION WITH CONSISTENT SNAPSHOT` gives MariaDB's
   binlog coordinates of exactly that snapshot (`binlog_snapshot_file/position`), turned into a
   GTID with BINLOG_GTID_POS; every row is published as op "r", then the position is saved.
3. Streaming (mysql-replication, MariaDB GTID mode) from that GTID: each row change is
   published as it is read, keyed by primary key, a delete followed by a tombstone (the key
   with no value), so the compacted topic drops every earlier value of the row; the position is saved at a transaction
   boundary (XID) at most every `cdc_position_interval_seconds`, and on the server's idle
   heartbeats. With `binlog_row_metadata=FULL` each row event names its columns, so an added
   column simply appears in the following events.

MariaDB unreachable (refused, lost, shutting down: CONNECTION_LOST) is waited out in the process:
it tries again with a back-off and resumes as a restart would, from the saved position (after the
snapshot that position calls for, if any). Any other error (Kafka gone for longer than the
producer's retries) ends the process with a non-zero status: its supervisor restarts it and it
resumes from the saved position.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import orjson
import pymysql
from confluent_kafka import Consumer, KafkaError, KafkaException, Message, Producer, TopicPartition
from prometheus_client import Counter, Gauge
from pymysqlreplication import BinLogStreamReader
from pymysqlreplication.event import HeartbeatLogEvent, MariadbGtidEvent, XidEvent
from pymysqlreplication.row_event import DeleteRowsEvent, UpdateRowsEvent, WriteRowsEvent

from cdc_service.adapters.topics import change_topics, ensure_topics, position_topic
from cdc_service.config import CdcSettings
from cdc_service.domain.envelope import CREATE, DELETE, READ, UPDATE, Change, gtid_seq, json_row
from cdc_service.domain.read_model import document_partition
from gridam_runtime.backoff import Backoff

log = logging.getLogger("gridam.cdc")

PUBLISHED = Counter("gridam_cdc_published_total", "Row changes published to Kafka", ["table", "op"])
POSITION_SEQ = Gauge("gridam_cdc_reader_position_seq", "GTID sequence number of the last saved reader position")
POSITION_SAVED_AT = Gauge(
    "gridam_cdc_reader_position_saved_timestamp_seconds",
    "When the reader last saved its position, or last found the saved one current while idle",
)
LAST_COMMIT = Gauge("gridam_cdc_reader_last_commit_timestamp_seconds", "MySQL commit time of the last change read")
SNAPSHOTS = Counter("gridam_cdc_snapshots_total", "Consistent snapshots taken", ["reason"])
MYSQL_RETRIES = Counter("gridam_cdc_reader_mysql_retries_total", "Times the reader lost MariaDB and tried again")

ER_MASTER_FATAL_ERROR_READING_BINLOG = 1236  # e.g. the requested GTID was purged
FLUSH_TIMEOUT_SECONDS = 60
# MySQL client and server error codes of a MariaDB that cannot be reached or went away: can't
# connect (2003), gone away (2006), lost during a query (2013, 2055), shutting down (1053),
# connection killed (1927, e.g. by a restart).
CONNECTION_LOST = frozenset({2003, 2006, 2013, 2055, 1053, 1927})
RETRY_MIN_SECONDS = 0.5
RETRY_MAX_SECONDS = 10.0


class PositionPurged(Exception):
    """The binlog no longer holds the saved position: only a new snapshot can continue."""


@dataclass(frozen=True)
class Position:
    """Where streaming (re)starts. While a snapshot is being published, `complete` is False and
    `gtid` is where the interrupted snapshot started (see Reader.snapshot)."""

    gtid: str
    tables: tuple[str, ...]
    complete: bool = True

    def encode(self) -> bytes:
        return orjson.dumps({"gtid": self.gtid, "tables": list(self.tables), "complete": self.complete})


class KafkaPublisher:
    """An idempotent producer (acks=all, in order per partition, no duplicates from its own
    retries) and the position topic."""

    def __init__(self, settings: CdcSettings) -> None:
        self._settings = settings
        self._producer = Producer(
            {
                "bootstrap.servers": settings.kafka_bootstrap_servers,
                "enable.idempotence": True,
                "acks": "all",
                "linger.ms": 5,
                "compression.type": "lz4",
            }
        )
        self._error: Exception | None = None
        self.saved: Position | None = None  # what Kafka holds: load_position's, then save_position's
        # Of each change topic (Reader.run checks that they have as many).
        self.partitions = settings.cdc_topic_partitions

    def _delivered(self, error: KafkaError | None, _message: Message) -> None:
        if error is not None and self._error is None:
            self._error = KafkaException(error)

    def publish(self, change: Change) -> None:
        """The change; after a delete, the row's tombstone on the same partition (a deleted
        diary's text must not outlive it in the topic: docs/account-deletion.md)."""
        key, value = change.encode()
        topic = self._settings.topic(change.db, change.table)
        partition = document_partition(change, self.partitions)
        for record in (value, None) if change.op == DELETE else (value,):
            while True:
                try:
                    self._producer.produce(topic, record, key, partition=partition, on_delivery=self._delivered)
                    break
                except BufferError:  # the local queue is full: let deliveries drain it
                    self._producer.poll(0.1)
        self._producer.poll(0)
        PUBLISHED.labels(f"{change.db}.{change.table}", change.op).inc()

    def flush(self) -> None:
        """Wait until Kafka acknowledged everything produced so far (or raise)."""
        if self._producer.flush(FLUSH_TIMEOUT_SECONDS) > 0:
            raise KafkaException(f"Kafka did not acknowledge within {FLUSH_TIMEOUT_SECONDS}s")
        if self._error is not None:
            raise self._error

    def save_position(self, position: Position) -> None:
        self.flush()
        self._producer.produce(self._settings.position_topic, position.encode(), b"reader", on_delivery=self._delivered)
        self.flush()
        self.saved = position
        POSITION_SEQ.set(gtid_seq(position.gtid))
        POSITION_SAVED_AT.set_to_current_time()

    def load_position(self) -> Position | None:
        """The last saved position: the last record of the one-partition position topic (also `saved`)."""
        consumer = Consumer(
            {"bootstrap.servers": self._settings.kafka_bootstrap_servers, "group.id": "gridam-cdc-reader-position", "enable.auto.commit": False}
        )
        try:
            partition = TopicPartition(self._settings.position_topic, 0)
            low, high = _watermarks(consumer, partition)
            if high <= low:
                return None
            partition.offset = high - 1
            consumer.assign([partition])
            while True:
                message = consumer.poll(30)
                if message is None:
                    raise KafkaException("the reader position could not be read")
                if message.error() is None:
                    value = message.value()
                    if value is None:
                        raise KafkaException("the reader position record is empty")
                    saved = orjson.loads(value)
                    self.saved = Position(saved["gtid"], tuple(saved["tables"]), saved.get("complete", True))
                    return self.saved
        finally:
            consumer.close()


class Reader:
    def __init__(self, settings: CdcSettings, publisher: KafkaPublisher) -> None:
        self._settings = settings
        self._publisher = publisher
        self._tables = tuple(f"{schema}.{table}" for schema, table in settings.tables)
        self.stopping = False
        self._backoff = Backoff(RETRY_MIN_SECONDS, RETRY_MAX_SECONDS)

    def _connect(self) -> pymysql.Connection:
        arguments = self._settings.mysql_connection()
        arguments["password"] = arguments.pop("passwd")
        return pymysql.connect(**arguments)

    def _primary_keys(self, connection: pymysql.Connection) -> dict[str, list[str]]:
        keys: dict[str, list[str]] = {}
        with connection.cursor() as cursor:
            for schema, table in self._settings.tables:
                cursor.execute(f"SHOW KEYS FROM `{schema}`.`{table}` WHERE Key_name = 'PRIMARY'")
                keys[f"{schema}.{table}"] = [row[4] for row in sorted(cursor.fetchall(), key=lambda row: row[3])]
        return keys

    def snapshot(self, reason: str, replay_from: str | None = None) -> Position:
        """Publish every row of the captured tables as of one consistent moment, and return
        where streaming continues: the GTID that moment corresponds to, or `replay_from`.

        A snapshot says nothing of rows that no longer exist. So before publishing rows it saves
        an incomplete position at its GTID: if it is interrupted, the next one (`replay_from` =
        that GTID) is followed by streaming from there, which publishes the deletes of the rows
        the interrupted snapshot published (the changes between the two snapshots have smaller
        versions than the new snapshot's rows, so for rows that still exist they are stale)."""
        log.info("snapshot started", extra={"reason": reason, "tables": list(self._tables)})
        SNAPSHOTS.labels(reason).inc()
        connection = self._connect()
        try:
            keys = self._primary_keys(connection)
            with connection.cursor() as cursor:
                cursor.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT")
                cursor.execute("SHOW STATUS LIKE 'binlog_snapshot_%'")
                status = {name.lower(): value for name, value in cursor.fetchall()}
                cursor.execute(
                    "SELECT BINLOG_GTID_POS(%s, %s), @@server_id",
                    (status["binlog_snapshot_file"], int(status["binlog_snapshot_position"])),
                )
                gtid, server_id = _one(cursor)
            gtid = _last_gtid(gtid) or f"0-{server_id}-0"  # no transaction ever binlogged
            resume = replay_from or gtid
            self._publisher.save_position(Position(resume, self._tables, complete=False))
            now_ms = int(time.time() * 1000)
            rows = 0
            for schema, table in self._settings.tables:
                with connection.cursor(pymysql.cursors.SSDictCursor) as cursor:
                    cursor.execute(f"SELECT * FROM `{schema}`.`{table}`")
                    for row in cursor:
                        values = json_row(row)
                        key = {column: values[column] for column in keys[f"{schema}.{table}"]}
                        self._publisher.publish(Change(READ, schema, table, key, None, values, gtid, 0, now_ms))
                        rows += 1
            connection.commit()
        finally:
            connection.close()
        position = Position(resume, self._tables)
        self._publisher.save_position(position)
        log.info("snapshot done", extra={"rows": rows, "gtid": gtid, "stream_from": resume})
        return position

    def _snapshot_again(self, previous: Position, reason: str) -> Position:
        """A snapshot was interrupted, or the captured tables changed: take one, then stream from
        the previous position, so that the rows deleted since then are published as deleted (or,
        when the binlog no longer holds that position, from the new snapshot: documents of rows
        deleted in between then stay in the read model)."""
        try:
            self._check_not_purged(previous)
        except PositionPurged:
            log.warning("previous position purged: deletes since then are lost", extra={"gtid": previous.gtid, "reason": reason})
            return self.snapshot(reason)
        return self.snapshot(reason, replay_from=previous.gtid)

    def _check_not_purged(self, position: Position) -> None:
        """The oldest binlog's starting GTID must not be past the saved one."""
        connection = self._connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SHOW BINARY LOGS")
                oldest = _one(cursor)[0]
                cursor.execute("SELECT BINLOG_GTID_POS(%s, 4)", (oldest,))
                start = _last_gtid(_one(cursor)[0] or "")
        finally:
            connection.close()
        if start and gtid_seq(start) > gtid_seq(position.gtid):
            raise PositionPurged(f"saved {position.gtid}, oldest binlog starts after {start}")

    def stream(self, position: Position) -> None:
        """Publish row changes from `position` on until `stopping`."""
        tables = set(self._tables)
        stream = BinLogStreamReader(
            connection_settings=self._settings.mysql_connection(),
            server_id=self._settings.cdc_server_id,
            is_mariadb=True,
            auto_position=position.gtid,
            blocking=True,
            resume_stream=True,
            slave_heartbeat=self._settings.cdc_heartbeat_seconds,
            only_events=[MariadbGtidEvent, XidEvent, HeartbeatLogEvent, WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent],
            only_schemas=sorted({schema for schema, _ in self._settings.tables}),
        )
        # `completed`: the last transaction read to its commit; `saved`: the position in Kafka.
        saved = completed = position
        saved_at, gtid, index = time.monotonic(), position.gtid, 0
        log.info("streaming", extra={"gtid": position.gtid})
        try:
            for event in stream:
                if isinstance(event, MariadbGtidEvent):
                    gtid, index = event.gtid, 0
                elif isinstance(event, (WriteRowsEvent, UpdateRowsEvent, DeleteRowsEvent)):
                    if f"{event.schema}.{event.table}" not in tables:
                        continue
                    commit_ms = event.timestamp * 1000
                    LAST_COMMIT.set(event.timestamp)
                    for row in event.rows:
                        index += 1
                        self._publisher.publish(_change(event, row, gtid, index, commit_ms))
                else:  # a commit (XID) or an idle heartbeat: a transaction boundary
                    self._backoff.reset()  # connected and reading again
                    if isinstance(event, XidEvent):
                        completed = Position(gtid, self._tables)
                    idle = isinstance(event, HeartbeatLogEvent)
                    if completed != saved and (idle or time.monotonic() - saved_at >= self._settings.cdc_position_interval_seconds):
                        self._publisher.save_position(completed)
                        saved, saved_at = completed, time.monotonic()
                    elif idle:  # caught up: the saved position is current (the stall alert watches this)
                        POSITION_SAVED_AT.set_to_current_time()
                    if self.stopping:
                        return
        except pymysql.err.OperationalError as exc:
            if exc.args and exc.args[0] == ER_MASTER_FATAL_ERROR_READING_BINLOG:
                raise PositionPurged(str(exc)) from exc
            raise
        finally:
            stream.close()

    def run(self) -> None:
        changes = change_topics(self._settings)
        partitions = ensure_topics(self._settings, [*changes, position_topic(self._settings)])
        counts = {partitions[topic.topic] for topic in changes}
        if len(counts) != 1:
            # A diary's changes go to the same partition number of every change topic.
            raise RuntimeError(f"the change topics have different partition counts: {partitions}")
        self._publisher.partitions = counts.pop()
        self._publisher.load_position()
        purged = False
        while not self.stopping:
            try:
                self.stream(self._start_position(self._publisher.saved, purged))
                purged = False
            except PositionPurged:
                log.warning("position purged while streaming", exc_info=True)
                purged = True
            except pymysql.err.OperationalError as exc:
                if not exc.args or exc.args[0] not in CONNECTION_LOST:
                    raise
                delay = self._backoff.next()
                MYSQL_RETRIES.inc()
                saved = self._publisher.saved
                log.warning(
                    "MariaDB unreachable: trying again",
                    extra={"error": str(exc), "retry_in_seconds": delay, "resume_from": saved.gtid if saved else None},
                )
                self._wait(delay)

    def _start_position(self, saved: Position | None, purged: bool) -> Position:
        """Where streaming starts from `saved`: there, or after the snapshot it calls for (none
        saved yet, other tables, a snapshot interrupted, or its binlog purged)."""
        if saved is None:
            return self.snapshot("initial")
        if saved.tables != self._tables:
            return self._snapshot_again(saved, "tables changed")
        if not saved.complete:
            return self._snapshot_again(saved, "snapshot interrupted")
        if not purged:
            try:
                self._check_not_purged(saved)
                return saved
            except PositionPurged:
                log.warning("saved position purged from the binlog", extra={"gtid": saved.gtid})
        return self.snapshot("position purged")

    def _wait(self, seconds: float) -> None:
        """Sleep, but return at once when asked to stop (the signal handler sets `stopping`)."""
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.1, seconds))


def _watermarks(consumer: Consumer, partition: TopicPartition) -> tuple[int, int]:
    """Retried while the client's view of a newly created topic catches up (NOT_LEADER)."""
    deadline = time.monotonic() + FLUSH_TIMEOUT_SECONDS
    while True:
        try:
            return consumer.get_watermark_offsets(partition, timeout=10)
        except KafkaException as exc:
            if not exc.args[0].retriable() and exc.args[0].code() != KafkaError.NOT_LEADER_FOR_PARTITION:
                raise
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


def _last_gtid(gtid_list: str) -> str:
    """BINLOG_GTID_POS gives one GTID per domain; GriDam runs one domain (see envelope)."""
    return gtid_list.split(",")[-1].strip()


def _one(cursor: pymysql.cursors.Cursor) -> tuple[Any, ...]:
    """The row a statement that always gives one (SHOW, SELECT of functions) gave."""
    row = cursor.fetchone()
    if row is None:
        raise pymysql.err.InterfaceError("the statement returned no row")
    return row


def _change(event: Any, row: dict[str, Any], gtid: str, index: int, commit_ms: int) -> Change:
    """The change of one row of a rows event (mysql-replication's, untyped)."""
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    values: dict[str, Any]  # the row as it is after the change, or was before a delete
    if isinstance(event, WriteRowsEvent):
        op = CREATE
        after = values = json_row(row["values"])
    elif isinstance(event, UpdateRowsEvent):
        op = UPDATE
        before, after = json_row(row["before_values"]), json_row(row["after_values"])
        values = after
    else:
        op = DELETE
        before = values = json_row(row["values"])
    primary = event.primary_key
    columns = primary if isinstance(primary, (tuple, list)) else (primary,)
    return Change(op, event.schema, event.table, {column: values[column] for column in columns}, before, after, gtid, index, commit_ms)

