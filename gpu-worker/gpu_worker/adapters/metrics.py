"""Prometheus metrics of the gpu-worker.

Mode: **the gRPC server process owns every metric; the worker processes hold none.** Each
worker sends its batch's draw time back with the images over its pipe, and the dispatcher
(which already sees every queue change, batch, answer and worker death) records it. So no
PROMETHEUS_MULTIPROC_DIR is needed: prometheus_client's multiprocess mode would have to be
enabled before prometheus_client is imported in every process, needs a directory wiped at
each start, supports gauges only in restricted modes, and would force the shared runtime's
`/metrics` endpoint (default registry) onto a MultiProcessCollector - all for numbers the
server process has anyway. A restarted worker loses nothing, because it never held a metric.

    gridam_imagegen_queue_depth                requests waiting for a batch (gauge)
    gridam_imagegen_queue_capacity             requests the queue admits (GRIDAM_MAX_QUEUE; gauge, set once)
    gridam_imagegen_batch_size                 requests per batch sent to a worker (histogram)
    gridam_imagegen_request_seconds{outcome}   queued -> answered, per outcome (histogram)
    gridam_imagegen_images_total{engine}       images drawn; rate() = images per second
    gridam_imagegen_batch_seconds              time a worker spent drawing one batch (histogram)
    gridam_imagegen_worker_restarts_total      workers that died (or hung) and were replaced
    gridam_imagegen_batch_retries_total        batches re-run after their worker failed
    gridam_imagegen_workers_live               workers with their engine loaded (gauge)
    gridam_imagegen_rejected_total{reason}     calls refused before queueing (queue_full, closing)
"""

from __future__ import annotations

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram

BATCH_SIZE_BUCKETS = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 64)
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60)


class GpuWorkerMetrics:
    def __init__(self, registry: CollectorRegistry = REGISTRY) -> None:
        self.queue_depth = Gauge(
            "gridam_imagegen_queue_depth", "Image requests waiting for a batch.", registry=registry
        )
        # Depth / capacity is the queue's saturation: alerts and dashboards need the bound, which
        # is configuration (GRIDAM_MAX_QUEUE), as a series of its own.
        self.queue_capacity = Gauge(
            "gridam_imagegen_queue_capacity", "Requests the queue admits before refusing (max_queue).",
            registry=registry,
        )
        self.batch_size = Histogram(
            "gridam_imagegen_batch_size", "Requests per batch sent to a worker.", buckets=BATCH_SIZE_BUCKETS,
            registry=registry,
        )
        self.request_seconds = Histogram(
            "gridam_imagegen_request_seconds", "Time from queueing a request to answering it.", ["outcome"],
            buckets=LATENCY_BUCKETS, registry=registry,
        )
        self.images = Counter(
            "gridam_imagegen_images", "Images drawn (rate() gives images per second).", ["engine"], registry=registry
        )
        self.batch_seconds = Histogram(
            "gridam_imagegen_batch_seconds", "Time a worker spent drawing one batch.", buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.worker_restarts = Counter(
            "gridam_imagegen_worker_restarts", "Worker processes that died or hung and were replaced.",
            registry=registry,
        )
        self.batch_retries = Counter(
            "gridam_imagegen_batch_retries", "Batches re-run on another worker after a failure.", registry=registry
        )
        self.workers_live = Gauge(
            "gridam_imagegen_workers_live", "Worker processes with their engine loaded.", registry=registry
        )
        self.rejected = Counter(
            "gridam_imagegen_rejected", "Requests refused before queueing.", ["reason"], registry=registry
        )
