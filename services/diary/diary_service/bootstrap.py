"""Composition root of the diary service and its pipeline workers: the only place that reads settings."""

from __future__ import annotations

import asyncio
import dataclasses
import pathlib
import signal

from prometheus_client import start_http_server

from diary_service.adapters.orm import diary_jobs
from diary_service.adapters.reads import DiaryReads
from diary_service.adapters.search import ReadModelDiarySearch, SqlDiarySearch
from diary_service.adapters.timeline_heads import TimelineHeads, post_changes
from diary_service.config import DiarySettings
from diary_service.service_layer.dependencies import Dependencies, FeedDependencies, NotificationDependencies
from diary_service.service_layer.diaries import ANALYSE, CARD, COUNT, PURGE, Diaries
from diary_service.service_layer.exports import EXPORT, EXPORT_EXPIRE, ExportBuilder, ExportDependencies, Exports
from diary_service.service_layer.feed import Feed
from diary_service.service_layer.imports import ABANDONED_UPLOAD_SWEEP_SECONDS, IMPORT, ImportDependencies, ImportRunner, Imports
from diary_service.service_layer.notifications import Notifications
from diary_service.service_layer.pipeline import DiaryPipeline
from diary_service.service_layer.transfers import Transfers
from diary_service.servicer import DiaryServicer
from diary_service.unit_of_work import Announcements, UnitOfWork
from gridam.card.v2 import card_service_pb2, card_service_pb2_grpc
from gridam.diary.v1 import diary_service_pb2, diary_service_pb2_grpc
from gridam.emotion.v2 import emotion_service_pb2, emotion_service_pb2_grpc
from gridam.user.v1 import user_service_pb2, user_service_pb2_grpc
from gridam_domain.read_model import open_read_model
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from gridam_runtime.auth import Authenticator
from gridam_runtime.bootstrap import build_discovery, database_readiness
from gridam_runtime.clients import ClientFactory
from gridam_runtime.follows import FollowLists
from gridam_runtime.jobs import JobQueue, RetryPolicy, Worker
from gridam_runtime.kv import build_state, redis_client
from gridam_runtime.latest_diaries import diary_day_changes
from gridam_runtime.limits import Limiter
from gridam_runtime.periodic import every
from gridam_runtime.server import ServiceDefinition, run_server
from gridam_runtime.tokens import ServiceTokenIssuer

MIGRATIONS_DIR = pathlib.Path(__file__).resolve().parents[1] / "migrations"
SERVICE_NAME = diary_service_pb2.DESCRIPTOR.services_by_name["DiaryService"].full_name
EMOTION_SERVICE = emotion_service_pb2.DESCRIPTOR.services_by_name["EmotionService"]
CARD_SERVICE = card_service_pb2.DESCRIPTOR.services_by_name["CardService"]
USER_SERVICE = user_service_pb2.DESCRIPTOR.services_by_name["UserService"]
DISCOVERY_NAME = "gridam-diary"


def migrate(settings: DiarySettings) -> None:
    db.migrate(MIGRATIONS_DIR, settings.database)


def _job_queue(settings: DiarySettings) -> JobQueue:
    # Forgetting a deleted diary, what a user asked to take or bring, and an author's diary count
    # (else wrong until their next diary: the soak parked one while the user service was down for
    # minutes; it sets the count as of its job, so retrying is harmless) never give up.
    policy = dataclasses.replace(
        RetryPolicy.from_settings(settings), never_parked=frozenset({PURGE, COUNT, EXPORT, EXPORT_EXPIRE, IMPORT})
    )
    return JobQueue(diary_jobs, policy)


