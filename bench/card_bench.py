"""gpu-worker bench: images/s with batching vs without, on the real server over gRPC.

    .venv/bin/python -m bench.card_bench [--engines cpu-art,diffusers] [--seconds 10] [--warmup 5]
        [--concurrency 64] [--workers 4] [--cpu-art-size 512] [--diffusers-size 64]

For each engine it starts `python -m gpu_worker` (4 worker processes) twice, with
GRIDAM_MAX_BATCH_SIZE=8 and with 1 (same workers, same 20 ms max wait), waits for SERVING,
and drives it closed-loop: `--concurrency` callers each keep one GenerateImage call in flight
(a service token of gridam-card, distinct seeds), `--warmup` seconds unmeasured, then
`--seconds` measured. Prints images/s, p50/p99 latency, the mean batch size the server
formed, errors, and the batched/unbatched ratio per engine. Keep --concurrency a multiple of
workers x 8 (32, 64): in a closed loop, 48 callers make 6 batches of 8 for 4 workers, so every
second round leaves two workers idle and batching looks 25 % worse than it is.

* cpu-art: the CPU renderer at --cpu-art-size (512x512: the card image size).
* diffusers: the tiny random Stable Diffusion pipeline of tests/support/tiny_diffusion.py
  (diffusers' own test sizes; 64x64, 1 step, fp32 on CPU), written to a temp folder and
  loaded by the production loader. It measures the serving overhead around a pipeline call,
  not a real model: the UNet is tiny, so a call is mostly Python/launch overhead - exactly
  what batching amortises.
The worker processes get OMP_NUM_THREADS=1 (4 workers on this 2-core machine).

    .venv/bin/python -m bench.card_bench --gpu [--batch-sizes 1,2,4,8,16,32] [--size 512]
        [--dtype bf16] [--device cuda] [--seconds 10] [--compile MODE] [--compile-vae]
        [--channels-last] [--peak-tflops 989]

GPU mode (a GPU box; not run here): the diffusers engine on an SD-Turbo-sized pipeline with
random weights (docs/performance.md, "The gpu-worker": SD-2.1 UNet, SD VAE, OpenCLIP-H-sized text encoder; weight
values do not change the arithmetic), written to a temp folder and loaded by the engine
exactly as in production, 1 step, no CFG. For each batch size: images/s of the pipeline on
the GPU (output_type="pt", synchronised), the ratio to batch 1, the share of bf16 peak from
the analytic FLOPs in docs/performance.md (0.80 TFLOP per UNet step + 2.5 TFLOP VAE decode per
image), and images/s of `engine.generate()` (the serving path: + PIL conversion and PNG
encoding on the CPU). In-process on one GPU: it measures what one worker does with a batch.

Exit status: 1 when any call or configuration failed, 0 otherwise (no throughput target).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import math
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

from bench.harness import ROOT, percentile

UNET_TFLOP_PER_STEP = 0.80  # docs/performance.md, "The gpu-worker": SD-1.x/2.x UNet at a 64x64 latent (512x512)
VAE_DECODE_TFLOP = 2.5  # SD VAE decoder to 512x512
SERVICE = "gridam.imagegen.v2.ImageGenService"


# -- CPU mode: the real server over gRPC --------------------------------------------------------


@dataclass
class Run:
    engine: str
    max_batch: int
    images: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    inverse_batch: float = 0.0  # sum of 1/batch_size over images = number of batches
    errors: dict[str, int] = field(default_factory=dict)
    failure: str = ""

    @property
    def per_second(self) -> float:
        return self.images / self.seconds if self.seconds else 0.0

    @property
    def mean_batch(self) -> float:
        return self.images / self.inverse_batch if self.inverse_batch else 0.0

    def percentile(self, q: float) -> float:
        return percentile(self.latencies_ms, q)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def _wait_serving(address: str, process: subprocess.Popen, log: pathlib.Path, timeout: float) -> None:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    end = time.monotonic() + timeout
    async with grpc.aio.insecure_channel(address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < end:
            if process.poll() is not None:
                raise RuntimeError(f"gpu-worker exited with {process.returncode}: {log.read_text()[-2000:]}")
            try:
                reply = await health.Check(health_pb2.HealthCheckRequest(service=SERVICE), timeout=1)
                if reply.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.aio.AioRpcError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"gpu-worker not SERVING after {timeout}s: {log.read_text()[-2000:]}")


async def _drive(address: str, token: str, run: Run, size: int, args: argparse.Namespace) -> None:
    import grpc

    from gridam.common.v1 import emotion_pb2
    from gridam.imagegen.v2 import imagegen_service_pb2 as pb
    from gridam.imagegen.v2 import imagegen_service_pb2_grpc

    state = {"measuring": False, "stop": False, "end": 0.0}
    seeds = iter(range(10**9))
    metadata = (("authorization", f"Bearer {token}"),)
    palette = [
        emotion_pb2.EmotionShare(emotion=emotion_pb2.EMOTION_SAD, fraction=0.6),
        emotion_pb2.EmotionShare(emotion=emotion_pb2.EMOTION_JOY, fraction=0.4),
    ]

    async with grpc.aio.insecure_channel(address) as channel:
        stub = imagegen_service_pb2_grpc.ImageGenServiceStub(channel)

        async def caller() -> None:
            while not state["stop"]:
                seed = next(seeds)
                request = pb.GenerateImageRequest(
                    prompt="비 오는 날의 바다, watercolor", seed=seed, width=size, height=size, steps=0,
                    palette=palette, motifs=["#바다", f"motif{seed % 7}"],
                )
                begin = time.perf_counter()
                try:
                    reply = await stub.GenerateImage(request, metadata=metadata, timeout=60)
                except grpc.aio.AioRpcError as exc:
                    if state["measuring"]:
                        run.errors[exc.code().name] = run.errors.get(exc.code().name, 0) + 1
                    continue
                end = time.perf_counter()
                if state["measuring"] and end <= state["end"]:
                    run.images += 1
                    run.latencies_ms.append((end - begin) * 1000)
                    run.inverse_batch += 1 / max(1, reply.batch_size)

        tasks = [asyncio.create_task(caller()) for _ in range(args.concurrency)]
        await asyncio.sleep(args.warmup)
        begin = time.perf_counter()
        state["end"] = begin + args.seconds
        state["measuring"] = True
        await asyncio.sleep(args.seconds)
        run.seconds = time.perf_counter() - begin
        state["measuring"] = False
        state["stop"] = True
        await asyncio.gather(*tasks)


def _cpu_run(engine: str, max_batch: int, engine_env: dict[str, str], size: int, root: pathlib.Path,
             args: argparse.Namespace) -> Run:
    from gridam_runtime.tokens import ServiceTokenIssuer

    run = Run(engine, max_batch)
    port = _free_port()
    env = {
        **os.environ,
        "GRIDAM_DATA_DIR": str(root),
        "GRIDAM_GRPC_PORT": str(port),
        "GRIDAM_WORKER_PROCESSES": str(args.workers),
        "GRIDAM_MAX_BATCH_SIZE": str(max_batch),
        "GRIDAM_MAX_BATCH_WAIT_MS": str(args.max_wait_ms),
        "GRIDAM_MAX_QUEUE": str(max(64, args.concurrency)),
        "GRIDAM_ACCESS_LOG": "false",
        "GRIDAM_LOG_LEVEL": "WARNING",
        "GRIDAM_DRAIN_DELAY_SECONDS": "0",
        "OMP_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        **engine_env,
    }
    log = root / f"gpu-worker-{engine}-{max_batch}.log"
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "gpu_worker"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                   cwd=ROOT)
    address = f"127.0.0.1:{port}"
    try:
        asyncio.run(_wait_serving(address, process, log, args.start_timeout))
        token = ServiceTokenIssuer.from_keys_dir(root / "keys", "gridam-card").token()
        asyncio.run(_drive(address, token, run, size, args))
    except Exception as exc:  # reported in the table; the exit status says it failed
        run.failure = f"{type(exc).__name__}: {exc}"[:300]
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return run


def cpu_bench(args: argparse.Namespace) -> int:
    from gridam_devtools.keys import ensure_keys

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="card-bench-") as tmp:
        root = pathlib.Path(tmp)
        ensure_keys(root / "keys")
        for engine in engines:
            if engine == "cpu-art":
                engine_env, size = {"GRIDAM_ENGINE": "cpu-art"}, args.cpu_art_size
            elif engine == "diffusers":
                from tests.support.tiny_diffusion import write_tiny_pipeline

                model = write_tiny_pipeline(root / "tiny-sd")
                engine_env = {"GRIDAM_ENGINE": "diffusers", "GRIDAM_ENGINE_MODEL": str(model),
                              "GRIDAM_ENGINE_DTYPE": "fp32", "GRIDAM_ENGINE_DEVICES": "cpu"}
                size = args.diffusers_size
            else:
                raise SystemExit(f"unknown engine {engine!r}")
            for max_batch in (8, 1):
                print(f"running {engine} max_batch_size={max_batch} ...", file=sys.stderr, flush=True)
                runs.append(_cpu_run(engine, max_batch, engine_env, size, root, args))
                if runs[-1].failure:
                    print(f"  failed: {runs[-1].failure}", file=sys.stderr)

    print(f"\ngpu-worker over gRPC: {args.workers} worker processes, {args.concurrency} closed-loop callers, "
          f"{args.seconds:g} s measured after {args.warmup:g} s warm-up, max wait {args.max_wait_ms:g} ms")
    header = f"{'engine':<10} {'size':>5} {'max batch':>9} {'images/s':>9} {'mean batch':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
    print(header)
    print("-" * len(header))
    for run in runs:
        size = args.cpu_art_size if run.engine == "cpu-art" else args.diffusers_size
        errors = sum(run.errors.values()) + (1 if run.failure else 0)
        print(f"{run.engine:<10} {size:>5} {run.max_batch:>9} {run.per_second:>9.1f} {run.mean_batch:>10.2f} "
              f"{run.percentile(0.5):>8.0f} {run.percentile(0.99):>8.0f} {errors:>7}")
    for engine in engines:
        batched = next(r for r in runs if r.engine == engine and r.max_batch == 8)
        single = next(r for r in runs if r.engine == engine and r.max_batch == 1)
        ratio = batched.per_second / single.per_second if single.per_second else math.nan
        print(f"{engine}: batched / batch-1 throughput = {ratio:.2f}x")
    failed = [r for r in runs if r.failure or r.errors]
    for run in failed:
        print(f"ERROR {run.engine} max_batch={run.max_batch}: {run.failure or run.errors}", file=sys.stderr)
    return 1 if failed else 0


# -- GPU mode: the engine on an SD-Turbo-sized random pipeline ----------------------------------


def write_random_sd_turbo(folder: pathlib.Path, device: str, dtype) -> pathlib.Path:
    """SD-Turbo-sized StableDiffusionPipeline with random weights, saved with save_pretrained."""
    import torch
    from diffusers import AutoencoderKL, EulerDiscreteScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    from tests.support.tiny_diffusion import write_tiny_clip_tokenizer

    torch.manual_seed(0)
    with torch.device(device):
        # stabilityai/sd-turbo unet/config.json = the SD-2.1 UNet (docs/performance.md).
        unet = UNet2DConditionModel(
            sample_size=64,
            in_channels=4,
            out_channels=4,
            down_block_types=("CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D", "DownBlock2D"),
            up_block_types=("UpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "CrossAttnUpBlock2D"),
            block_out_channels=(320, 640, 1280, 1280),
            layers_per_block=2,
            attention_head_dim=(5, 10, 20, 20),
            cross_attention_dim=1024,
            use_linear_projection=True,
            norm_num_groups=32,
        )
        # The SD VAE (kl-f8).
        vae = AutoencoderKL(
            in_channels=3,
            out_channels=3,
            down_block_types=("DownEncoderBlock2D",) * 4,
            up_block_types=("UpDecoderBlock2D",) * 4,
            block_out_channels=(128, 256, 512, 512),
            layers_per_block=2,
            latent_channels=4,
            norm_num_groups=32,
            sample_size=512,
            scaling_factor=0.18215,
        )
        # OpenCLIP ViT-H/14 text tower sizes (SD 2.x); ids follow the small byte-level tokenizer.
        text_encoder = CLIPTextModel(CLIPTextConfig(
            vocab_size=49408, hidden_size=1024, intermediate_size=4096, num_hidden_layers=23,
            num_attention_heads=16, max_position_embeddings=77, hidden_act="gelu", projection_dim=1024,
            bos_token_id=0, eos_token_id=1, pad_token_id=1,
        ))
    scheduler = EulerDiscreteScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                       timestep_spacing="trailing", steps_offset=1)
    tokenizer = CLIPTokenizer.from_pretrained(write_tiny_clip_tokenizer(folder / "_tokenizer"))
    pipe = StableDiffusionPipeline(
        vae=vae.to(dtype), text_encoder=text_encoder.to(dtype), tokenizer=tokenizer, unet=unet.to(dtype),
        scheduler=scheduler, safety_checker=None, feature_extractor=None, image_encoder=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder / "sd-turbo-random")
    del pipe, unet, vae, text_encoder
    if device.startswith("cuda"):
        torch.cuda.empty_cache()
    return folder / "sd-turbo-random"


def _timed(fn, seconds: float, sync) -> tuple[int, float]:
    """Run fn() repeatedly for about `seconds` (at least 3 times); (runs, elapsed seconds)."""
    sync()
    begin = time.perf_counter()
    runs = 0
    while runs < 3 or time.perf_counter() - begin < seconds:
        fn()
        runs += 1
    sync()
    return runs, time.perf_counter() - begin


def gpu_bench(args: argparse.Namespace) -> int:
    import torch

    from gpu_worker.adapters.engines.registry import build_engine
    from gpu_worker.domain.images import ImageRequest

    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[args.dtype]
    sync = torch.cuda.synchronize if args.device.startswith("cuda") else (lambda: None)
    sizes = [int(b) for b in args.batch_sizes.split(",")]
    tflop_per_image = UNET_TFLOP_PER_STEP * args.steps * (args.size / 512) ** 2 + VAE_DECODE_TFLOP * (args.size / 512) ** 2
    rows = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="card-bench-gpu-") as tmp:
        print("writing an SD-Turbo-sized random pipeline ...", file=sys.stderr, flush=True)
        model = write_random_sd_turbo(pathlib.Path(tmp), args.device, dtype)
        engine = build_engine("diffusers", model=str(model), device=args.device, dtype=args.dtype,
                              torch_compile=args.compile or False, compile_vae=args.compile_vae,
                              channels_last=args.channels_last)
        engine.load()
        if args.device.startswith("cuda"):
            name = torch.cuda.get_device_name()
        else:
            name = args.device
        for batch in sizes:
            print(f"batch {batch} ...", file=sys.stderr, flush=True)
            requests = [ImageRequest(prompt=f"bench prompt {i}", seed=i, width=args.size, height=args.size,
                                     steps=args.steps) for i in range(batch)]

            def pipeline_call(batch: int = batch, requests: list[ImageRequest] = requests) -> None:
                generators = [torch.Generator(args.device).manual_seed(i) for i in range(batch)]
                engine.pipe(prompt=[r.prompt for r in requests], height=args.size, width=args.size,
                            num_inference_steps=args.steps, guidance_scale=0.0, generator=generators,
                            output_type="pt")

            try:
                for _ in range(2):  # warm-up (and compilation, with --compile)
                    pipeline_call()
                runs, elapsed = _timed(pipeline_call, args.seconds, sync)
                gpu_rate = runs * batch / elapsed
                engine.generate(requests)
                runs, elapsed = _timed(functools.partial(engine.generate, requests), args.seconds / 2, sync)
                serving_rate = runs * batch / elapsed
                rows.append((batch, gpu_rate, serving_rate, ""))
            except torch.cuda.OutOfMemoryError:
                rows.append((batch, math.nan, math.nan, "out of memory"))
                torch.cuda.empty_cache()
            except Exception as exc:
                failed = True
                rows.append((batch, math.nan, math.nan, f"{type(exc).__name__}: {exc}"[:120]))

    base = next((r[1] for r in rows if r[0] == 1 and not r[3]), math.nan)
    print(f"\ndiffusers engine, SD-Turbo-sized random weights, {args.size}x{args.size}, {args.steps} step(s), "
          f"no CFG, {args.dtype}, {name}, compile={args.compile or 'off'}, compile_vae={args.compile_vae}, "
          f"channels_last={args.channels_last}")
    print(f"FLOPs per image (docs/performance.md): {tflop_per_image:.2f} TFLOP; peak {args.peak_tflops:g} TFLOP/s")
    header = f"{'batch':>5} {'GPU img/s':>10} {'x batch 1':>9} {'% of peak':>9} {'serving img/s':>13}  note"
    print(header)
    print("-" * len(header))
    for batch, gpu_rate, serving_rate, note in rows:
        mfu = gpu_rate * tflop_per_image / args.peak_tflops * 100
        print(f"{batch:>5} {gpu_rate:>10.1f} {gpu_rate / base:>9.2f} {mfu:>8.1f}% {serving_rate:>13.1f}  {note}")
    return 1 if failed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--max-wait-ms", type=float, default=20.0)
    parser.add_argument("--engines", default="cpu-art,diffusers")
    parser.add_argument("--cpu-art-size", type=int, default=512)
    parser.add_argument("--diffusers-size", type=int, default=64)
    parser.add_argument("--start-timeout", type=float, default=180.0)
    parser.add_argument("--gpu", action="store_true", help="GPU mode (see above)")
    parser.add_argument("--batch-sizes", default="1,2,4,8,16,32")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--steps", type=int, default=1)
    parser.add_argument("--dtype", choices=["bf16", "fp16", "fp32"], default="bf16")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--compile", default="", help="torch.compile mode for the UNet (default: off)")
    parser.add_argument("--compile-vae", action="store_true",
                        help="with --compile, also compile the VAE decoder (most of the FLOPs at 1 step)")
    parser.add_argument("--channels-last", action="store_true")
    parser.add_argument("--peak-tflops", type=float, default=989.0, help="dense bf16 peak (H100/H200 SXM: ~989)")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    sys.exit(gpu_bench(args) if args.gpu else cpu_bench(args))


if __name__ == "__main__":
    main()
