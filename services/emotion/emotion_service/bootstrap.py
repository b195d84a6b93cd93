"""Composition root of the emotion service: the only place that reads settings."""

from __future__ import annotations

import json
import pathlib

from emotion_service.adapters.history import ReadModelAnalysisHistory, SqlAnalysisHistory
from emotion_service.config import EmotionSettings
from emotion_service.domain.analysis.analyser import DiaryAnalyser
from emotion_service.domain.analysis.factory import build_classifier
from emotion_service.service_layer.analyses import READERS, Analyses
from emotion_service.service_layer.dependencies import Dependencies
from emotion_service.service_layer.statistics import StatisticsReader
from emotion_service.service_layer.word_clouds import WordCloudMaker
from emotion_service.servicer import EmotionServicer, EmotionV1Servicer
from emotion_service.unit_of_work import UnitOfWork
from gridam.emotion.v1 import emotion_service_pb2 as v1
from gridam.emotion.v1 import emotion_service_pb2_grpc as v1_grpc
from gridam.emotion.v2 import emotion_service_pb2, emotion_service_pb2_grpc
from gridam_domain.read_model import open_read_model
from gridam_domain.storage import LocalFolderStorage
from gridam_runtime import db
from gridam_runtime.auth import Authenticator
from gridam_runtime.bootstrap import build_discovery, database_readiness
from gridam_runtime.kv import build_state
from gridam_runtime.limits import Limiter
from gridam_runtime.periodic import every, marker_sweep_seconds
from gridam_runtime.server import Contract, ServiceDefinition, run_server

MIGRATIONS_DIR = pathlib.Path(__file__).resolve().parents[1] / "migrations"
SERVICE_NAME = emotion_service_pb2.DESCRIPTOR.services_by_name["EmotionService"].full_name
V1_SERVICE_NAME = v1.DESCRIPTOR.services_by_name["EmotionService"].full_name  # for one release: docs/protos.md


def migrate(settings: EmotionSettings) -> None:
    db.migrate(MIGRATIONS_DIR, settings.database)


def build_analyser(settings: EmotionSettings) -> DiaryAnalyser:
    if settings.classifier == "transformers":
        if not settings.transformers_model or settings.transformers_label_map_file is None:
            raise SystemExit("GRIDAM_TRANSFORMERS_MODEL and GRIDAM_TRANSFORMERS_LABEL_MAP_FILE are required with GRIDAM_CLASSIFIER=transformers")
        classifier = build_classifier(
            "transformers",
            model=settings.transformers_model,
            label_map=json.loads(settings.transformers_label_map_file.read_text(encoding="utf-8")),
            batch_size=settings.transformers_batch_size,
            device=settings.transformers_device,
            local_files_only=settings.transformers_local_only,
        )
    else:
        classifier = build_classifier("offline")
    return DiaryAnalyser(classifier)


async def serve(settings: EmotionSettings) -> None:
    engine = db.create_engine(settings.database)
    limits, revocations, redis_client = build_state(settings.redis_url, settings.data_dir)
    sessions = db.session_factory(engine)
    analyser = build_analyser(settings)

    def uow() -> UnitOfWork:
        return UnitOfWork(sessions)

    read_model = open_read_model(settings)
    deps = Dependencies(
        settings=settings,
        uow=uow,
        authenticator=Authenticator.for_service(settings, revocations, service_callers=READERS),
        analyser=analyser,
        classifier_name=settings.classifier,
        history=ReadModelAnalysisHistory(read_model[1], settings.cdc_topic_partitions) if read_model else SqlAnalysisHistory(uow),
    )
    storage = LocalFolderStorage(settings.media_root)
    analyses = Analyses(deps)
    servicer = EmotionServicer(analyses, StatisticsReader(deps), WordCloudMaker(deps, storage, Limiter(limits)), settings.classifier)

    async def cleanup() -> None:
        if read_model is not None:
            read_model[0].close()
        revocations.close()
        if redis_client is not None:
            redis_client.close()
        engine.dispose()

    await run_server(
        settings,
        ServiceDefinition(
            "gridam-emotion",
            SERVICE_NAME,
            emotion_service_pb2_grpc.add_EmotionServiceServicer_to_server,
            servicer,
            previous=(Contract(V1_SERVICE_NAME, v1_grpc.add_EmotionServiceServicer_to_server, EmotionV1Servicer(servicer)),),
        ),
        build_discovery(settings),
        ready=database_readiness(engine, redis_client),
        cleanup=cleanup,
        background=[every(marker_sweep_seconds(settings.deleted_diary_marker_seconds), analyses.expire_markers)],
    )
