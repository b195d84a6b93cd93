"""Composition root of the gpu-worker: the only place that reads settings."""

from __future__ import annotations

import logging

from gpu_worker.adapters.metrics import GpuWorkerMetrics
from gpu_worker.adapters.workers import EngineSpec, ProcessPool, WorkerHandle
from gpu_worker.config import GpuWorkerSettings
from gpu_worker.service_layer.dispatcher import Dispatcher
from gpu_worker.servicer import ImageGenServicer, ImageGenV1Servicer
from gridam.imagegen.v1 import imagegen_service_pb2 as v1
from gridam.imagegen.v1 import imagegen_service_pb2_grpc as v1_grpc
from gridam.imagegen.v2 import imagegen_service_pb2, imagegen_service_pb2_grpc
from gridam_runtime.bootstrap import build_discovery
from gridam_runtime.server import Contract, ServiceDefinition, run_server

log = logging.getLogger("gridam.gpu_worker")

DISCOVERY_NAME = "gridam-imagegen"
SERVICE_NAME = imagegen_service_pb2.DESCRIPTOR.services_by_name["ImageGenService"].full_name
V1_SERVICE_NAME = v1.DESCRIPTOR.services_by_name["ImageGenService"].full_name  # for one release: docs/protos.md


def build_pool(settings: GpuWorkerSettings, metrics: GpuWorkerMetrics | None) -> ProcessPool:
    spec = EngineSpec(settings.engine, settings.engine_options(), settings.engine_devices)
    return ProcessPool(
        spec,
        settings.worker_processes,
        metrics=metrics,
        start_timeout=settings.worker_start_timeout_seconds,
        batch_timeout=settings.worker_batch_timeout_seconds,
        log_level=settings.log_level,
    )


def build_dispatcher(
    settings: GpuWorkerSettings, pool: ProcessPool, metrics: GpuWorkerMetrics | None
) -> Dispatcher[WorkerHandle]:
    return Dispatcher(
        pool,
        max_batch_size=settings.max_batch_size,
        max_batch_wait=settings.max_batch_wait_seconds,
        max_queue=settings.max_queue,
        retry_after_seconds=settings.retry_after_seconds,
        max_request_seconds=settings.max_request_seconds,
        metrics=metrics,
    )


async def serve(settings: GpuWorkerSettings) -> None:
    metrics = GpuWorkerMetrics()
    pool = build_pool(settings, metrics)
    dispatcher = build_dispatcher(settings, pool, metrics)
    servicer = ImageGenServicer(dispatcher)
    # The workers load in the background; health stays NOT_SERVING until all of them have.
    await pool.start()
    await dispatcher.start()
    closed = False

    async def ready() -> bool:
        return pool.ready

    async def cleanup() -> None:
        nonlocal closed
        closed = True
        await dispatcher.close()
        await pool.close()

    log.info("gpu-worker starting", extra={
        "engine": settings.engine, "workers": settings.worker_processes, "max_batch_size": settings.max_batch_size,
        "max_batch_wait_ms": settings.max_batch_wait_ms, "max_queue": settings.max_queue,
    })
    try:
        await run_server(
            settings,
            ServiceDefinition(
                DISCOVERY_NAME,
                SERVICE_NAME,
                imagegen_service_pb2_grpc.add_ImageGenServiceServicer_to_server,
                servicer,
                previous=(Contract(V1_SERVICE_NAME, v1_grpc.add_ImageGenServiceServicer_to_server, ImageGenV1Servicer(servicer)),),
            ),
            build_discovery(settings),
            ready=ready,
            cleanup=cleanup,
        )
    finally:
        if not closed:  # run_server failed before its own cleanup (e.g. the port is taken)
            await cleanup()