async def serve(settings: DiarySettings) -> None:
    engine = db.create_engine(settings.database)
    read_engine = db.create_engine(settings.database, autocommit=True)
    read_connections = db.HeldReadConnections(read_engine)
    plain_reads = DiaryReads(read_connections)
    limits, revocations, redis_client = build_state(settings.redis_url, settings.data_dir)
    limiter = Limiter(limits)
    sessions = db.session_factory(engine)
    read_sessions = db.session_factory(read_engine)
    jobs = _job_queue(settings)

    timeline_heads = (
        TimelineHeads(redis_client, max_readers=settings.timeline_cached_readers).start()
        if redis_client is not None and settings.timeline_cached_readers
        else None
    )
    announcements = Announcements(posts=post_changes(redis_client, timeline_heads), diary_days=diary_day_changes(redis_client))

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions, jobs, announcements)

    def reads() -> UnitOfWork:
        return UnitOfWork(read_sessions, jobs)

    read_model = open_read_model(settings)
    follow_lists = FollowLists(redis_client).start() if redis_client is not None else None
    deps = Dependencies(
        settings=settings,
        uow=uow,
        plain=plain_reads,
        # The use cases ask it for the calling user only; which services may call which method is
        # the call chain's check (the access options), with its own authenticator (gridam_runtime.server).
        authenticator=Authenticator.for_service(settings, revocations, service_callers=()),
        storage=LocalFolderStorage(settings.media_root),
        search=ReadModelDiarySearch(read_model[1], settings.cdc_topic_partitions) if read_model else SqlDiarySearch(reads),
        limiter=limiter,
    )

    # Its own discovery instance: the factory closes it, run_server closes the registering one.
    factory = ClientFactory.from_settings(settings)
    feed = Feed(
        FeedDependencies(
            settings=settings,
            uow=deps.uow,
            reads=reads,
            plain=plain_reads,
            authenticator=deps.authenticator,
            users=factory.client("gridam-user", user_service_pb2_grpc.UserServiceStub, USER_SERVICE),
            cards=factory.client("gridam-card", card_service_pb2_grpc.CardServiceStub, CARD_SERVICE),
            limiter=limiter,
            service_tokens=ServiceTokenIssuer.from_keys_dir(settings.keys_dir, DISCOVERY_NAME),
            follow_lists=follow_lists,
            timeline_heads=timeline_heads,
        )
    )

    async def cleanup() -> None:
        await factory.close()
        if read_model is not None:
            read_model[0].close()
        revocations.close()
        if follow_lists is not None:
            follow_lists.close()
        if timeline_heads is not None:
            timeline_heads.close()
        if redis_client is not None:
            redis_client.close()
        engine.dispose()
        read_connections.close()
        read_engine.dispose()

    imports = Imports(ImportDependencies(deps.uow, deps.authenticator, deps.storage, settings.time_zone))
    await run_server(
        settings,
        ServiceDefinition(
            DISCOVERY_NAME,
            SERVICE_NAME,
            diary_service_pb2_grpc.add_DiaryServiceServicer_to_server,
            DiaryServicer(
                Diaries(deps),
                feed,
                Notifications(NotificationDependencies(deps.uow, plain_reads, deps.authenticator)),
                Transfers(Exports(ExportDependencies(deps.uow, deps.authenticator)), imports),
            ),
        ),
        build_discovery(settings),
        ready=database_readiness(engine, redis_client),
        cleanup=cleanup,
        background=[every(ABANDONED_UPLOAD_SWEEP_SECONDS, imports.sweep_abandoned_uploads)],
    )


async def work(settings: DiarySettings) -> None:
    """Run pipeline workers until SIGTERM/SIGINT, letting the jobs in flight finish (a killed
    worker's jobs are taken again when their leases run out)."""
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.grpc_host)
    engine = db.create_engine(settings.database)
    sessions = db.session_factory(engine)
    jobs = _job_queue(settings)
    factory = ClientFactory.from_settings(settings, settings.job_call_timeout_seconds)
    emotion = factory.client("gridam-emotion", emotion_service_pb2_grpc.EmotionServiceStub, EMOTION_SERVICE)
    cards = factory.client("gridam-card", card_service_pb2_grpc.CardServiceStub, CARD_SERVICE)
    # The purge deletes posts shared in the moment their diary was deleted, and imports write
    # diaries: the copies kept of them hear of it.
    redis_for_changes = redis_client(settings.redis_url)
    announcements = Announcements(posts=post_changes(redis_for_changes), diary_days=diary_day_changes(redis_for_changes))

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions, jobs, announcements)

    storage = LocalFolderStorage(settings.media_root)
    service_tokens = ServiceTokenIssuer.from_keys_dir(settings.keys_dir, DISCOVERY_NAME)
    pipeline = DiaryPipeline(
        uow=uow,
        jobs=jobs,
        emotion=emotion,
        cards=cards,
        users=factory.client("gridam-user", user_service_pb2_grpc.UserServiceStub, USER_SERVICE),
        storage=storage,
        service_tokens=service_tokens,
    )
    exports = ExportBuilder(uow, jobs, emotion, cards, storage, service_tokens, int(settings.export_ttl_hours * 3600))
    imports = ImportRunner(uow, jobs, emotion, cards, storage, service_tokens, settings.time_zone)
    worker = Worker(
        engine,
        jobs,
        {
            ANALYSE: pipeline.analyse,
            CARD: pipeline.card,
            COUNT: pipeline.count,
            PURGE: pipeline.purge,
            EXPORT: exports.build,
            EXPORT_EXPIRE: exports.expire,
            IMPORT: imports.run,
        },
        concurrency=settings.worker_concurrency,
        poll_seconds=settings.worker_poll_seconds,
        on_parked=pipeline.job_parked,
    )
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await worker.run(stop)
    finally:
        await factory.close()
        if redis_for_changes is not None:
            redis_for_changes.close()
        engine.dispose()
