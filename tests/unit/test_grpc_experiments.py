"""gRPC's EventEngine is off for connections in every process GriDam starts
(gridam_runtime.tweaks.GRPC_EXPERIMENTS): DevStack sets it unless told otherwise, and with it
gRPC's connection I/O no longer runs on event_engine threads. The Dockerfiles' side is in
test_dockerfiles.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from gridam_devtools.devstack import DevStack
from gridam_runtime.tweaks import GRPC_EXPERIMENTS

# A grpc.aio server and a client in one process; prints the context switches of gRPC's
# event_engine threads per call (those threads exist either way: timers run on them).
PROBE = r"""
import asyncio, json, os
import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

CALLS = 300

def event_engine_switches():
    total = 0
    for tid in os.listdir("/proc/self/task"):
        if open(f"/proc/self/task/{tid}/comm").read().strip() == "event_engine":
            for line in open(f"/proc/self/task/{tid}/status"):
                if "ctxt_switches" in line:  # voluntary and nonvoluntary
                    total += int(line.split()[1])
    return total

async def main():
    server = grpc.aio.server()
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        await stub.Check(health_pb2.HealthCheckRequest())  # connected
        before = event_engine_switches()
        async def caller():
            for _ in range(CALLS // 10):
                await stub.Check(health_pb2.HealthCheckRequest())
        await asyncio.gather(*(caller() for _ in range(10)))
        per_call = (event_engine_switches() - before) / CALLS
    await server.stop(None)
    print(json.dumps({"event_engine_switches_per_call": per_call}))

asyncio.run(main())
"""


def probe(experiments: str | None) -> tuple[float, str]:
    env = {key: value for key, value in os.environ.items() if key != "GRPC_EXPERIMENTS"}
    if experiments is not None:
        env["GRPC_EXPERIMENTS"] = experiments
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["event_engine_switches_per_call"], done.stderr


def test_devstack_starts_processes_with_the_event_engine_off_unless_told_otherwise(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("GRPC_EXPERIMENTS", raising=False)
    assert DevStack({}).env["GRPC_EXPERIMENTS"] == GRPC_EXPERIMENTS
    monkeypatch.setenv("GRPC_EXPERIMENTS", "")
    assert DevStack({}).env["GRPC_EXPERIMENTS"] == ""  # the operator's choice
    assert DevStack({"GRPC_EXPERIMENTS": "-event_engine_client"}).env["GRPC_EXPERIMENTS"] == "-event_engine_client"


def test_the_pinned_grpcio_knows_the_experiments_and_keeps_connection_io_off_its_threads():
    with_setting, stderr = probe(GRPC_EXPERIMENTS)
    # An experiment a newer grpcio removed is only a warning: the setting would silently do nothing.
    assert "Unknown experiment" not in stderr
    default, _ = probe(None)
    assert with_setting < 1.5, with_setting
    # If this fails, grpcio's default changed: measure the profile benchmark again before keeping the setting.
    assert default > 3 * max(with_setting, 0.5), (default, with_setting)
