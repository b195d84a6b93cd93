"""Benchmark of `GET /api/users/profile` through the gateway beside the same call made
directly to the user service over gRPC (distributed profile: real MariaDB + Redis).

    .venv/bin/python -m bench.profile_bench [--seconds 15] [--connections 64] [--runs 3]
        [--warmup 5] [--workers N] [--no-access-log] [--log-level INFO] [--floors]
        [--env GRIDAM_X=value ...]

What it does:
  1. starts a private MariaDB and Redis (tests.support.servers) and the stack (DevStack:
     migrations, user service, gateway) on free ports, data in a temp folder;
  2. signs one user up through the real HTTP API (SMS code read from the outbox file)
     and logs in to get an access token;
  3. gateway: wrk (C, closed loop, `--connections` connections, 1 thread) with the bearer
     token, a warm-up run, then measured runs; any non-2xx answer or socket error fails it;
  4. direct: bench.grpc_load in its own process, `--connections` concurrent in-flight
     `UserService.GetProfile` calls with the same metadata, warm-up then measured;
     3 and 4 alternate `--runs` times and the report gives the median of each figure;
  5. with --floors, the same load on GET /healthz (gateway HTTP stack only), GET /readyz
     (HTTP + one gRPC Health/Check to each of the three services, in turn) and Health/Check
     directly: what the path costs without its own work;
  6. prints a table, the ratios and PASS/FAIL against the targets, and writes the
     figures to bench/results/profile_bench.json.

Everything (stack, MariaDB, Redis, temp folder) is stopped and removed at the end, also
on Ctrl-C. While each path is measured, the CPU time of every process (gateway, user
service, MariaDB, Redis, the load generator; the diary and emotion services and the diary
worker, which the stack also runs, apart) is sampled from /proc, so the report shows
where the machine's cores went and the CPU cost of one request on each path. A short
CPU speed check before and after tells runs on a slowed-down shared host apart.

Exit status: 0 when every target passes, 1 when a target fails, 2 when the run itself
failed (errors, non-2xx answers, a process that did not start), 130 on Ctrl-C.
"""


from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

import httpx

from bench.harness import (
    ROOT,
    WRK_SCRIPT,
    BenchError,
    CpuMeter,
    Infra,
    PathResult,
    check_clean,
    git_revision,
    measure_wrk,
    print_checks,
    record_speed_check,
    run_on_stack,
    run_wrk,
    speed_check,
    summary,
    table,
)
from gridam_devtools.devstack import DevStack

RESULTS_FILE = ROOT / "bench" / "results" / "profile_bench.json"
PROFILE_PATH = "/api/users/profile"

TARGET_RPS = 1500.0
TARGET_P99_MS = 50.0
TARGET_COST_RATIO = 1.5


def access_log_note(env: dict[str, str]) -> str:
    if env.get("GRIDAM_ACCESS_LOG", "").lower() in ("false", "0", "no", "off"):
        return "OFF (GRIDAM_ACCESS_LOG=false)"
    if env["GRIDAM_LOG_LEVEL"] in ("WARNING", "ERROR"):
        return (f"enabled (GRIDAM_ACCESS_LOG default) but NOT WRITTEN: its records are INFO and "
                f"GRIDAM_LOG_LEVEL={env['GRIDAM_LOG_LEVEL']} drops them (about 0.4 µs each)")
    return "ON: one JSON line per request from the gateway and one from the user service, to log files"


