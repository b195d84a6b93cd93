"""The dispatcher's batching, admission, deadlines and retries, on an in-process fake pool."""

from __future__ import annotations

import asyncio
import time

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2
from prometheus_client import CollectorRegistry

from gpu_worker.adapters.metrics import GpuWorkerMetrics
from gpu_worker.domain.images import ImageRequest
from gpu_worker.service_layer.dispatcher import DeadlineExceeded, Dispatcher, Internal
from gpu_worker.servicer import status_with_retry_info
from gridam_runtime.errors import ResourceExhausted, Unavailable
from tests.unit.gpu_worker.engine_doubles import FakePool, echo_png


def req(seed: int, size: int = 64, steps: int = 0, prompt: str = "") -> ImageRequest:
    return ImageRequest(prompt=prompt, seed=seed, width=size, height=size, steps=steps)


async def started(pool: FakePool, **kwargs) -> Dispatcher:
    kwargs.setdefault("max_batch_wait", 0.02)
    dispatcher = Dispatcher(pool, **kwargs)
    await dispatcher.start()
    return dispatcher


async def test_compatible_requests_share_batches_up_to_the_max_size_in_order():
    gate = asyncio.Event()
    pool = FakePool(workers=1, gate=gate)
    dispatcher = await started(pool, max_batch_size=8)
    first = asyncio.create_task(dispatcher.submit(req(-1, 256)))  # occupies the only worker (another key)
    await asyncio.sleep(0.05)
    requests = [req(i) for i in range(20)]
    tasks = [asyncio.create_task(dispatcher.submit(r)) for r in requests]
    await asyncio.sleep(0.01)
    gate.set()
    results = await asyncio.gather(first, *tasks)
    assert [len(b) for b in pool.batches] == [1, 8, 8, 4]
    assert [r.seed for b in pool.batches[1:] for r in b] == list(range(20))  # arrival order
    for request, result in zip(requests, results[1:], strict=True):
        assert result.png == echo_png(request)  # each caller its own image
    assert [r.batch_size for r in results[1:]] == [8] * 16 + [4] * 4
    await dispatcher.close()


async def test_incompatible_requests_never_share_a_batch():
    gate = asyncio.Event()
    pool = FakePool(workers=1, gate=gate)
    dispatcher = await started(pool, max_batch_size=8)
    blocker = asyncio.create_task(dispatcher.submit(req(-1, 256)))
    await asyncio.sleep(0.05)
    mixed = [req(0, 64), req(1, 128), req(2, 64), req(3, 64, steps=4), req(4, 128), req(5, 64)]
    tasks = [asyncio.create_task(dispatcher.submit(r)) for r in mixed]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(blocker, *tasks)
    batches = pool.batches[1:]
    assert all(len({r.batch_key() for r in b}) == 1 for b in batches)
    assert sorted(tuple(r.seed for r in b) for b in batches) == [(0, 2, 5), (1, 4), (3,)]
    # The key whose oldest request waited longest goes first.
    assert [r.seed for r in batches[0]] == [0, 2, 5]
    await dispatcher.close()


async def test_max_wait_is_honoured_and_late_requests_join_the_open_batch():
    now = [1000.0]  # the dispatcher's clock, moved by the test alone
    pool = FakePool(workers=1)
    dispatcher = await started(pool, max_batch_size=8, max_batch_wait=0.2, clock=lambda: now[0])
    first = asyncio.create_task(dispatcher.submit(req(1)))
    await asyncio.sleep(0.3)  # the worker is free, but on the dispatcher's clock no time has passed
    assert pool.batches == []  # so the batch stays open
    second = asyncio.create_task(dispatcher.submit(req(2)))
    now[0] += 0.2  # the oldest request has now waited the max wait
    a, b = await asyncio.wait_for(asyncio.gather(first, second), 10)
    assert (a.batch_size, b.batch_size) == (2, 2)  # the late request joined the open batch
    assert len(pool.batches) == 1
    await dispatcher.close()


