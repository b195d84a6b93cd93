"""Composition root of the card service: the only place that reads settings."""

from __future__ import annotations

import pathlib

from card_service.adapters.reads import CardReads
from card_service.config import CardSettings
from card_service.service_layer.cards import Cards
from card_service.service_layer.dependencies import Dependencies
from card_service.servicer import CardServicer, CardV1Servicer
from card_service.unit_of_work import UnitOfWork
from gridam.card.v1 import card_service_pb2 as v1
from gridam.card.v1 import card_service_pb2_grpc as v1_grpc
from gridam.card.v2 import card_service_pb2, card_service_pb2_grpc
from gridam.diary.v1 import diary_service_pb2, diary_service_pb2_grpc
from gridam.emotion.v2 import emotion_service_pb2, emotion_service_pb2_grpc
from gridam.imagegen.v2 import imagegen_service_pb2, imagegen_service_pb2_grpc
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from gridam_runtime.auth import Authenticator
from gridam_runtime.bootstrap import build_discovery, database_readiness
from gridam_runtime.clients import ClientFactory
from gridam_runtime.kv import build_state
from gridam_runtime.latest_diaries import LatestDiaries
from gridam_runtime.limits import Limiter
from gridam_runtime.periodic import every, marker_sweep_seconds
from gridam_runtime.server import Contract, ServiceDefinition, run_server
from gridam_runtime.tokens import ServiceTokenIssuer

MIGRATIONS_DIR = pathlib.Path(__file__).resolve().parents[1] / "migrations"
SERVICE_NAME = card_service_pb2.DESCRIPTOR.services_by_name["CardService"].full_name
V1_SERVICE_NAME = v1.DESCRIPTOR.services_by_name["CardService"].full_name  # for one release: docs/protos.md
EMOTION_SERVICE = emotion_service_pb2.DESCRIPTOR.services_by_name["EmotionService"]
DIARY_SERVICE = diary_service_pb2.DESCRIPTOR.services_by_name["DiaryService"]
IMAGEGEN_SERVICE = imagegen_service_pb2.DESCRIPTOR.services_by_name["ImageGenService"]
DISCOVERY_NAME = "gridam-card"


def migrate(settings: CardSettings) -> None:
    db.migrate(MIGRATIONS_DIR, settings.database)


async def serve(settings: CardSettings) -> None:
    engine = db.create_engine(settings.database)
    read_engine = db.create_engine(settings.database, autocommit=True)
    read_connections = db.HeldReadConnections(read_engine)
    limits, revocations, redis_client = build_state(settings.redis_url, settings.data_dir)
    sessions = db.session_factory(engine)
    latest_diaries = LatestDiaries(redis_client).start() if redis_client is not None else None
    # Its own discovery instance: the factory closes it, run_server closes the registering one.
    factory = ClientFactory.from_settings(settings)
    deps = Dependencies(
        settings=settings,
        uow=lambda: UnitOfWork(sessions),
        plain=CardReads(read_connections),
        # The use cases ask it for the calling user only; which services may call which method is
        # the call chain's check (the access options), with its own authenticator (gridam_runtime.server).
        authenticator=Authenticator.for_service(settings, revocations, service_callers=()),
        storage=LocalFolderStorage(settings.media_root),
        emotion=factory.client("gridam-emotion", emotion_service_pb2_grpc.EmotionServiceStub, EMOTION_SERVICE),
        diaries=factory.client("gridam-diary", diary_service_pb2_grpc.DiaryServiceStub, DIARY_SERVICE),
        imagegen=factory.client("gridam-imagegen", imagegen_service_pb2_grpc.ImageGenServiceStub, IMAGEGEN_SERVICE),
        service_tokens=ServiceTokenIssuer.from_keys_dir(settings.keys_dir, DISCOVERY_NAME),
        limiter=Limiter(limits),
        latest_diaries=latest_diaries,
    )
    cards = Cards(deps)
    servicer = CardServicer(cards)

    async def cleanup() -> None:
        await factory.close()
        revocations.close()
        if latest_diaries is not None:
            latest_diaries.close()
        if redis_client is not None:
            redis_client.close()
        read_connections.close()
        read_engine.dispose()
        engine.dispose()

    await run_server(
        settings,
        ServiceDefinition(
            DISCOVERY_NAME,
            SERVICE_NAME,
            card_service_pb2_grpc.add_CardServiceServicer_to_server,
            servicer,
            previous=(Contract(V1_SERVICE_NAME, v1_grpc.add_CardServiceServicer_to_server, CardV1Servicer(servicer)),),
        ),
        build_discovery(settings),
        ready=database_readiness(engine, redis_client),
        cleanup=cleanup,
        background=[every(marker_sweep_seconds(settings.deleted_diary_marker_seconds), cards.expire_markers)],
    )