def seed_user(stack: DevStack) -> str:
    """Sign one user up through the real HTTP API and log in; the access token."""
    suffix = os.urandom(4).hex()
    login_id, password, phone = f"bench{suffix}", "bench-secret-123", "010" + str(int(suffix, 16) % 10**8).zfill(8)
    outbox = stack.data_dir / "sms-outbox.jsonl"
    with httpx.Client(base_url=stack.http_url, timeout=30) as http:

        def post(path: str, body: dict) -> dict:
            reply = http.post(path, json=body)
            if reply.status_code != 200 or not reply.json().get("success"):
                raise BenchError(f"POST {path} -> {reply.status_code} {reply.text}")
            return reply.json()

        post("/api/auth/sms/send", {"phoneNum": phone})
        messages = [json.loads(line) for line in outbox.read_text().splitlines()]
        code = [m for m in messages if m["phone"] == phone][-1]["code"]
        post("/api/auth/sms/verify", {"phoneNum": phone, "certificationCode": code})
        post(
            "/api/auth/signup",
            {"loginId": login_id, "password": password, "checkPassword": password, "nickname": "벤치",
             "phoneNum": phone, "authCode": "ignored", "auth": True},
        )
        token = post("/api/auth/login", {"loginId": login_id, "password": password})["result"]["accessToken"]
        check = http.get(PROFILE_PATH, headers={"Authorization": f"Bearer {token}"})
        if check.status_code != 200 or check.json()["result"]["userId"] != login_id:
            raise BenchError(f"GET {PROFILE_PATH} -> {check.status_code} {check.text}")
    return token


# --------------------------------------------------------------------------- measurement


def measure_http(
    infra: Infra, token: str, args: argparse.Namespace, roots: dict[str, int], path: str, name: str, label: str,
    *, warm_up: bool = True,
) -> PathResult:
    """wrk against one gateway path: warm-up (first time), then the measured run with CPU sampling."""
    script = infra.root / "bench.lua"
    script.write_text(WRK_SCRIPT.replace("TOKEN", token))
    url = infra.stack.http_url + path
    if warm_up and args.warmup > 0:
        print(f"gateway GET {path}: warm-up {args.warmup:g}s ...", flush=True)
        warm, _, _ = run_wrk(url, script, threads=args.wrk_threads, connections=args.connections, seconds=args.warmup)
        check_clean(warm, f"GET {path} warm-up")
    print(f"gateway GET {path}: measuring {args.seconds:g}s ...", flush=True)
    return measure_wrk(url, script, args, roots, name, label)


def measure_grpc(
    infra: Infra, token: str, args: argparse.Namespace, roots: dict[str, int], method: str, name: str, label: str,
    *, warm_up: bool = True,
) -> PathResult:
    """bench.grpc_load against the user service; CPU sampled over its measured window."""
    target = infra.stack.env["GRIDAM_USER_SERVICE_ADDR"]
    # Later runs still give the fresh loader process a second to connect and settle.
    warmup = args.warmup if warm_up else min(args.warmup, 1.0)
    command = [
        sys.executable, "-m", "bench.grpc_load", "--target", target, "--token", token,
        "--concurrency", str(args.connections), "--channels", str(args.grpc_channels),
        "--warmup", str(warmup), "--seconds", str(args.seconds), "--method", method,
    ]
    if args.grpc_uvloop:
        command.append("--uvloop")
    print(f"direct gRPC {method}: warm-up {warmup:g}s, measuring {args.seconds:g}s ...", flush=True)
    # The stack's environment: its gRPC runs as the services' does (GRPC_EXPERIMENTS).
    loader = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=infra.stack.env, cwd=ROOT)
    try:
        meter = CpuMeter({**roots, "load generator (grpc_load.py)": loader.pid})
        if loader.stdout.readline().strip() != "measuring":  # printed when its warm-up ends
            raise BenchError(f"grpc_load.py exited with {loader.wait()} before measuring")
        meter.start()
        # Sample just before the loader stops measuring (a sample after it exits would miss it).
        time.sleep(max(0.1, args.seconds - 0.2))
        cpu = meter.stop()
        out, _ = loader.communicate(timeout=args.seconds + 60)
    finally:
        if loader.poll() is None:
            loader.kill()
            loader.wait()
    if loader.returncode != 0:
        raise BenchError(f"grpc_load.py exited with {loader.returncode}")
    figures = json.loads(out.strip().splitlines()[-1])
    if figures["errors"] or not figures["calls"]:
        raise BenchError(f"direct gRPC {method}: {figures['calls']} calls, errors {figures['errors']}")
    return PathResult(
        name=name,
        label=label,
        requests=figures["calls"],
        seconds=figures["elapsed_s"],
        rps=figures["requests_per_s"],
        p50_ms=figures["p50_ms"],
        p90_ms=figures["p90_ms"],
        p99_ms=figures["p99_ms"],
        max_ms=figures["max_ms"],
        cores=cpu,
        machine_busy=meter.machine_busy,
        stolen=meter.stolen,
        notes=[f"grpc.aio, {figures['channels']} channel(s), {figures['event_loop']} event loop, "
               f"{figures['concurrency']} in-flight calls"],
    )


