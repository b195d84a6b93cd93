"""Closed-loop gRPC load generator for `UserService.GetProfile`, run by profile_bench.py in
its own process (so its CPU use can be measured apart from the orchestrator's).

    python -m bench.grpc_load --target 127.0.0.1:50051 --token TOKEN \
        --concurrency 64 --warmup 5 --seconds 15 [--channels 1] [--uvloop]

`concurrency` tasks each keep exactly one call in flight (like wrk's connections), spread
over `channels` grpc.aio channels built with the same options the gateway's client uses
(message limits + the retry service config), and the same per-call timeout (5 s) and
metadata (authorization, x-request-id). Prints "measuring" when the warm-up ends, then one JSON object on stdout: calls, errors,
elapsed seconds, requests/s, p50/p90/p99/max latency in ms and the process's own CPU
seconds during the measured window.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import resource
import time
import uuid

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bench.harness import percentile
from gridam.user.v1 import user_service_pb2 as pb
from gridam.user.v1 import user_service_pb2_grpc
from gridam_runtime.clients import service_config
from gridam_runtime.server import grpc_server_options
from gridam_runtime.settings import BaseGridamSettings, load_settings
from gridam_runtime.tweaks import lower_poller_priority

CALL_TIMEOUT_SECONDS = 5.0  # what the gateway's ServiceClient passes (call_timeout_seconds)


def percentile_ms(nanoseconds: list[int], q: float) -> float:
    """Nearest-rank percentile of nanosecond samples, in milliseconds."""
    return percentile(nanoseconds, q) / 1e6


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run(args: argparse.Namespace) -> dict:
    service = pb.DESCRIPTOR.services_by_name["UserService"]
    options = [*grpc_server_options(), ("grpc.service_config", service_config(service))]
    channels = []
    for i in range(args.channels):
        # A distinct channel arg keeps each channel on its own subchannel / TCP connection.
        channels.append(grpc.aio.insecure_channel(args.target, options=[*options, ("grpc.bench_channel_id", i)]))
    for channel in channels:
        await asyncio.wait_for(channel.channel_ready(), 10)
    # As the gateway's client does (GRIDAM_GRPC_POLLER_NICENESS from the stack's environment).
    lower_poller_priority(load_settings(BaseGridamSettings).grpc_poller_niceness)
    if args.method == "GetProfile":
        calls = [user_service_pb2_grpc.UserServiceStub(c).GetProfile for c in channels]
        request = pb.GetProfileRequest()
    else:  # the floor: the same server, call chain and channel, no token, Redis or SQL
        calls = [health_pb2_grpc.HealthStub(c).Check for c in channels]
        request = health_pb2.HealthCheckRequest(service=service.full_name)
    bearer = ("authorization", f"Bearer {args.token}")

    latencies: list[int] = []
    errors: dict[str, int] = {}
    state = {"measuring": False, "stop": False}
    clock = time.perf_counter_ns

    async def worker(n: int) -> None:
        get_profile = calls[n % len(calls)]
        record = latencies.append
        while not state["stop"]:
            metadata = (("x-request-id", uuid.uuid4().hex), bearer)
            begin = clock()
            try:
                await get_profile(request, timeout=CALL_TIMEOUT_SECONDS, metadata=metadata)
            except grpc.aio.AioRpcError as exc:
                if state["measuring"]:
                    errors[exc.code().name] = errors.get(exc.code().name, 0) + 1
                continue
            end = clock()
            if state["measuring"] and end <= state["end_ns"]:
                record(end - begin)

    tasks = [asyncio.create_task(worker(n)) for n in range(args.concurrency)]
    await asyncio.sleep(args.warmup)
    latencies.clear()
    print("measuring", flush=True)  # profile_bench.py starts its CPU sampling on this line
    cpu_before = cpu_seconds()
    start_ns = clock()
    state["end_ns"] = start_ns + int(args.seconds * 1e9)
    state["measuring"] = True
    await asyncio.sleep(args.seconds)
    elapsed = (clock() - start_ns) / 1e9
    cpu_used = cpu_seconds() - cpu_before
    state["measuring"] = False
    state["stop"] = True
    await asyncio.gather(*tasks)
    for channel in channels:
        await channel.close()

    latencies.sort()
    return {
        "calls": len(latencies),
        "errors": errors,
        "elapsed_s": elapsed,
        "requests_per_s": len(latencies) / elapsed,
        "p50_ms": percentile_ms(latencies, 0.50),
        "p90_ms": percentile_ms(latencies, 0.90),
        "p99_ms": percentile_ms(latencies, 0.99),
        "max_ms": latencies[-1] / 1e6 if latencies else math.nan,
        "loader_cpu_s": cpu_used,
        "concurrency": args.concurrency,
        "channels": args.channels,
        "method": args.method,
        "event_loop": "uvloop" if args.uvloop else "asyncio",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--target", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--uvloop", action="store_true")
    parser.add_argument("--method", choices=["GetProfile", "HealthCheck"], default="GetProfile",
                        help="HealthCheck measures the gRPC server floor (default GetProfile)")
    args = parser.parse_args()
    if args.uvloop:
        import uvloop

        result = uvloop.run(run(args))
    else:
        result = asyncio.run(run(args))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