async def test_a_request_past_its_max_wait_goes_before_full_batches_of_another_size():
    now = [1000.0]  # the dispatcher's clock
    gate = asyncio.Event()
    pool = FakePool(workers=1, gate=gate)
    dispatcher = await started(pool, max_batch_size=2, max_batch_wait=0.02, clock=lambda: now[0])
    tasks = [asyncio.create_task(dispatcher.submit(req(0, 512)))]  # occupies the only worker
    await asyncio.sleep(0.05)
    tasks.append(asyncio.create_task(dispatcher.submit(req(1, 128))))
    await asyncio.sleep(0.01)
    now[0] += 1.0  # the 128 request has waited past its max wait
    tasks += [asyncio.create_task(dispatcher.submit(req(i, 64))) for i in range(2, 6)]  # two full batches
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 10)
    assert [[r.seed for r in b] for b in pool.batches] == [[0], [1], [2, 3], [4, 5]]
    await dispatcher.close()


async def test_a_full_batch_goes_without_waiting_for_the_max_wait():
    pool = FakePool(workers=1)
    dispatcher = await started(pool, max_batch_size=8, max_batch_wait=3600)
    results = await asyncio.wait_for(asyncio.gather(*(dispatcher.submit(req(i)) for i in range(8))), 10)
    assert [r.batch_size for r in results] == [8] * 8
    await dispatcher.close()


async def test_full_queue_answers_resource_exhausted_with_a_retry_hint():
    gate = asyncio.Event()
    pool = FakePool(workers=1, gate=gate)
    registry = CollectorRegistry()
    dispatcher = await started(
        pool, max_batch_size=1, max_queue=4, retry_after_seconds=3, metrics=GpuWorkerMetrics(registry)
    )
    assert registry.get_sample_value("gridam_imagegen_queue_capacity") == 4
    tasks = [asyncio.create_task(dispatcher.submit(req(0)))]
    await asyncio.sleep(0.05)  # the first is with the worker, no longer queued
    tasks += [asyncio.create_task(dispatcher.submit(req(i))) for i in range(1, 5)]
    await asyncio.sleep(0.01)
    assert dispatcher.queue_depth == 4
    with pytest.raises(ResourceExhausted) as refused:
        await dispatcher.submit(req(99))
    assert refused.value.reason == "IMAGEGEN4291"
    assert refused.value.retry_after_seconds == 3
    status = status_pb2.Status.FromString(status_with_retry_info(refused.value))
    assert status.code == grpc.StatusCode.RESOURCE_EXHAUSTED.value[0]
    retry = error_details_pb2.RetryInfo()
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info) and info.metadata["retry_after_seconds"] == "3"
    assert status.details[1].Unpack(retry) and retry.retry_delay.seconds == 3
    # What the saturation and rejection alerts read (helm/gridam/files/alerts/gpu-worker.rules.yml).
    assert registry.get_sample_value("gridam_imagegen_queue_depth") == 4
    assert registry.get_sample_value("gridam_imagegen_rejected_total", {"reason": "queue_full"}) == 1
    gate.set()
    await asyncio.gather(*tasks)
    assert 99 not in [r.seed for b in pool.batches for r in b]
    await dispatcher.close()


async def test_expired_and_cancelled_requests_are_dropped_before_drawing():
    gate = asyncio.Event()
    pool = FakePool(workers=1, gate=gate)
    dispatcher = await started(pool, max_batch_size=8)
    busy = asyncio.create_task(dispatcher.submit(req(0, 256)))
    await asyncio.sleep(0.05)
    keep = asyncio.create_task(dispatcher.submit(req(1)))
    cancelled = asyncio.create_task(dispatcher.submit(req(2)))
    # The worker stays busy until the gate opens, so this answer came at the deadline, not
    # when a worker got to the request.
    with pytest.raises(DeadlineExceeded) as late:
        await dispatcher.submit(req(3), deadline=time.monotonic() + 0.05)
    assert late.value.status_code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert not gate.is_set()
    cancelled.cancel()
    await asyncio.sleep(0.01)
    assert dispatcher.queue_depth == 1  # only `keep` is left
    with pytest.raises(DeadlineExceeded):  # already past
        await dispatcher.submit(req(4), deadline=time.monotonic() - 1)
    gate.set()
    await asyncio.gather(busy, keep)
    drawn = [r.seed for b in pool.batches for r in b]
    assert drawn == [0, 1]
    await dispatcher.close()


