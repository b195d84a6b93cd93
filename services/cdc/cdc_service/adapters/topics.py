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

BROKER_READY_TIMEOUT_SECONDS = 30

# What a broker that is starting (or whose controller is being elected) answers. librdkafka
# does not flag its own local time-out retriable, so the codes are listed.
_BROKER_NOT_READY = {
    KafkaError._TIMED_OUT,
    KafkaError._TRANSPORT,
    KafkaError._ALL_BROKERS_DOWN,
    KafkaError.NOT_CONTROLLER,
    KafkaError.REQUEST_TIMED_OUT,
}


def _worth_waiting(exc: KafkaException, deadline: float) -> bool:
    """Whether the admin call's error is a broker not ready yet, with time left to wait for it."""
    error = exc.args[0]
    return (error.retriable() or error.code() in _BROKER_NOT_READY) and time.monotonic() <= deadline


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
    return each topic's partition count.

    A broker that is still starting answers with retriable errors ("waiting for controller"):
    they are waited out, within BROKER_READY_TIMEOUT_SECONDS, so that a process started together
    with Kafka does not exit."""
    topics = list(topics)
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    deadline = time.monotonic() + BROKER_READY_TIMEOUT_SECONDS
    missing = topics
    while missing:
        futures = admin.create_topics(missing, request_timeout=settings.call_timeout_seconds)
        retry = []
        for topic in missing:
            try:
                futures[topic.topic].result()
                log.info("topic created", extra={"topic": topic.topic})
            except KafkaException as exc:
                error = exc.args[0]
                if error.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                    continue
                if not _worth_waiting(exc, deadline):
                    raise
                log.warning("broker not ready, retrying", extra={"topic": topic.topic, "error": error.str()})
                retry.append(topic)
        missing = retry
        if missing:
            time.sleep(0.5)
    names = [topic.topic for topic in topics]
    while True:
        try:
            metadata = admin.list_topics(timeout=settings.call_timeout_seconds).topics
        except KafkaException as exc:
            if not _worth_waiting(exc, deadline):
                raise
            metadata = {}
        if all(
            name in metadata and metadata[name].error is None and all(p.leader >= 0 for p in metadata[name].partitions.values())
            for name in names
        ):
            return {name: len(metadata[name].partitions) for name in names}
        if time.monotonic() > deadline:
            raise KafkaException(f"no leader for some of {names} after {BROKER_READY_TIMEOUT_SECONDS}s")
        time.sleep(0.2)
