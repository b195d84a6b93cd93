"""The projector: change topics -> the MongoDB read model (read_model.py), at least once.

Changes are consumed in batches. A batch is written to MongoDB document by document, each
document's newer changes merged into one write by `_id`, and only then are its offsets committed:
a projector that dies in between consumes the batch again, and the version comparison turns what
was already written into no-ops ("stale"). While MongoDB fails, the batch waits, retried with
back-off and never committed; a stop abandons it. A write that MongoDB refuses is retried the
same way: a change is never skipped because it could not be stored (the log says why). A message
that is no change event is skipped, logged and counted; a tombstone (a key without a value,
which follows every delete for log compaction) is skipped silently.

A diary or analysis change also sets its entry in the author's summary document for the change's
partition (read_model.py), by the same rules, after the diary documents of the batch: the partition's
projector is that document's only writer too.

A document none of whose parts is left (its diary, analysis and every card deleted) is removed,
so the read model keeps nothing of a deleted diary, its author id included
(docs/account-deletion.md). Its versions go with it: a change replayed later (a batch consumed
again) re-creates only what the rest of its partition deletes again.

Partitions are assigned with the range strategy: partition N of every change topic goes to the
same projector, and the reader puts all of a diary's changes on one partition number
(`document_partition`), so one projector writes a given document. It therefore remembers the
part versions of the documents it wrote or read (`KnownVersions`, forgotten when partitions are
taken away) and compares changes with those: a document it does not know is inserted whole (the
common case: a new diary) or, when it exists, read once. (A projector that the group fenced out
while it was writing a batch could still finish that batch's writes after the next owner started:
the known limit of a Kafka consumer that writes to another store without transactions.)
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any

from confluent_kafka import Consumer, KafkaException, Message, TopicPartition
from confluent_kafka.admin import AdminClient, OffsetSpec
from prometheus_client import Counter, Gauge, Histogram
from pymongo.collection import Collection
from pymongo.errors import DuplicateKeyError, PyMongoError

from cdc_service.domain.envelope import Change
from cdc_service.domain.read_model import Merged, PartWrite, live_entries, live_parts, merge, part_write, summary_write, versions_of

log = logging.getLogger("gridam.cdc.projector")

PROJECTED = Counter(
    "gridam_cdc_projected_total",
    "Changes written to MongoDB, by table, op and outcome (applied; stale: a newer version was there)",
    ["table", "op", "outcome"],
)
INVALID = Counter("gridam_cdc_invalid_messages_total", "Messages that are no change event (skipped)", ["topic"])
END_TO_END_LAG = Histogram(
    "gridam_cdc_end_to_end_lag_seconds",
    "MySQL commit to MongoDB acknowledgement of an applied change (the commit time has second resolution)",
    buckets=(0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600),
)
CONSUMER_LAG = Gauge(
    "gridam_cdc_consumer_lag_messages", "Messages after the projector's committed offset", ["topic", "partition"]
)

# One consume() waits at most this long for a full batch (it returns at once when one is there):
# the delay a batch that is not full adds to the lag, and how soon a stop is noticed.
BATCH_WAIT_SECONDS = 0.1
LAG_REFRESH_SECONDS = 5.0
KNOWN_DOCUMENTS = 100_000  # documents whose versions are remembered (a few hundred bytes each)
FIRST_BACKOFF_SECONDS, MAX_BACKOFF_SECONDS = 0.5, 10.0  # between attempts of a failed write


class Projector:
    def __init__(
        self,
        consumer: Consumer,
        diaries: Collection[dict[str, Any]],
        authors: Collection[dict[str, Any]],
        lag: ConsumerLag,
        batch_size: int,
        stop: threading.Event,
    ) -> None:
        self.consumer = consumer
        self.diaries = diaries
        self.authors = authors
        self.lag = lag
        self.batch_size = batch_size
        self.stop = stop
        self.known = KnownVersions(KNOWN_DOCUMENTS)

    def run(self, topics: list[str]) -> None:
        self.consumer.subscribe(topics, on_revoke=self._revoked, on_lost=self._revoked)
        log.info("projecting", extra={"topics": topics})
        while not self.stop.is_set():
            messages = [m for m in self.consumer.consume(self.batch_size, BATCH_WAIT_SECONDS) if _usable(m)]
            if messages:
                changes = [decoded for m in messages if m.value() is not None and (decoded := _decode(m)) is not None]
                if not self._write(changes):
                    log.info("stopped before MongoDB acknowledged a batch: not committed")
                    return
                self._commit()
            self.lag.refresh()

    def _revoked(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # Another projector may write these partitions' documents from now on.
        self.known.clear()
        self.lag.forget(consumer, partitions)

    def _write(self, changes: Sequence[Decoded]) -> bool:
        """Write the changes, one update per document; False when stopped first."""
        documents: dict[str, list[tuple[Change, PartWrite]]] = {}
        summaries: dict[str, list[PartWrite]] = {}
        for change, write, summary in changes:
            documents.setdefault(write.document_id, []).append((change, write))
            if summary is not None:
                summaries.setdefault(summary.document_id, []).append(summary)
        # Each document once per batch: the diary documents, then the authors' summaries.
        pending: list[Callable[[], object]] = [partial(self._project, *item) for item in documents.items()]
        pending += [partial(self._store, self.authors, document, writes, live_entries) for document, writes in summaries.items()]
        backoff = FIRST_BACKOFF_SECONDS
        done = 0
        while done < len(pending):
            try:
                pending[done]()
            except PyMongoError as exc:
                log.warning(
                    "MongoDB write failed; retrying",
                    extra={"error": str(exc), "pending_documents": len(pending) - done, "retry_in_seconds": backoff},
                )
                if self.stop.wait(backoff):
                    return False
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
                self.lag.refresh()
                continue
            done += 1
            backoff = FIRST_BACKOFF_SECONDS
        return True

    def _project(self, document_id: str, changes: list[tuple[Change, PartWrite]]) -> None:
        merged = self._store(self.diaries, document_id, [write for _, write in changes], live_parts)
        applied_at = time.time()
        for (change, _), applied in zip(changes, merged.applied, strict=True):
            if applied:
                END_TO_END_LAG.observe(max(0.0, applied_at - change.commit_ts_ms / 1000))
            PROJECTED.labels(change.table, change.op, "applied" if applied else "stale").inc()

    def _store(
        self,
        collection: Collection[dict[str, Any]],
        document_id: str,
        writes: list[PartWrite],
        live: Callable[[Mapping[str, Any]], list[str]],
    ) -> Merged:
        """One write of `writes` newer than the document's versions (an insert for a new one);
        the document is removed once `live` finds no part of it left."""
        versions = self.known.get(document_id)
        while True:
            if versions is None:
                merged = merge(None, writes)
                try:
                    collection.insert_one(merged.new_document(document_id))
                    break
                except DuplicateKeyError:  # it exists: read its versions
                    stored = collection.find_one({"_id": document_id}, {"v": 1})
                    versions = versions_of(stored) if stored is not None else None
                    continue
            merged = merge(versions, writes)
            if merged.update is None or collection.update_one({"_id": document_id}, merged.update).matched_count:
                break
            versions = None  # the document went away (the collection was dropped): start over
        self.known.put(document_id, merged.versions)
        if any(write.value is None for write in writes):
            self._remove_if_empty(collection, document_id, live)
        return merged

    def _remove_if_empty(self, collection: Collection[dict[str, Any]], document_id: str, live: Callable[[Mapping[str, Any]], list[str]]) -> None:
        """Remove the document once every part of it is deleted (found by its `_id`: see
        read_model.py on FerretDB's index)."""
        document = collection.find_one({"_id": document_id})
        if document is not None and not live(document):
            collection.delete_one({"_id": document_id})  # nobody else writes it (see above)
            self.known.forget(document_id)

    def _commit(self) -> None:
        try:
            self.consumer.commit(asynchronous=False)
        except KafkaException as exc:
            # E.g. the group rebalanced while MongoDB was down: whoever owns the partitions now
            # starts from the last commit, and replaying what was written is harmless.
            log.warning("offsets not committed", extra={"error": str(exc)})


def _usable(message: Message) -> bool:
    error = message.error()
    if error is None:
        return True
    if error.fatal():
        raise KafkaException(error)
    log.warning("consumer error", extra={"error": str(error)})
    return False


Decoded = tuple[Change, PartWrite, PartWrite | None]  # a change, its diary write, its summary write


def _decode(message: Message) -> Decoded | None:
    """The change and its write, or None (logged and counted) for a message that can never be
    applied."""
    try:
        key, value = message.key(), message.value()
        if key is None or value is None:
            raise ValueError("a change event has a key and a value")
        change = Change.decode(key, value)
        write = part_write(change)
        partition = message.partition()
        if partition is None:
            raise ValueError("a consumed message has a partition")
        summary = summary_write(change, partition)
    except (ValueError, KeyError, TypeError, IndexError) as exc:
        where = {"topic": message.topic(), "partition": message.partition(), "offset": message.offset()}
        log.error("not a change event; skipped", extra={**where, "error": repr(exc)})
        INVALID.labels(message.topic()).inc()
        return None
    return change, write, summary


class KnownVersions:
    """The part versions of the documents this projector wrote or read last, the most recent
    `capacity` of them (valid while it owns their partitions: nobody else writes them)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._versions: OrderedDict[str, dict[str, int]] = OrderedDict()

    def get(self, document_id: str) -> dict[str, int] | None:
        versions = self._versions.get(document_id)
        if versions is not None:
            self._versions.move_to_end(document_id)
        return versions

    def put(self, document_id: str, versions: dict[str, int]) -> None:
        self._versions[document_id] = versions
        self._versions.move_to_end(document_id)
        if len(self._versions) > self.capacity:
            self._versions.popitem(last=False)

    def forget(self, document_id: str) -> None:
        self._versions.pop(document_id, None)

    def clear(self) -> None:
        self._versions.clear()


class ConsumerLag:
    """The consumer lag gauge of the assigned partitions: latest offset - committed offset,
    asked every LAG_REFRESH_SECONDS. The latest offsets come through an admin client: on the
    consumer's own connection the request would wait behind its long-polling fetches."""

    def __init__(self, consumer: Consumer, admin: AdminClient, timeout: float) -> None:
        self.consumer = consumer
        self.admin = admin
        self.timeout = timeout
        self.due = 0.0

    def refresh(self) -> None:
        now = time.monotonic()
        if now < self.due:
            return
        self.due = now + LAG_REFRESH_SECONDS
        partitions = [TopicPartition(p.topic, p.partition) for p in self.consumer.assignment()]
        if not partitions:
            return
        try:
            committed = self.consumer.committed(partitions, timeout=self.timeout)
            offsets = {(p.topic, p.partition): p.offset for p in committed}
            latest = self.admin.list_offsets({p: OffsetSpec.latest() for p in partitions}, request_timeout=self.timeout)
            for partition, future in latest.items():
                # Nothing committed yet (a negative offset): the group starts from the beginning.
                done = max(offsets[(partition.topic, partition.partition)], 0)
                CONSUMER_LAG.labels(partition.topic, str(partition.partition)).set(future.result().offset - done)
        except KafkaException as exc:
            log.warning("consumer lag not refreshed", extra={"error": str(exc)})

    def forget(self, _consumer: Consumer, partitions: list[TopicPartition]) -> None:
        for partition in partitions:
            try:
                CONSUMER_LAG.remove(partition.topic, str(partition.partition))
            except KeyError:  # never refreshed
                pass