async def test_a_request_without_a_deadline_gets_the_default_one():
    gate = asyncio.Event()  # never opened: no worker ever frees up
    pool = FakePool(workers=1, gate=gate)
    dispatcher = await started(pool, max_batch_size=1, max_request_seconds=0.2)
    busy = asyncio.create_task(dispatcher.submit(req(0)))
    with pytest.raises(DeadlineExceeded):
        await asyncio.wait_for(dispatcher.submit(req(1)), 30)  # the caller set none
    with pytest.raises(DeadlineExceeded):
        await busy  # the request with the worker gets no more time either
    assert dispatcher.queue_depth == 0
    await dispatcher.close()


async def test_a_batch_whose_worker_dies_is_retried_once():
    pool = FakePool(workers=2, delay=0.01, lose=1)
    registry = CollectorRegistry()
    dispatcher = await started(pool, max_batch_size=4, metrics=GpuWorkerMetrics(registry))
    results = await asyncio.gather(*(dispatcher.submit(req(i)) for i in range(4)))
    assert [r.png for r in results] == [echo_png(req(i)) for i in range(4)]
    assert [[r.seed for r in b] for b in pool.batches] == [[0, 1, 2, 3]] * 2
    assert registry.get_sample_value("gridam_imagegen_batch_retries_total") == 1
    assert registry.get_sample_value("gridam_imagegen_images_total", {"engine": "test-echo"}) == 4
    await dispatcher.close()


async def test_a_batch_failing_twice_answers_unavailable_or_internal():
    pool = FakePool(workers=2, lose=2)
    dispatcher = await started(pool, max_batch_size=4)
    outcomes = await asyncio.gather(*(dispatcher.submit(req(i)) for i in range(3)), return_exceptions=True)
    assert all(isinstance(o, Unavailable) and o.reason == "IMAGEGEN5031" for o in outcomes)
    assert len(pool.batches) == 2  # drawn twice, not more
    pool.break_engine = 2
    outcomes = await asyncio.gather(*(dispatcher.submit(req(i)) for i in range(3)), return_exceptions=True)
    assert all(isinstance(o, Internal) and o.status_code == grpc.StatusCode.INTERNAL for o in outcomes)
    # The dispatcher keeps working afterwards.
    assert (await dispatcher.submit(req(7))).png == echo_png(req(7))
    await dispatcher.close()


async def test_metrics_record_queue_batches_and_latency():
    registry = CollectorRegistry()
    pool = FakePool(workers=2, delay=0.01)
    dispatcher = await started(pool, max_batch_size=8, metrics=GpuWorkerMetrics(registry))
    await asyncio.gather(*(dispatcher.submit(req(i)) for i in range(10)))
    value = registry.get_sample_value
    assert value("gridam_imagegen_batch_size_count") == len(pool.batches)
    assert value("gridam_imagegen_batch_size_sum") == 10
    assert value("gridam_imagegen_request_seconds_count", {"outcome": "ok"}) == 10
    assert value("gridam_imagegen_queue_depth") == 0
    await dispatcher.close()


async def test_closing_answers_queued_requests_and_refuses_new_ones():
    gate = asyncio.Event()
    pool = FakePool(workers=1, gate=gate)
    dispatcher = await started(pool)
    await asyncio.sleep(0)
    busy = asyncio.create_task(dispatcher.submit(req(0)))
    await asyncio.sleep(0.05)
    queued = asyncio.create_task(dispatcher.submit(req(1)))
    await asyncio.sleep(0.01)
    await dispatcher.close()
    with pytest.raises(Unavailable):
        await queued
    with pytest.raises(Unavailable):
        await dispatcher.submit(req(2))
    gate.set()
    await busy  # the batch in flight still completes
