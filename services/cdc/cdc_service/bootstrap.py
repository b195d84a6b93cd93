"""Composition root of the two CDC deployables: each builds only its own clients, so the reader
imports no MongoDB driver and the projector no binlog client."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from prometheus_client import start_http_server

from cdc_service.config import CdcSettings
from cdc_service.domain.read_model import require_projections

log = logging.getLogger("gridam.cdc")


def _start(settings: CdcSettings) -> None:
    require_projections(table for _, table in settings.tables)
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.metrics_host)


def run_reader(settings: CdcSettings) -> None:
    """`python -m cdc_service reader`: MariaDB binlog -> Kafka until SIGTERM/SIGINT."""
    from cdc_service.service_layer.reader import KafkaPublisher, Reader

    _start(settings)
    reader = Reader(settings, KafkaPublisher(settings))

    def stop(_signum: int, _frame: FrameType | None) -> None:
        reader.stopping = True  # seen at the next transaction boundary or heartbeat

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    reader.run()
    log.info("reader stopped")


def run_projector(settings: CdcSettings) -> None:
    """`python -m cdc_service projector`: project until SIGTERM/SIGINT."""
    from confluent_kafka import Consumer
    from confluent_kafka.admin import AdminClient
    from pymongo import MongoClient

    from cdc_service.adapters.topics import change_topics, ensure_topics
    from cdc_service.service_layer.projector import ConsumerLag, Projector
    from gridam_domain.read_model import AUTHORS_COLLECTION
    from gridam_domain.read_model import COLLECTION as READ_MODEL_COLLECTION

    _start(settings)
    topics = change_topics(settings)
    ensure_topics(settings, topics)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    timeout_ms = int(settings.call_timeout_seconds * 1000)
    mongo: MongoClient[dict[str, Any]] = MongoClient(
        settings.analytics_mongodb_url,
        serverSelectionTimeoutMS=timeout_ms,
        connectTimeoutMS=timeout_ms,
        socketTimeoutMS=timeout_ms,
        appname="gridam-cdc-projector",
    )
    consumer = Consumer(
        {
            "bootstrap.servers": settings.kafka_bootstrap_servers,
            "group.id": settings.cdc_projector_group,
            "client.id": "gridam-cdc-projector",
            "enable.auto.commit": False,
            "auto.offset.reset": "earliest",
            "session.timeout.ms": int(settings.cdc_projector_session_timeout_seconds * 1000),
            # Partition N of every change topic to the same member: all of a document's changes.
            "partition.assignment.strategy": "range",
        }
    )
    admin = AdminClient({"bootstrap.servers": settings.kafka_bootstrap_servers, "client.id": "gridam-cdc-projector"})
    lag = ConsumerLag(consumer, admin, settings.call_timeout_seconds)
    database = mongo[settings.analytics_mongodb_database]
    projector = Projector(consumer, database[READ_MODEL_COLLECTION], database[AUTHORS_COLLECTION], lag, settings.cdc_projector_batch, stop)
    try:
        projector.run([topic.topic for topic in topics])
    finally:
        consumer.close()  # leaves the group at once; commits nothing (auto commit is off)
        mongo.close()
        log.info("projector stopped")
