"""grpc.aio's poller thread runs nicer than the event loop (gridam_runtime.tweaks).

Each probe runs in a fresh Python process, so that the niceness it sets stays out of the
test process, and reports what /proc says of its threads."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from pydantic import ValidationError

from gridam_runtime.settings import REPO_ROOT, BaseGridamSettings

# Starts grpc.aio the way the services do (a server, or only a ServiceClient's channel), lowers
# the poller's priority and prints every thread's niceness as /proc reports it. Run from the
# repository root, so that `tests.support` imports.
PROBE = r"""
import asyncio, json, os, pathlib, sys, threading
import grpc
from grpc_health.v1 import health_pb2
from gridam_runtime.clients import ClientFactory
from gridam_runtime.discovery import StaticDiscovery
from gridam_runtime.tweaks import lower_poller_priority, poller_threads
from tests.support.procfs import niceness

how, steps = sys.argv[1], int(sys.argv[2])

async def main():
    result = {"before": [t.native_id for t in poller_threads()]}
    if how == "server":
        server = grpc.aio.server()
        result["lowered"] = lower_poller_priority(steps)
        result["again"] = lower_poller_priority(steps)
    else:  # a client: the channel is made on the first call
        factory = ClientFactory(StaticDiscovery({"svc": ["127.0.0.1:1"]}), 0.2, poller_niceness=steps)
        client = factory.client("svc", lambda channel: None, health_pb2.DESCRIPTOR.services_by_name["Health"])
        await client.check_health("")
    result["pollers"] = [t.native_id for t in poller_threads()]
    result["niceness"] = {tid: niceness(pathlib.Path(f"/proc/self/task/{tid}/stat")) for tid in os.listdir("/proc/self/task")}
    result["main"] = threading.main_thread().native_id
    if how != "server":
        await factory.close()  # grpc.aio stops its poller once no channel is left
    print(json.dumps(result))

asyncio.run(main())
"""


def probe(how: str, steps: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, how, str(steps)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    result["niceness"] = {int(tid): value for tid, value in result["niceness"].items()}
    return result


def others(result: dict) -> list[int]:
    """Niceness of every thread that is neither the main thread nor a poller."""
    return [n for tid, n in result["niceness"].items() if tid != result["main"] and tid not in result["pollers"]]


def test_a_server_process_runs_its_single_poller_thread_five_steps_nicer_and_nothing_else():
    result = probe("server", 5)
    assert result["before"] == []  # grpc.aio starts its poller with its first server or channel
    assert len(result["pollers"]) == 1  # if this fails, grpcio renamed the thread: see gridam_runtime/tweaks.py
    poller = result["pollers"][0]
    main = result["niceness"][result["main"]]  # 0 unless the tests themselves run under `nice`
    assert result["lowered"] == [poller]
    assert result["niceness"][poller] == min(19, main + 5)
    assert result["again"] == [poller]  # set, not added: still five steps
    assert set(others(result)) <= {main}  # gRPC's own threads and any other keep their priority


def test_a_client_process_lowers_it_when_its_first_channel_starts_grpc_aio():
    result = probe("client", 5)
    assert len(result["pollers"]) == 1
    assert result["niceness"][result["pollers"][0]] == min(19, result["niceness"][result["main"]] + 5)


def test_zero_steps_leaves_the_poller_as_it_is():
    result = probe("server", 0)
    assert result["lowered"] == []
    assert result["niceness"][result["pollers"][0]] == result["niceness"][result["main"]]


def test_niceness_is_capped_at_nineteen():
    result = probe("server", 19)
    assert result["niceness"][result["pollers"][0]] == 19


@pytest.mark.parametrize("value", ["-1", "20", "five"])
def test_a_setting_outside_zero_to_nineteen_fails_fast(monkeypatch: pytest.MonkeyPatch, value: str):
    monkeypatch.setenv("GRIDAM_GRPC_POLLER_NICENESS", value)
    with pytest.raises(ValidationError):
        BaseGridamSettings()


def test_the_default_is_five_steps():
    assert BaseGridamSettings().grpc_poller_niceness == 5
