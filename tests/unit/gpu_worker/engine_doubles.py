"""Test doubles for the gpu-worker: a fake engine and an in-process fake worker pool.

Neither is used in production. `EchoEngine` stands in for cpu-art/diffusers inside real
worker processes (it needs no numpy work, so the tests measure the dispatcher and the pool,
not drawing); `FakePool` stands in for ProcessPool in the dispatcher's unit tests.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from gpu_worker.adapters.workers import BatchOutput, EngineFailed, WorkerLost
from gpu_worker.domain.images import ImageRequest


def echo_png(request: ImageRequest) -> bytes:
    """Not a real PNG: the PNG signature plus what identifies the request."""
    return b"\x89PNG\r\n\x1a\n" + f"{request.seed}:{request.width}x{request.height}:{request.prompt}".encode()


class EchoEngine:
    """TEST DOUBLE engine: answers each request with `echo_png(request)` after `delay` seconds
    per batch. `fail_prompt`: a batch holding that prompt raises. `fail_load`: load() raises.
    `die_prompt`: a batch holding that prompt kills the worker process (os._exit). `hang_prompt`:
    a batch holding that prompt never finishes (for killing a worker surely mid-batch)."""

    name = "test-echo"

    def __init__(
        self, delay: float = 0.0, fail_prompt: str = "", fail_load: bool = False, die_prompt: str = "",
        hang_prompt: str = "",
    ):
        self.delay = delay
        self.fail_prompt = fail_prompt
        self.fail_load = fail_load
        self.die_prompt = die_prompt
        self.hang_prompt = hang_prompt

    def load(self) -> None:
        if self.fail_load:
            raise RuntimeError("no weights here")

    def generate(self, batch: Sequence[ImageRequest]) -> list[bytes]:
        if self.die_prompt and any(r.prompt == self.die_prompt for r in batch):
            os._exit(3)
        if self.fail_prompt and any(r.prompt == self.fail_prompt for r in batch):
            raise ValueError("engine failure (test double)")
        if self.hang_prompt and any(r.prompt == self.hang_prompt for r in batch):
            time.sleep(3600)
        if self.delay:
            time.sleep(self.delay)
        return [echo_png(r) for r in batch]


@dataclass(frozen=True)
class EchoFactory:
    """Picklable engine factory for ProcessPool: builds an EchoEngine in the worker process."""

    delay: float = 0.0
    fail_prompt: str = ""
    fail_load: bool = False
    die_prompt: str = ""
    hang_prompt: str = ""

    def __call__(self, slot: int) -> EchoEngine:
        return EchoEngine(self.delay, self.fail_prompt, self.fail_load, self.die_prompt, self.hang_prompt)


@dataclass(eq=False)
class FakeWorker:
    index: int
    alive: bool = True


@dataclass
class FakePool:
    """TEST DOUBLE of ProcessPool, in process: `workers` fake workers, each batch takes `delay`
    seconds (or waits for `gate` when set). `lose` / `break_engine`: how many upcoming runs end
    with WorkerLost / EngineFailed (after either, the worker is replaced, as ProcessPool does).
    Every batch sent is recorded in `batches`."""

    workers: int = 1
    delay: float = 0.0
    gate: asyncio.Event | None = None
    lose: int = 0
    break_engine: int = 0
    batches: list[list[ImageRequest]] = field(default_factory=list)
    restarts: int = 0

    def __post_init__(self) -> None:
        self._idle: asyncio.Queue[FakeWorker] = asyncio.Queue()
        for i in range(self.workers):
            self._idle.put_nowait(FakeWorker(i))

    async def acquire(self) -> FakeWorker:
        return await self._idle.get()

    def release(self, worker: FakeWorker) -> None:
        self._idle.put_nowait(worker)

    async def run(self, worker: FakeWorker, requests: list[ImageRequest]) -> BatchOutput:
        self.batches.append(list(requests))
        if self.gate is not None:
            await self.gate.wait()
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.lose:
            self.lose -= 1
            self.restarts += 1
            self._idle.put_nowait(FakeWorker(worker.index))  # the replacement
            raise WorkerLost("worker killed (test double)")
        if self.break_engine:
            self.break_engine -= 1
            self.restarts += 1
            self._idle.put_nowait(FakeWorker(worker.index))  # replaced, like a lost one
            raise EngineFailed("ValueError: engine failure (test double)")
        return BatchOutput([echo_png(r) for r in requests], "test-echo", self.delay)
