"""The REST gateway: the web frontend's API (docs/web-api.md) over the gRPC services."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request
from starlette.middleware.cors import CORSMiddleware

from gridam.card.v2 import card_service_pb2, card_service_pb2_grpc
from gridam.diary.v1 import diary_service_pb2, diary_service_pb2_grpc
from gridam.emotion.v2 import emotion_service_pb2, emotion_service_pb2_grpc
from gridam.user.v1 import user_service_pb2, user_service_pb2_grpc
from gridam_domain.signed_urls import UrlSigner
from gridam_domain.storage import LocalFolderStorage
from gridam_gateway import docs, errors
from gridam_gateway.config import GatewaySettings
from gridam_gateway.edge import EdgeMiddleware
from gridam_gateway.envelope import JsonResponse
from gridam_gateway.media import router as media_router
from gridam_gateway.profiles import ProfileSummaries
from gridam_gateway.routes import auth, cards, diaries, exports, feed, follows, insights, notifications, users
from gridam_runtime import kv
from gridam_runtime.bootstrap import freeze_startup_objects
from gridam_runtime.clients import ClientFactory
from gridam_runtime.settings import load_settings
from gridam_runtime.tokens import AccessTokenVerifier, read_secret

USER_SERVICE = user_service_pb2.DESCRIPTOR.services_by_name["UserService"]
DIARY_SERVICE = diary_service_pb2.DESCRIPTOR.services_by_name["DiaryService"]
EMOTION_SERVICE = emotion_service_pb2.DESCRIPTOR.services_by_name["EmotionService"]
CARD_SERVICE = card_service_pb2.DESCRIPTOR.services_by_name["CardService"]

DESCRIPTION = """GriDam REST API — drop-in backend of the GriDam web frontend.

Every response uses the envelope `{timestamp, success, code, message, result}` except
`POST /api/auth/reissue` (tokens also at the top level) and `GET /api/auth/login/uri/{provider}`
(a bare URL). Errors carry a DOMAIN+4-digit `code` and a Korean `message`.
Protected endpoints need `Authorization: Bearer <accessToken>`; an invalid or expired token is a 401.
"""


def create_app(settings: GatewaySettings) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        factory = app.state.clients = ClientFactory.from_settings(settings)
        app.state.users = factory.client("gridam-user", user_service_pb2_grpc.UserServiceStub, USER_SERVICE)
        app.state.diaries = factory.client("gridam-diary", diary_service_pb2_grpc.DiaryServiceStub, DIARY_SERVICE)
        app.state.emotions = factory.client("gridam-emotion", emotion_service_pb2_grpc.EmotionServiceStub, EMOTION_SERVICE)
        app.state.cards = factory.client("gridam-card", card_service_pb2_grpc.CardServiceStub, CARD_SERVICE)
        app.state.verifier = AccessTokenVerifier.from_file(settings.jwt_public_key_path)
        app.state.signer = UrlSigner(
            read_secret(settings.media_signing_key_path), ttl_seconds=settings.media_url_ttl_seconds
        )
        app.state.storage = LocalFolderStorage(settings.media_root)
        app.state.public_base_url = settings.public_base_url.rstrip("/")
        # The notifications' actors from a copy kept current through Redis; without Redis
        # (the embedded profile) each page asks the user service.
        redis = kv.redis_client(settings.redis_url)
        app.state.profile_summaries = ProfileSummaries(redis).start() if redis is not None else None
        freeze_startup_objects()
        yield
        if redis is not None:
            app.state.profile_summaries.close()
            redis.close()
        await factory.close()

    app = FastAPI(
        title="GriDam API",
        version="1.0",
        description=DESCRIPTION,
        docs_url=None,  # docs.py serves Swagger UI without a CDN
        openapi_url="/openapi.json" if settings.api_docs else None,
        redoc_url=None,
        lifespan=lifespan,
        default_response_class=JsonResponse,
        # Metrics are Prometheus (EdgeMiddleware); FastAPI's built-in OpenTelemetry hooks would
        # otherwise look the global providers up on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    errors.install(app)
    # FastAPI tries the routes in order, twice per request, a pattern match each: the busy routers
    # first, auth's eight (sign-up, login, reissue: a few times a session) last. No two routers
    # serve the same path (auth's two share a prefix, not a path), so the order changes no answer.
    for router in (users.router, exports.router, diaries.router, cards.router, feed.router, follows.router, notifications.router, insights.router, media_router, auth.router, auth.sign_up_router):
        app.include_router(router)
    if settings.api_docs:
        app.include_router(docs.router)

    # response_model=None: the dict goes out as it is, not through a model made from the annotation.
    @app.get("/healthz", tags=["ops"], summary="프로세스 생존 확인", response_model=None)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], summary="서비스 준비 상태 (gRPC 헬스 체크)")
    async def readyz(request: Request) -> JsonResponse:
        state = request.app.state
        checks = {
            "user": await state.users.check_health(USER_SERVICE.full_name),
            "diary": await state.diaries.check_health(DIARY_SERVICE.full_name),
            "emotion": await state.emotions.check_health(EMOTION_SERVICE.full_name),
            "card": await state.cards.check_health(CARD_SERVICE.full_name),
        }
        # A Consul authorisation error is named: callers would only see "no healthy instance".
        problem = state.clients.discovery_problem()
        ready = all(checks.values()) and problem is None
        body = {"status": "ready" if ready else "not ready", **checks, **({"discovery": problem} if problem else {})}
        return JsonResponse(body, status_code=200 if ready else 503)

    if settings.cors_origin_list:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "X-Request-Id"],
            expose_headers=["X-Request-Id", "Retry-After"],
        )
    app.add_middleware(
        EdgeMiddleware,
        max_json_bytes=settings.max_json_body_bytes,
        max_upload_bytes=settings.max_upload_body_bytes,
        large_uploads={exports.IMPORT_PATH: settings.max_import_body_bytes},
        access_log=settings.access_log,
    )
    return app


def create_app_from_env() -> FastAPI:
    """uvicorn factory (`--factory`), so every worker process builds its own app."""
    from gridam_runtime.logs import configure_logging

    settings = load_settings(GatewaySettings)
    configure_logging("gateway", settings.log_level)
    return create_app(settings)
