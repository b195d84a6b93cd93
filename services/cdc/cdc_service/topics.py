"""The CDC topics, created on first use by whichever deployable starts first."""

from __future__ import annotations

import logging
import time

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from cdc_service.config import CdcSettings

log = logging.getLogger("gridam.cdc")

ADMIN_TIMEOUT_SECONDS = 30


def ensure_topics(settings: CdcSettings) -> None:
    """The change topics (partitioned by row key) and the reader's position topic (one
    partition, compacted: only its latest record matters)."""
    wanted = [NewTopic(settings.topic(schema, table), settings.cdc_topic_partitions, 1) for schema, table in settings.tables]
    wanted.append(NewTopic(settings.position_topic, 1, 1, config={"cleanup.policy": "compact"}))
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers})
    for topic, future in admin.create_topics(wanted, request_timeout=ADMIN_TIMEOUT_SECONDS).items():
        try:
            future.result(ADMIN_TIMEOUT_SECONDS)
            log.info("topic created", extra={"topic": topic})
        except KafkaException as exc:
            if exc.args[0].code() != KafkaError.TOPIC_ALREADY_EXISTS:
                raise
    _wait_for_leaders(admin, [topic.topic for topic in wanted])


def _wait_for_leaders(admin: AdminClient, topics: list[str]) -> None:
    """A topic just created answers NOT_LEADER until its partitions have a leader."""
    deadline = time.monotonic() + ADMIN_TIMEOUT_SECONDS
    while True:
        metadata = admin.list_topics(timeout=ADMIN_TIMEOUT_SECONDS).topics
        if all(
            name in metadata and metadata[name].error is None and all(p.leader >= 0 for p in metadata[name].partitions.values())
            for name in topics
        ):
            return
        if time.monotonic() > deadline:
            raise KafkaException(f"no leader for some of {topics} after {ADMIN_TIMEOUT_SECONDS}s")
        time.sleep(0.2)
