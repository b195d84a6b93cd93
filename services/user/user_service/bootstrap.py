"""Composition root of the user service: the only place that reads settings."""

from __future__ import annotations

import dataclasses
import pathlib

from argon2 import PasswordHasher

from gridam.card.v2 import card_service_pb2, card_service_pb2_grpc
from gridam.diary.v1 import diary_service_pb2, diary_service_pb2_grpc
from gridam.emotion.v2 import emotion_service_pb2, emotion_service_pb2_grpc
from gridam.user.v1 import user_service_pb2, user_service_pb2_grpc
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from gridam_runtime.auth import Authenticator
from gridam_runtime.bootstrap import build_discovery, database_readiness
from gridam_runtime.clients import ClientFactory
from gridam_runtime.follows import follow_changes
from gridam_runtime.jobs import JobQueue, RetryPolicy, Worker
from gridam_runtime.kv import build_state
from gridam_runtime.limits import Limiter
from gridam_runtime.profiles import profile_changes
from gridam_runtime.server import ServiceDefinition, run_server
from gridam_runtime.tokens import AccessTokenIssuer, ServiceTokenIssuer, read_secret
from user_service.adapters.oauth import KakaoClient, NaverClient, OAuthEndpoints, OAuthProviderClient
from user_service.adapters.orm import user_jobs
from user_service.adapters.sms import build_sms_sender
from user_service.config import UserSettings
from user_service.service_layer.accounts import Accounts
from user_service.service_layer.dependencies import Dependencies
from user_service.service_layer.outbox import ACCOUNT_DELETED, OutboxRelay
from user_service.service_layer.profiles import FOLLOW_READERS, Profiles
from user_service.servicer import UserServicer
from user_service.unit_of_work import ReadUnitOfWork, UnitOfWork

MIGRATIONS_DIR = pathlib.Path(__file__).resolve().parents[1] / "migrations"
SERVICE_NAME = user_service_pb2.DESCRIPTOR.services_by_name["UserService"].full_name
DIARY_SERVICE = diary_service_pb2.DESCRIPTOR.services_by_name["DiaryService"]
CARD_SERVICE = card_service_pb2.DESCRIPTOR.services_by_name["CardService"]
EMOTION_SERVICE = emotion_service_pb2.DESCRIPTOR.services_by_name["EmotionService"]
DISCOVERY_NAME = "gridam-user"


def _oauth_providers(settings: UserSettings) -> dict[str, OAuthProviderClient]:
    providers: dict[str, OAuthProviderClient] = {}
    for name, client_cls in (("kakao", KakaoClient), ("naver", NaverClient)):
        client_id = getattr(settings, f"{name}_client_id")
        if client_id:
            providers[name] = client_cls(
                OAuthEndpoints(
                    client_id=client_id,
                    client_secret=getattr(settings, f"{name}_client_secret"),
                    redirect_uri=getattr(settings, f"{name}_redirect_uri"),
                    authorize_url=getattr(settings, f"{name}_authorize_url"),
                    token_url=getattr(settings, f"{name}_token_url"),
                    userinfo_url=getattr(settings, f"{name}_userinfo_url"),
                )
            )
    return providers


def migrate(settings: UserSettings) -> None:
    db.migrate(MIGRATIONS_DIR, settings.database)


async def serve(settings: UserSettings) -> None:
    engine = db.create_engine(settings.database)
    read_engine = db.create_engine(settings.database, autocommit=True)
    read_connections = db.HeldReadConnections(read_engine)
    limiter, revocations, redis_client = build_state(settings.redis_url, settings.data_dir)
    providers = _oauth_providers(settings)
    sms = build_sms_sender(settings, settings.sms_outbox_path)
    sessions = db.session_factory(engine)
    # Forgetting a deleted account waits for the diary service's purges: never given up.
    jobs = JobQueue(user_jobs, dataclasses.replace(RetryPolicy.from_settings(settings), never_parked=frozenset({ACCOUNT_DELETED})))
    deps = Dependencies(
        settings=settings,
        uow=lambda: UnitOfWork(sessions, jobs),
        reads=lambda: ReadUnitOfWork(read_connections),
        issuer=AccessTokenIssuer.from_file(settings.jwt_private_key_path, settings.access_token_ttl_seconds),
        authenticator=Authenticator.for_service(settings, revocations, service_callers=FOLLOW_READERS),
        hasher=PasswordHasher(),
        limiter=Limiter(limiter),
        revocations=revocations,
        sms=sms,
        storage=LocalFolderStorage(settings.media_root),
        oauth_providers=providers,
        oauth_state_key=read_secret(settings.oauth_state_key_path),
        follow_changes=follow_changes(redis_client),
        profile_changes=profile_changes(redis_client),
    )
    accounts, profiles = Accounts(deps), Profiles(deps)
    servicer = UserServicer(accounts, profiles)

    # The outbox relay runs in this process; its own discovery instance, closed by the factory.
    factory = ClientFactory.from_settings(settings, settings.job_call_timeout_seconds)
    relay = OutboxRelay(
        engine,
        jobs,
        factory.client("gridam-diary", diary_service_pb2_grpc.DiaryServiceStub, DIARY_SERVICE),
        ServiceTokenIssuer.from_keys_dir(settings.keys_dir, DISCOVERY_NAME),
        (accounts.forget_leftovers, profiles.forget_limits),
        cards=factory.client("gridam-card", card_service_pb2_grpc.CardServiceStub, CARD_SERVICE),
        emotion=factory.client("gridam-emotion", emotion_service_pb2_grpc.EmotionServiceStub, EMOTION_SERVICE),
    )
    relay_worker = Worker(
        engine,
        jobs,
        relay.handlers,
        concurrency=settings.worker_concurrency,
        poll_seconds=settings.worker_poll_seconds,
    )

    async def cleanup() -> None:
        await factory.close()
        for provider in providers.values():
            provider.close()
        sms.close()
        revocations.close()
        if redis_client is not None:
            redis_client.close()
        engine.dispose()
        read_connections.close()
        read_engine.dispose()

    await run_server(
        settings,
        ServiceDefinition(DISCOVERY_NAME, SERVICE_NAME, user_service_pb2_grpc.add_UserServiceServicer_to_server, servicer),
        build_discovery(settings),
        ready=database_readiness(engine, redis_client),
        cleanup=cleanup,
        background=[relay_worker.run],
    )
