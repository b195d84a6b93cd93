"""The dispatcher: one queue in the gRPC server process, batches out to the worker processes.

    submit() -> per-key FIFO queues -> scheduler -> free worker -> PNGs -> each caller's future

* **Admission.** A request joins the queue unless `max_queue` requests are already waiting:
  then ResourceExhausted (RESOURCE_EXHAUSTED) with a retry hint. Requests already handed to a
  worker do not count against the queue.
* **Batching.** Requests with the same `batch_key()` (size, steps) can share a batch. When a
  worker is free, the scheduler takes the key whose oldest request has waited longest and
  sends up to `max_batch_size` of its requests, as soon as the batch is full or
  `max_batch_wait` has passed since that oldest request was queued, whichever comes first
  (a key with a full batch goes first, unless the oldest request of all is past its wait).
  Within a batch, requests keep their arrival order, and each caller gets the image at its
  own position.
* **Deadlines and cancellation.** A request whose deadline passes while queued (or whose
  caller cancels) leaves the queue at once and is never drawn: DEADLINE_EXCEEDED. A batch
  is filtered again right before it is sent. A caller that sets no deadline gets
  `max_request_seconds`, so no request waits forever (say, while no worker can load).
* **Failures.** If the worker dies (or hangs) mid-batch, or its engine raises, the batch is
  retried once, ahead of new work, on the next free worker (the pool has already started a
  replacement for that worker, which takes no more batches). A batch that fails twice
  answers its callers UNAVAILABLE (worker lost) or INTERNAL (engine error).

Reason codes (google.rpc.ErrorInfo.reason): IMAGEGEN4001-4006 invalid requests (servicer),
IMAGEGEN4291 queue full, IMAGEGEN5041 deadline passed in the queue, IMAGEGEN5031 worker lost
twice / shutting down, IMAGEGEN5001 engine failed twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

import grpc

from gpu_worker.adapters.metrics import GpuWorkerMetrics
from gpu_worker.adapters.workers import BatchOutput, EngineFailed, WorkerLost
from gpu_worker.domain.images import ImageRequest
from gridam_runtime.errors import DomainError, ResourceExhausted, Unavailable

log = logging.getLogger("gridam.gpu_worker.dispatcher")

MAX_ATTEMPTS = 2  # a batch is drawn at most twice


class DeadlineExceeded(DomainError):
    status_code = grpc.StatusCode.DEADLINE_EXCEEDED


class Internal(DomainError):
    status_code = grpc.StatusCode.INTERNAL


# A worker as its pool hands it out (ProcessPool: a WorkerHandle); the dispatcher only gives it back.
W = TypeVar("W")


class Pool(Protocol[W]):
    """What the dispatcher needs from the workers (ProcessPool, or a test double)."""

    async def acquire(self) -> W: ...

    def release(self, worker: W) -> None: ...

    async def run(self, worker: W, requests: list[ImageRequest]) -> BatchOutput: ...


@dataclass(frozen=True)
class ImageResult:
    png: bytes
    engine: str
    batch_size: int


@dataclass(eq=False)
class _Pending:
    request: ImageRequest
    future: asyncio.Future[ImageResult]
    enqueued: float
    deadline: float | None
    queued: bool = True

    def expired(self, now: float) -> bool:
        return self.deadline is not None and now >= self.deadline


@dataclass(eq=False)
class _Batch:
    items: list[_Pending]
    attempts: int = 0
    errors: list[str] = field(default_factory=list)


class Dispatcher(Generic[W]):
    def __init__(
        self,
        pool: Pool[W],
        *,
        max_batch_size: int = 8,
        max_batch_wait: float = 0.020,
        max_queue: int = 64,
        retry_after_seconds: int = 1,
        max_request_seconds: float = 120.0,
        metrics: GpuWorkerMetrics | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._pool = pool
        self.max_batch_size = max_batch_size
        self.max_batch_wait = max_batch_wait
        self.max_queue = max_queue
        self.retry_after_seconds = retry_after_seconds
        self.max_request_seconds = max_request_seconds
        self._metrics = metrics
        self._clock = clock
        self._queues: dict[Hashable, deque[_Pending]] = {}
        self._depth = 0
        self._retries: deque[_Batch] = deque()
        self._wake = asyncio.Event()
        self._scheduler: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()
        self._closing = False
        if metrics is not None:
            metrics.queue_capacity.set(max_queue)

    @property
    def queue_depth(self) -> int:
        return self._depth

    async def start(self) -> None:
        self._scheduler = asyncio.create_task(self._schedule(), name="imagegen-scheduler")

    async def close(self) -> None:
        """Refuse new requests, answer queued ones UNAVAILABLE, stop scheduling."""
        self._closing = True
        if self._scheduler is not None:
            self._scheduler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._scheduler
        error = self._unavailable("the image worker is shutting down")
        for queue in self._queues.values():
            for pending in queue:
                pending.queued = False
                _fail(pending, error)
        self._queues.clear()
        while self._retries:
            for pending in self._retries.popleft().items:
                _fail(pending, error)
        self._set_depth(0)
        # Batches in flight finish (or fail) when the pool closes their workers.

    # -- callers ----------------------------------------------------------------------

    async def submit(self, request: ImageRequest, *, deadline: float | None = None) -> ImageResult:
        """Queue one request and wait for its image. `deadline`: on this dispatcher's clock."""
        if self._closing:
            self._reject("closing")
            raise self._unavailable("the image worker is shutting down")
        now = self._clock()
        if deadline is None:
            deadline = now + self.max_request_seconds
        if deadline <= now:
            raise DeadlineExceeded("IMAGEGEN5041", "deadline passed before queueing")
        if self._depth >= self.max_queue:
            self._reject("queue_full")
            raise ResourceExhausted(
                "IMAGEGEN4291", f"image queue full ({self.max_queue} waiting)",
                retry_after_seconds=self.retry_after_seconds,
            )
        pending = _Pending(request, asyncio.get_running_loop().create_future(), now, deadline)
        key = request.batch_key()
        self._queues.setdefault(key, deque()).append(pending)
        self._set_depth(self._depth + 1)
        self._wake.set()
        outcome = "ok"
        try:
            return await asyncio.wait_for(pending.future, deadline - now)
        except TimeoutError:
            outcome = "deadline_exceeded"
            raise DeadlineExceeded("IMAGEGEN5041", "deadline passed while queued or drawing") from None
        except asyncio.CancelledError:
            outcome = "cancelled"
            raise
        except DomainError as exc:
            outcome = exc.status_code.name.lower()
            raise
        finally:
            if pending.queued:  # still waiting for a batch: leave the queue, never drawn
                self._unqueue(key, pending)
            if self._metrics is not None:
                self._metrics.request_seconds.labels(outcome).observe(self._clock() - now)

    # -- scheduling -------------------------------------------------------------------

    async def _schedule(self) -> None:
        while True:
            worker = await self._pool.acquire()
            try:
                batch = await self._next_batch()
            except BaseException:
                self._pool.release(worker)
                raise
            if not getattr(worker, "alive", True):  # died while idle: the pool replaces it
                self._retries.appendleft(batch)  # not an attempt: it was never sent
                continue
            task = asyncio.create_task(self._execute(worker, batch))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _next_batch(self) -> _Batch:
        while True:
            if self._retries:
                return self._retries.popleft()
            now = self._clock()
            best: tuple[float, Hashable] | None = None
            full: tuple[float, Hashable] | None = None
            for key, queue in self._queues.items():
                head = (queue[0].enqueued, key)
                if best is None or head[0] < best[0]:
                    best = head
                if len(queue) >= self.max_batch_size and (full is None or head[0] < full[0]):
                    full = head
            timeout = None if best is None else best[0] + self.max_batch_wait - now
            # The oldest request of all goes first once it has waited its max wait, else a full
            # batch: full batches of one size must not hold another size back until its deadline.
            chosen = best if timeout is not None and timeout <= 0 else full
            if chosen is not None:
                batch = self._take(chosen[1], now)
                if batch.items:
                    return batch
                continue
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    def _take(self, key: Hashable, now: float) -> _Batch:
        queue = self._queues[key]
        items: list[_Pending] = []
        while queue and len(items) < self.max_batch_size:
            pending = queue.popleft()
            pending.queued = False
            if pending.future.done():
                continue
            if pending.expired(now):
                _fail(pending, DeadlineExceeded("IMAGEGEN5041", "deadline passed while queued"))
                continue
            items.append(pending)
        if not queue:
            del self._queues[key]
        self._set_depth(sum(len(q) for q in self._queues.values()))
        return _Batch(items)

    async def _execute(self, worker: W, batch: _Batch) -> None:
        now = self._clock()
        items = []
        for pending in batch.items:
            if pending.future.done():
                continue
            if pending.expired(now):
                _fail(pending, DeadlineExceeded("IMAGEGEN5041", "deadline passed before drawing"))
                continue
            items.append(pending)
        if not items:
            self._pool.release(worker)
            return
        batch.items = items
        batch.attempts += 1
        if self._metrics is not None:
            self._metrics.batch_size.observe(len(items))
        try:
            output = await self._pool.run(worker, [p.request for p in items])
        except WorkerLost as exc:  # the pool is already replacing that worker
            self._failed(batch, exc, self._unavailable("the image worker failed twice on this batch"))
            return
        except EngineFailed as exc:  # likewise
            self._failed(batch, exc, Internal("IMAGEGEN5001", "the image engine failed twice on this batch"))
            return
        except asyncio.CancelledError:
            for pending in items:
                _fail(pending, self._unavailable("the image worker is shutting down"))
            raise
        except Exception as exc:  # e.g. a request that cannot be sent; the worker is fine
            log.exception("batch could not be run")
            self._pool.release(worker)
            self._failed(batch, exc, Internal("IMAGEGEN5001", "the image batch could not be run"))
            return
        self._pool.release(worker)
        if self._metrics is not None:
            self._metrics.images.labels(output.engine).inc(len(output.pngs))
            self._metrics.batch_seconds.observe(output.seconds)
        for pending, png in zip(items, output.pngs, strict=True):
            if not pending.future.done():
                pending.future.set_result(ImageResult(png, output.engine, len(items)))

    def _failed(self, batch: _Batch, exc: Exception, final: DomainError) -> None:
        batch.errors.append(f"{type(exc).__name__}: {exc}")
        if batch.attempts < MAX_ATTEMPTS and not self._closing:
            log.warning("batch failed; retrying it on another worker",
                        extra={"batch_size": len(batch.items), "error": batch.errors[-1]})
            if self._metrics is not None:
                self._metrics.batch_retries.inc()
            self._retries.append(batch)
            self._wake.set()
            return
        log.error("batch failed twice", extra={"batch_size": len(batch.items), "errors": batch.errors})
        for pending in batch.items:
            _fail(pending, final)

    # -- helpers ----------------------------------------------------------------------

    def _unqueue(self, key: Hashable, pending: _Pending) -> None:
        pending.queued = False
        queue = self._queues.get(key)
        if queue is not None:
            with contextlib.suppress(ValueError):
                queue.remove(pending)
            if not queue:
                del self._queues[key]
        self._set_depth(sum(len(q) for q in self._queues.values()))

    def _set_depth(self, depth: int) -> None:
        self._depth = depth
        if self._metrics is not None:
            self._metrics.queue_depth.set(depth)

    def _reject(self, reason: str) -> None:
        if self._metrics is not None:
            self._metrics.rejected.labels(reason).inc()

    def _unavailable(self, detail: str) -> Unavailable:
        return Unavailable("IMAGEGEN5031", detail, retry_after_seconds=self.retry_after_seconds)


def _fail(pending: _Pending, error: Exception) -> None:
    if not pending.future.done():
        pending.future.set_exception(error)
