"""Kafka topics of the CDC pipeline, created up front so that either deployable can start
first (the broker does not create topics on use)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from cdc_service.config import CdcSettings

log = logging.getLogger("gridam.cdc.topics")

LEADER_TIMEOUT_SECONDS = 30


def change_topics(settings: CdcSettings) -> list[NewTopic]:
    """One topic per captured table; the replication factor is the broker's default. Compacted:
    only the latest value of each row's key is kept, and a deleted row's tombstone (reader.py)
    leaves none of its values behind (docs/account-deletion.md)."""
    return [
        NewTopic(settings.topic(schema, table), num_partitions=settings.cdc_topic_partitions, config={"cleanup.policy": "compact"})
        for schema, table in settings.tables
    ]


def position_topic(settings: CdcSettings) -> NewTopic:
    """The reader's position: one partition, compacted (only its latest record matters)."""
    return NewTopic(settings.position_topic, num_partitions=1, config={"cleanup.policy": "compact"})


def ensure_topics(settings: CdcSettings, topics: Iterable[NewTopic]) -> dict[str, int]:
    """Create the topics that do not exist yet (existing ones are left as they are), wait until
    every partition has a leader (a topic just created answers NOT_LEADER until then), and
    return each topic's partition count."""
    topics = list(topics)
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    futures = admin.create_topics(topics, request_timeout=settings.call_timeout_seconds)
    for name, future in futures.items():
        try:
            future.result()
            log.info("topic created", extra={"topic": name})
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
    names = [topic.topic for topic in topics]
    deadline = time.monotonic() + LEADER_TIMEOUT_SECONDS
    while True:
        metadata = admin.list_topics(timeout=settings.call_timeout_seconds).topics
        if all(
            name in metadata and metadata[name].error is None and all(p.leader >= 0 for p in metadata[name].partitions.values())
            for name in names
        ):
            return {name: len(metadata[name].partitions) for name in names}
        if time.monotonic() > deadline:
            raise KafkaException(f"no leader for some of {names} after {LEADER_TIMEOUT_SECONDS}s")
        time.sleep(0.2)