# --------------------------------------------------------------------------- report

SERVERS = ["gateway", "user service", "mariadb", "redis"]


def report(
    gateway: PathResult, direct: PathResult, floors: list[PathResult], config: dict, args: argparse.Namespace
) -> dict:
    cores = os.cpu_count() or 1
    cost_ratio = direct.rps / gateway.rps
    p50_ratio = gateway.p50_ms / direct.p50_ms
    p99_ratio = gateway.p99_ms / direct.p99_ms
    gw_cpu = gateway.cpu_us_per_request(SERVERS)
    direct_cpu = direct.cpu_us_per_request(SERVERS)
    checks = {
        "throughput": (gateway.rps >= TARGET_RPS, f"gateway throughput {gateway.rps:,.0f} req/s ≥ {TARGET_RPS:,.0f}"),
        "p99": (gateway.p99_ms < TARGET_P99_MS, f"gateway p99 {gateway.p99_ms:.1f} ms < {TARGET_P99_MS:g} ms"),
        "cost_ratio": (
            cost_ratio <= TARGET_COST_RATIO,
            f"cost ratio (direct req/s ÷ gateway req/s) {cost_ratio:.2f}× ≤ {TARGET_COST_RATIO}×",
        ),
    }
    runs = [gateway, direct, *floors]

    rows = [("path", "requests/s", "p50 ms", "p90 ms", "p99 ms", "max ms")]
    for r in runs:
        rows.append((r.name, f"{r.rps:,.0f}", f"{r.p50_ms:.2f}", f"{r.p90_ms:.2f}", f"{r.p99_ms:.2f}", f"{r.max_ms:.1f}"))

    print()
    print(f"GET {PROFILE_PATH} — {args.connections} concurrent connections / in-flight calls, "
          f"{args.seconds:g}s measured after {args.warmup:g}s warm-up, {cores} cores")
    for key, value in config.items():
        print(f"  {key}: {value}")
    print()
    print("\n".join(table(rows)))
    for r in (gateway, direct):
        if r.rounds:
            print(f"  {r.label} runs: " + ", ".join(f"{x.rps:,.0f} req/s p99 {x.p99_ms:.0f} ms" for x in r.rounds))
    if gateway.rounds:
        print(f"  (median of {len(gateway.rounds)} interleaved runs per path; max is the largest of all runs)")
    print()
    print(f"ratio gateway/direct: throughput {gateway.rps / direct.rps:.2f}×, p50 {p50_ratio:.2f}×, "
          f"p99 {p99_ratio:.2f}×  (cost = direct req/s ÷ gateway req/s = {cost_ratio:.2f}×)")
    print()
    print(f"where the cores went during each measured run: cores used (CPU s ÷ wall s; {cores}.00 = every core) "
          "and CPU µs per request")
    names = sorted({n for r in runs for n in r.cores}, key=lambda n: (n.startswith("load"), n))
    name_width = max(len(n) for n in [*names, "stolen by hypervisor"])
    cell = max(20, *(len(r.label) for r in runs))
    print(f"  {'process'.ljust(name_width)} | " + " | ".join(f"{r.label:>{cell}}" for r in runs))
    for n in names:
        cells = [f"{r.cores[n]:.2f} ({r.cpu_us_per_request([n]):,.0f} µs)" if n in r.cores else "-" for r in runs]
        print(f"  {n.ljust(name_width)} | " + " | ".join(f"{c:>{cell}}" for c in cells))
    for title, values in (
        ("anything else", [r.other_cores for r in runs]),
        ("whole machine busy", [r.machine_busy * cores for r in runs]),
        ("stolen by hypervisor", [r.stolen * cores for r in runs]),
    ):
        print(f"  {title.ljust(name_width)} | " + " | ".join(f"{v:>{cell}.2f}" for v in values))
    for r in runs:
        if r.other_cores > 0.25 or r.stolen * cores > 0.1:
            print(f"WARNING: during the {r.label} run {r.other_cores:.2f} cores went to other processes and "
                  f"{r.stolen * cores:.2f} were stolen: figures disturbed, run again on a quiet machine")
    single_gateway = str(config.get("gateway workers", "1")).split()[0] == "1"
    for r in (gateway, direct):
        for name in ("user service", "gateway"):
            if name == "gateway" and not single_gateway:
                continue
            if r.cores.get(name, 0) >= 0.85:
                print(f"bottleneck ({r.label} run): the {name} used {r.cores[name]:.2f} cores, about all one Python "
                      f"process can (GIL), with {max(0.0, 1 - r.machine_busy - r.stolen) * cores:.2f} cores idle")
    print(f"server CPU per request (load generators excluded): gateway path {gw_cpu:,.0f} µs "
          f"(gateway {gateway.cpu_us_per_request(['gateway']):,.0f} + user service "
          f"{gateway.cpu_us_per_request(['user service']):,.0f} + MariaDB/Redis "
          f"{gateway.cpu_us_per_request(['mariadb', 'redis']):,.0f}), direct {direct_cpu:,.0f} µs "
          f"→ CPU cost ratio {gw_cpu / direct_cpu:.2f}×")
    budget = cores / TARGET_RPS * 1e6
    print(f"CPU budget for {TARGET_RPS:,.0f} req/s on {cores} cores: {budget:,.0f} µs per request for everything "
          f"(wrk included); the gateway path uses "
          f"{gw_cpu + gateway.cpu_us_per_request(['load generator (wrk)']):,.0f} µs")
    print("note: the load generators share the cores with the servers they measure (no other machine here). "
          "wrk is C and cheap; grpc_load.py is Python grpc.aio and costs several times more per call, so when "
          "the machine is saturated it takes CPU from the user service and understates the direct figure "
          "(and so the cost ratio); while cores are idle it does not limit it.")
    print()
    print_checks(checks)

    return summary(
        f"GET {PROFILE_PATH} via the gateway vs UserService.GetProfile directly over gRPC",
        config,
        {"requests_per_s_min": TARGET_RPS, "p99_ms_max": TARGET_P99_MS, "cost_ratio_max": TARGET_COST_RATIO},
        checks,
        gateway=gateway.as_json(SERVERS),
        direct_grpc=direct.as_json(SERVERS),
        floors={r.label: r.as_json(SERVERS) for r in floors},
        ratios={
            "throughput_gateway_over_direct": round(gateway.rps / direct.rps, 3),
            "cost_direct_rps_over_gateway_rps": round(cost_ratio, 3),
            "p50_gateway_over_direct": round(p50_ratio, 3),
            "p99_gateway_over_direct": round(p99_ratio, 3),
            "server_cpu_per_request_gateway_over_direct": round(gw_cpu / direct_cpu, 3),
        },
    )


