"""ProcessPool with real spawned worker processes running a test-double engine."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from prometheus_client import CollectorRegistry

from gpu_worker.adapters.metrics import GpuWorkerMetrics
from gpu_worker.adapters.workers import EngineFailed, ProcessPool, WorkerLost
from gpu_worker.domain.images import ImageRequest
from tests.support.waiting import wait_until_async
from tests.unit.gpu_worker.engine_doubles import EchoFactory, echo_png


def req(seed: int, prompt: str = "") -> ImageRequest:
    return ImageRequest(prompt=prompt, seed=seed, width=64, height=64)


async def wait_until_both_live(pool: ProcessPool, registry: CollectorRegistry) -> None:
    # A replacement starts, then loads its engine (the gauge counts loaded ones).
    await wait_until_async(lambda: pool.live == 2 and registry.get_sample_value("gridam_imagegen_workers_live") == 2,
                           "both workers live", timeout=30, interval=0.05)


async def test_workers_draw_batches_and_are_replaced_after_an_engine_error_or_when_killed():
    registry = CollectorRegistry()
    pool = ProcessPool(EchoFactory(delay=0.5, fail_prompt="boom", hang_prompt="hang"), 2, metrics=GpuWorkerMetrics(registry))
    await pool.start()
    try:
        await pool.wait_ready(60)
        assert len(set(pool.pids())) == 2 and os.getpid() not in pool.pids()
        assert registry.get_sample_value("gridam_imagegen_workers_live") == 2

        worker = await pool.acquire()
        batch = [req(1), req(2), req(3)]
        output = await pool.run(worker, batch)
        assert output.pngs == [echo_png(r) for r in batch] and output.engine == "test-echo"
        assert output.seconds >= 0.5

        with pytest.raises(EngineFailed):  # the engine raised: its process may be unusable (CUDA)
            await pool.run(worker, [req(4, "boom")])
        assert not worker.alive
        broken = worker.pid
        await wait_until_both_live(pool, registry)
        assert broken not in pool.pids() and pool.restarts == 1

        worker = await pool.acquire()
        victim = worker.pid
        drawing = asyncio.create_task(pool.run(worker, [req(5, "hang")]))
        await asyncio.sleep(0.2)  # the batch is sent; it never finishes
        os.kill(victim, signal.SIGKILL)
        with pytest.raises(WorkerLost):
            await drawing
        await wait_until_both_live(pool, registry)
        assert victim not in pool.pids()
        assert pool.restarts == 2
        assert registry.get_sample_value("gridam_imagegen_worker_restarts_total") == 2
        assert registry.get_sample_value("gridam_imagegen_workers_live") == 2
        # Both workers, the replacement included, take batches.
        a, b = await pool.acquire(), await pool.acquire()
        outputs = await asyncio.gather(pool.run(a, [req(6)]), pool.run(b, [req(7)]))
        assert [o.pngs for o in outputs] == [[echo_png(req(6))], [echo_png(req(7))]]
    finally:
        pids = pool.pids()
        await pool.close()
    assert all(not _running(pid) for pid in pids)


async def test_a_worker_that_cannot_load_keeps_the_pool_not_ready():
    pool = ProcessPool(EchoFactory(fail_load=True), 1)
    await pool.start()
    try:
        await asyncio.sleep(1.5)
        assert not pool.ready and pool.live == 0
    finally:
        await pool.close()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
