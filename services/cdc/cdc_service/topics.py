"""Kafka topics of the CDC pipeline, created up front so that either deployable can start
first (the broker does not create topics on use)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from cdc_service.config import CdcSettings

log = logging.getLogger("gridam.cdc.topics")


def change_topics(settings: CdcSettings) -> list[NewTopic]:
    """One topic per captured table; the replication factor is the broker's default."""
    return [
        NewTopic(settings.topic(schema, table), num_partitions=settings.cdc_topic_partitions)
        for schema, table in settings.tables
    ]


def ensure_topics(settings: CdcSettings, topics: Iterable[NewTopic]) -> None:
    """Create the topics that do not exist yet (existing ones are left as they are)."""
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    futures = admin.create_topics(list(topics), request_timeout=settings.call_timeout_seconds)
    for name, future in futures.items():
        try:
            future.result()
            log.info("topic created", extra={"topic": name})
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
