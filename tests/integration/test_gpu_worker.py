"""The real gpu-worker (`python -m gpu_worker`, cpu-art engine, 4 worker processes) over gRPC:
readiness, service-token checks, batching under concurrency, a worker SIGKILLed mid-batch,
and a clean SIGTERM shutdown. Tests run in file order on one server."""

from __future__ import annotations

import asyncio
import io
import os
import pathlib
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from PIL import Image

from gridam.common.v1 import emotion_pb2 as common
from gridam.imagegen.v1 import imagegen_service_pb2 as v1
from gridam.imagegen.v1 import imagegen_service_pb2_grpc as v1_grpc
from gridam.imagegen.v2 import imagegen_service_pb2 as pb
from gridam.imagegen.v2 import imagegen_service_pb2_grpc
from gridam_devtools.keys import ensure_keys
from gridam_runtime.errors import error_info
from gridam_runtime.tokens import AccessTokenIssuer, ServiceTokenIssuer
from tests.support.servers import free_port
from tests.support.waiting import wait_until_async

SERVICE = "gridam.imagegen.v2.ImageGenService"
V1_SERVICE = "gridam.imagegen.v1.ImageGenService"  # served beside v2 for one release (docs/protos.md)
WORKERS = 4


@dataclass
class GpuWorker:
    process: subprocess.Popen
    address: str
    metrics_url: str
    keys: pathlib.Path
    log: pathlib.Path
    first_health: int

    def token(self, service: str = "gridam-card") -> str:
        return ServiceTokenIssuer.from_keys_dir(self.keys, service).token()

    def metric(self, name: str) -> float:
        body = urllib.request.urlopen(self.metrics_url, timeout=5).read().decode()
        for line in body.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    def workers(self) -> dict[int, str]:
        """pid -> state letter (R running, S sleeping, ...) of the worker processes."""
        found = {}
        for entry in pathlib.Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == self.process.pid and b"spawn_main" in cmdline and fields[0] != "Z":
                found[int(entry.name)] = fields[0]
        return found


async def _health(channel: grpc.aio.Channel, service: str = SERVICE) -> int:
    # A generous timeout: on a loaded 2-core CI machine the first answers can take seconds.
    reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
    return reply.status


@pytest.fixture(scope="module")
def gpu_worker(tmp_path_factory) -> GpuWorker:
    root = tmp_path_factory.mktemp("gpu-worker")
    ensure_keys(root / "keys")
    port, metrics_port = free_port(), free_port()
    env = {
        **os.environ,
        "GRIDAM_DATA_DIR": str(root),
        "GRIDAM_GRPC_PORT": str(port),
        "GRIDAM_METRICS_PORT": str(metrics_port),
        "GRIDAM_ENGINE": "cpu-art",
        "GRIDAM_WORKER_PROCESSES": str(WORKERS),
        "GRIDAM_MAX_BATCH_SIZE": "8",
        "GRIDAM_MAX_BATCH_WAIT_MS": "20",
        "GRIDAM_ACCESS_LOG": "false",
        "GRIDAM_DRAIN_DELAY_SECONDS": "0.2",
        "GRIDAM_SHUTDOWN_GRACE_SECONDS": "5",
    }
    log = root / "gpu-worker.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gpu_worker"], env=env, stdout=out, stderr=subprocess.STDOUT)
    address = f"127.0.0.1:{port}"

    # Reconnect at once: with gRPC's growing back-off the first answer could come after the
    # worker's 5 s readiness tick and read SERVING.
    quick_reconnect = [(f"grpc.{name}_reconnect_backoff_ms", 50) for name in ("initial", "min", "max")]

    async def first_answer() -> int:
        async with grpc.aio.insecure_channel(address, options=quick_reconnect) as channel:
            end = time.monotonic() + 30
            while time.monotonic() < end:
                if process.poll() is not None:
                    raise RuntimeError(f"gpu-worker exited:\n{log.read_text()[-3000:]}")
                try:
                    return await _health(channel)
                except grpc.aio.AioRpcError:
                    await asyncio.sleep(0.05)
            raise RuntimeError(f"gpu-worker not listening:\n{log.read_text()[-3000:]}")

    try:
        first = asyncio.run(first_answer())
        yield GpuWorker(process, address, f"http://127.0.0.1:{metrics_port}/metrics", root / "keys", log, first)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
async def stub(gpu_worker):
    async with grpc.aio.insecure_channel(gpu_worker.address) as channel:
        yield imagegen_service_pb2_grpc.ImageGenServiceStub(channel)


def request(seed: int, size: int = 128) -> pb.GenerateImageRequest:
    return pb.GenerateImageRequest(
        prompt="바다", seed=seed, width=size, height=size,
        palette=[common.EmotionShare(emotion=common.EMOTION_SAD, fraction=0.6),
                 common.EmotionShare(emotion=common.EMOTION_HAPPY, fraction=0.4)],
        motifs=["#바다", f"wave{seed % 5}"],
    )


async def test_not_serving_until_every_worker_has_loaded(gpu_worker):
    assert gpu_worker.first_health == health_pb2.HealthCheckResponse.NOT_SERVING
    async with grpc.aio.insecure_channel(gpu_worker.address) as channel:
        end = time.monotonic() + 120
        while await _health(channel) != health_pb2.HealthCheckResponse.SERVING:
            assert time.monotonic() < end, gpu_worker.log.read_text()[-3000:]
            await asyncio.sleep(0.1)
    assert len(gpu_worker.workers()) == WORKERS
    assert gpu_worker.metric("gridam_imagegen_workers_live") == WORKERS