# --------------------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="GET /api/users/profile through the gateway vs UserService.GetProfile directly."
    )
    parser.add_argument("--seconds", type=float, default=15.0, help="measured seconds per path (default 15)")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds per path (default 5)")
    parser.add_argument("--runs", type=int, default=3,
                        help="measured runs per path, interleaved; the report gives the median of each figure "
                             "(default 3: single runs differ by 10-25%% here)")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections / calls (default 64)")
    parser.add_argument("--wrk-threads", type=int, default=1,
                        help="wrk threads (default 1: one C thread drives 64 connections far past what the "
                             "gateway serves, and leaves the most CPU to the servers)")
    parser.add_argument("--grpc-channels", type=int, default=1, help="gRPC channels of the direct loader (default 1)")
    parser.add_argument("--grpc-uvloop", action="store_true", help="run the direct loader on uvloop")
    parser.add_argument("--workers", type=int, default=None, help="gateway worker processes (GRIDAM_WORKERS)")
    parser.add_argument("--no-access-log", action="store_true",
                        help="GRIDAM_ACCESS_LOG=false for gateway and user service (default: the setting's default, on)")
    parser.add_argument("--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        help="GRIDAM_LOG_LEVEL (default WARNING, as the e2e tests; access-log records are INFO, "
                             "so only INFO or DEBUG writes them)")
    parser.add_argument("--floors", action="store_true",
                        help="also measure what the path costs without its work, to see where the time goes: "
                             "gateway GET /healthz (HTTP stack only), GET /readyz (HTTP + a gRPC Health/Check to "
                             "each of the three services) and Health/Check directly (gRPC server + call chain only)")
    parser.add_argument("--env", action="append", default=[], metavar="GRIDAM_NAME=value",
                        help="extra setting for the stack; repeatable")
    parser.add_argument("--output", type=pathlib.Path, default=RESULTS_FILE, help=f"JSON file (default {RESULTS_FILE})")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder (logs) after the run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print wrk's own output")
    args = parser.parse_args()
    if args.runs < 1 or args.seconds < 1 or args.warmup < 0 or args.connections < 1 or args.wrk_threads < 1:
        parser.error("--runs, --seconds, --connections and --wrk-threads must be at least 1, --warmup at least 0")
    if args.wrk_threads > args.connections:
        parser.error("wrk needs at least one connection per thread")
    return args


def measure_profile(infra: Infra, env: dict[str, str], args: argparse.Namespace) -> dict:
    token = seed_user(infra.stack)
    processes = {m.name: m.process.pid for m in infra.stack.processes}
    roots = {
        "gateway": processes["gateway"],
        "user service": processes["user-service"],
        "mariadb": infra.mariadb.process.pid,
        "redis": infra.redis.process.pid,
        # Not on the measured path, but running beside it (the worker polls for jobs).
        "diary service": processes["diary-service"],
        "emotion service": processes["emotion-service"],
        "diary worker": processes["diary-worker"],
    }
    config = {
        "code": git_revision(),
        "profile": "distributed (MariaDB + Redis), stack started by DevStack",
        "gateway workers": env.get("GRIDAM_WORKERS") or "1 (default)",
        "access logs": access_log_note(env),
        "log level": env["GRIDAM_LOG_LEVEL"],
        "extra settings": " ".join(args.env) or "none",
        "GRPC_EXPERIMENTS": infra.stack.env.get("GRPC_EXPERIMENTS") or "none (gRPC's defaults)",
        "gateway load generator": f"wrk, {args.wrk_threads} thread(s), {args.connections} connections, "
        "closed loop, on the same cores",
        "direct load generator": f"bench.grpc_load (Python grpc.aio{' + uvloop' if args.grpc_uvloop else ''}, "
        f"{args.grpc_channels} channel(s), {args.connections} in-flight calls), on the same cores",
    }
    speed_before = speed_check()
    gateway_runs, direct_runs = [], []
    for n in range(args.runs):  # interleaved, so a slow spell of the machine hits both paths alike
        if args.runs > 1:
            print(f"run {n + 1} of {args.runs}", flush=True)
        gateway_runs.append(measure_http(infra, token, args, roots, PROFILE_PATH, "gateway (HTTP → gRPC → MariaDB)",
                                         "gateway", warm_up=n == 0))
        direct_runs.append(measure_grpc(infra, token, args, roots, "GetProfile", "direct gRPC (user service)",
                                        "direct", warm_up=n == 0))
    gateway, direct = PathResult.combine(gateway_runs), PathResult.combine(direct_runs)
    floors = []
    if args.floors:
        floors = [
            measure_http(infra, token, args, roots, "/healthz", "floor: gateway GET /healthz (HTTP only)",
                         "/healthz"),
            measure_http(infra, token, args, roots, "/readyz",
                         "floor: gateway GET /readyz (HTTP → 3 gRPC Health/Checks)", "/readyz"),
            measure_grpc(infra, token, args, roots, "HealthCheck", "floor: direct gRPC Health/Check",
                         "Health/Check"),
        ]
    speed_after = speed_check()
    config["CPU speed check"] = (
        f"{speed_before:.0f} ms before, {speed_after:.0f} ms after (a fixed Python loop; lower is faster — "
        "compare runs only at similar values)"
    )
    return record_speed_check(report(gateway, direct, floors, config, args), speed_before, speed_after)


def main() -> int:
    args = parse_args()
    return run_on_stack(args, lambda infra, env: measure_profile(infra, env, args))


if __name__ == "__main__":
    sys.exit(main())