async def test_only_allowed_services_may_call(gpu_worker, stub):
    user_token = AccessTokenIssuer.from_file(gpu_worker.keys / "jwt-ed25519.pem", 900).issue(1, "alice", "s1")[0]
    for metadata, code in [
        ((), grpc.StatusCode.UNAUTHENTICATED),
        # Known callers the method's access option does not name (only gridam-card): refused as such.
        ((("authorization", f"Bearer {user_token}"),), grpc.StatusCode.PERMISSION_DENIED),
        ((("authorization", f"Bearer {gpu_worker.token('gridam-diary')}"),), grpc.StatusCode.PERMISSION_DENIED),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.GenerateImage(request(1), metadata=metadata, timeout=10)
        assert refused.value.code() == code
    with pytest.raises(grpc.aio.AioRpcError) as invalid:
        await stub.GenerateImage(
            pb.GenerateImageRequest(width=100, height=128), metadata=(("authorization", f"Bearer {gpu_worker.token()}"),),
            timeout=10,
        )
    assert invalid.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_info(invalid.value).reason == "IMAGEGEN4001"


async def test_concurrent_callers_get_their_own_images_in_shared_batches(gpu_worker, stub):
    metadata = (("authorization", f"Bearer {gpu_worker.token()}"),)
    replies = await asyncio.gather(*(stub.GenerateImage(request(s), metadata=metadata, timeout=30) for s in range(48)))
    assert len({r.png for r in replies}) == 48
    for reply in replies:
        assert reply.engine == "cpu-art"
        assert Image.open(io.BytesIO(reply.png)).size == (128, 128)
    assert max(r.batch_size for r in replies) > 1
    # The same request (seed included) gives the same picture, whatever batch it lands in.
    again = await stub.GenerateImage(request(7), metadata=metadata, timeout=30)
    assert again.png == replies[7].png
    assert gpu_worker.metric("gridam_imagegen_images_total") >= 49


async def test_a_v1_caller_gets_the_same_picture_from_emotion_keys(gpu_worker, stub):
    """A card service not yet rolled out calls v1 with its emotions as keys, as before."""
    metadata = (("authorization", f"Bearer {gpu_worker.token()}"),)
    async with grpc.aio.insecure_channel(gpu_worker.address) as channel:
        assert await _health(channel, V1_SERVICE) == health_pb2.HealthCheckResponse.SERVING
        old = v1_grpc.ImageGenServiceStub(channel)
        sent = request(7)
        fields = {name: getattr(sent, name) for name in ("prompt", "seed", "width", "height", "motifs")}
        palette = [v1.EmotionWeight(emotion="SAD", weight=0.6), v1.EmotionWeight(emotion="HAPPY", weight=0.4)]
        reply = await old.GenerateImage(v1.GenerateImageRequest(**fields, palette=palette), metadata=metadata, timeout=30)
        assert reply.png == (await stub.GenerateImage(sent, metadata=metadata, timeout=30)).png
        with pytest.raises(grpc.aio.AioRpcError) as invalid:
            await old.GenerateImage(
                v1.GenerateImageRequest(**fields, palette=[v1.EmotionWeight(emotion="행복", weight=1.0)]),
                metadata=metadata, timeout=10,
            )
        assert error_info(invalid.value).reason == "IMAGEGEN4005"


async def wait_all_workers_live(gpu_worker) -> None:
    """Until WORKERS worker processes run and all have loaded their engine."""
    await wait_until_async(
        lambda: len(gpu_worker.workers()) == WORKERS and gpu_worker.metric("gridam_imagegen_workers_live") == WORKERS,
        f"{WORKERS} workers live", timeout=30,
    )


async def test_a_worker_killed_mid_batch_costs_no_caller_its_image(gpu_worker, stub):
    metadata = (("authorization", f"Bearer {gpu_worker.token()}"),)
    retries_before = gpu_worker.metric("gridam_imagegen_batch_retries_total")
    restarts_before = gpu_worker.metric("gridam_imagegen_worker_restarts_total")
    killed: list[int] = []
    for round_ in range(3):  # until the kill lands on a worker that is drawing
        # A replacement still loading could be taken for a drawing worker; its loss is no restart.
        await wait_all_workers_live(gpu_worker)
        calls = [asyncio.ensure_future(stub.GenerateImage(request(1000 * round_ + s, 256), metadata=metadata, timeout=60))
                 for s in range(64)]
        victim = None
        end = time.monotonic() + 10
        while victim is None and time.monotonic() < end:
            drawing = [pid for pid, state in gpu_worker.workers().items() if state == "R"]
            if drawing:
                victim = drawing[0]
            else:
                await asyncio.sleep(0.005)
        assert victim is not None
        os.kill(victim, signal.SIGKILL)
        killed.append(victim)
        replies = await asyncio.gather(*calls)  # every caller is answered with an image
        assert all(Image.open(io.BytesIO(r.png)).size == (256, 256) for r in replies)
        if gpu_worker.metric("gridam_imagegen_batch_retries_total") > retries_before:
            break
    assert gpu_worker.metric("gridam_imagegen_batch_retries_total") > retries_before
    await wait_all_workers_live(gpu_worker)
    assert not set(killed) & set(gpu_worker.workers())
    assert gpu_worker.metric("gridam_imagegen_worker_restarts_total") == restarts_before + len(killed)
    reply = await stub.GenerateImage(request(5), metadata=metadata, timeout=30)
    assert reply.png


async def test_sigterm_stops_the_server_and_its_workers(gpu_worker):
    workers = gpu_worker.workers()
    assert len(workers) == WORKERS
    gpu_worker.process.send_signal(signal.SIGTERM)
    assert await asyncio.to_thread(gpu_worker.process.wait, 30) == 0, gpu_worker.log.read_text()[-3000:]
    for pid in workers:
        assert not pathlib.Path(f"/proc/{pid}").exists() or "Z" in pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
