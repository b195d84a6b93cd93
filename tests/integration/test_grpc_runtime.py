"""The shared service runtime over real gRPC: identity, error details, health, reflection,
graceful shutdown, background work, fail-fast settings and the client's retry policy."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2, reflection_pb2_grpc

from gridam.user.v1 import user_service_pb2 as pb
from gridam.user.v1 import user_service_pb2_grpc
from gridam_runtime import access
from gridam_runtime.clients import service_config
from gridam_runtime.discovery import StaticDiscovery
from gridam_runtime.errors import error_info
from gridam_runtime.server import LIVENESS_SERVICE, ServiceDefinition, run_server
from gridam_runtime.settings import ServiceSettings
from tests.support.declared_services import declared_service
from tests.support.servers import free_port


@pytest.fixture
async def user_stub(stack):
    channel = grpc.aio.insecure_channel(stack.env["GRIDAM_USER_SERVICE_ADDR"])
    yield user_service_pb2_grpc.UserServiceStub(channel)
    await channel.close()


async def test_services_refuse_callers_without_a_valid_token(user_stub):
    # A process inside the network sends a bare user id, or a made-up token: both refused.
    for metadata in ((("x-user-id", "1"),), (("authorization", "Bearer not-a-token"),), ()):
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await user_stub.GetProfile(pb.GetProfileRequest(), metadata=metadata, timeout=5)
        assert failure.value.code() == grpc.StatusCode.UNAUTHENTICATED
        assert error_info(failure.value).reason == "AUTH4011"


async def test_domain_errors_carry_their_reason_code(user_stub):
    # An account of its own: failed logins are limited per account, and the stack is shared.
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await user_stub.Login(pb.LoginRequest(login_id=f"nobody-{uuid.uuid4().hex[:8]}", password="x1234567"),
                              timeout=10)
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert error_info(failure.value).reason == "AUTH4001"


async def test_health_and_reflection(stack):
    async with grpc.aio.insecure_channel(stack.env["GRIDAM_USER_SERVICE_ADDR"]) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        for name in ("", "gridam.user.v1.UserService", LIVENESS_SERVICE):
            reply = await health.Check(health_pb2.HealthCheckRequest(service=name), timeout=2)
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await health.Check(health_pb2.HealthCheckRequest(service="no.Such"), timeout=2)
        assert unknown.value.code() == grpc.StatusCode.NOT_FOUND
        stream = reflection_pb2_grpc.ServerReflectionStub(channel).ServerReflectionInfo(
            iter([reflection_pb2.ServerReflectionRequest(list_services="")])
        )
        names = {s.name async for reply in stream for s in reply.list_services_response.service}
        assert "gridam.user.v1.UserService" in names


def test_retries_only_idempotent_methods():
    config = service_config(pb.DESCRIPTOR.services_by_name["UserService"])
    retried = {n["method"] for n in __import__("json").loads(config)["methodConfig"][0]["name"]}
    assert {"GetProfile", "Follow", "ListFollowers"} <= retried
    assert not retried & {"Login", "SignUp", "ReissueTokens", "SendPhoneCode", "ChangePassword", "Logout"}


async def test_calls_are_spread_over_every_address_the_target_resolves_to():
    # Two instances behind one target, as a Kubernetes headless Service resolves to every ready
    # pod: the client's service config sends calls to both, not all over one connection.
    served_by: list[str] = []
    servers = []
    for name in ("a", "b"):

        async def answer(request: bytes, context, name=name) -> bytes:
            served_by.append(name)
            return b""

        server = grpc.aio.server()
        handler = grpc.unary_unary_rpc_method_handler(answer)
        server.add_generic_rpc_handlers([grpc.method_handlers_generic_handler("test.Echo", {"Call": handler})])
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        servers.append((server, port))
    target = "ipv4:" + ",".join(f"127.0.0.1:{port}" for _, port in servers)
    config = service_config(pb.DESCRIPTOR.services_by_name["UserService"])
    async with grpc.aio.insecure_channel(target, options=[("grpc.service_config", config)]) as channel:
        call = channel.unary_unary("/test.Echo/Call")
        # round_robin is ready with its first connection; count once both are up.
        for _ in range(200):
            await call(b"", timeout=5, wait_for_ready=True)
            if set(served_by) == {"a", "b"}:
                break
        assert set(served_by) == {"a", "b"}, "the second instance never answered"
        served_by.clear()
        for _ in range(20):
            await call(b"", timeout=5, wait_for_ready=True)
    for server, _ in servers:
        await server.stop(None)
    assert served_by.count("a") == served_by.count("b") == 10


def test_bad_settings_fail_fast_with_the_variable_named(tmp_path):
    env = {**os.environ, "GRIDAM_DATA_DIR": str(tmp_path), "GRIDAM_GRPC_PORT": "not-a-port"}
    result = subprocess.run([sys.executable, "-m", "user_service"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "GRIDAM_GRPC_PORT" in result.stderr


async def test_sigterm_drains_reports_not_serving_and_finishes_calls_in_flight():
    slow_started = asyncio.Event()

    async def slow(request: bytes, context) -> bytes:
        slow_started.set()
        await asyncio.sleep(3.0)  # outlasts the drain delay: still running when the server stops
        return b"done"

    def add(servicer, server):
        declared_service("test.Slow", {"Call": access.PUBLIC})
        server.add_registered_method_handlers("test.Slow", {"Call": grpc.unary_unary_rpc_method_handler(slow)})

    port = free_port()
    settings = ServiceSettings(grpc_port=port, shutdown_grace_seconds=5, drain_delay_seconds=2)

    async def ready() -> bool:
        return True

    server = asyncio.create_task(
        run_server(settings, ServiceDefinition("test-slow", "test.Slow", add, None), StaticDiscovery({}), ready=ready)
    )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        deadline = time.monotonic() + 30  # generous: CI machines are shared and slow
        while True:
            try:
                if (await health.Check(health_pb2.HealthCheckRequest(service="test.Slow"), timeout=5)).status == 1:
                    break
            except grpc.aio.AioRpcError:
                pass
            assert time.monotonic() < deadline, "the server never reported SERVING"
            await asyncio.sleep(0.05)
        call = channel.unary_unary("/test.Slow/Call")(b"", timeout=20)
        await slow_started.wait()
        os.kill(os.getpid(), signal.SIGTERM)
        await asyncio.sleep(0.2)
        draining = await health.Check(health_pb2.HealthCheckRequest(service="test.Slow"), timeout=5)
        assert draining.status == health_pb2.HealthCheckResponse.NOT_SERVING
        # Out of the balancer, but alive: no liveness failure while the kubelet stops the pod.
        alive = await health.Check(health_pb2.HealthCheckRequest(service=LIVENESS_SERVICE), timeout=5)
        assert alive.status == health_pb2.HealthCheckResponse.SERVING
        assert await call == b"done"  # the call in flight completes during the grace period
    await asyncio.wait_for(server, 10)


def _no_service(servicer, server) -> None:
    pass


async def _status(health, name: str) -> int:
    return (await health.Check(health_pb2.HealthCheckRequest(service=name), timeout=5)).status


async def test_liveness_follows_the_process_and_readiness_its_dependencies():
    """What the Kubernetes probes see when a dependency fails and comes back: readiness (the
    service's name, and "") goes NOT_SERVING and back; liveness stays SERVING throughout."""
    port = free_port()
    settings = ServiceSettings(grpc_port=port, shutdown_grace_seconds=1, drain_delay_seconds=0)
    database_up = True
    checked = asyncio.Event()

    async def ready() -> bool:
        checked.set()
        if not database_up:
            raise ConnectionRefusedError("database down")  # what a failing ping raises
        return True

    async def next_check() -> None:
        checked.clear()
        await checked.wait()
        await asyncio.sleep(0.1)  # its status is set right after the check returns

    server = asyncio.create_task(
        run_server(settings, ServiceDefinition("test-deps", "test.Deps", _no_service, None), StaticDiscovery({}), ready=ready)
    )
    serving, not_serving = health_pb2.HealthCheckResponse.SERVING, health_pb2.HealthCheckResponse.NOT_SERVING
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        health = health_pb2_grpc.HealthStub(channel)
        await asyncio.wait_for(checked.wait(), 30)
        await asyncio.sleep(0.1)
        assert [await _status(health, n) for n in ("test.Deps", "", LIVENESS_SERVICE)] == [serving] * 3
        database_up = False
        await asyncio.wait_for(next_check(), 60)  # a hang guard: checks come every READINESS_INTERVAL_SECONDS
        assert [await _status(health, n) for n in ("test.Deps", "")] == [not_serving] * 2
        assert await _status(health, LIVENESS_SERVICE) == serving
        database_up = True
        await asyncio.wait_for(next_check(), 60)  # a hang guard: checks come every READINESS_INTERVAL_SECONDS
        assert [await _status(health, n) for n in ("test.Deps", "", LIVENESS_SERVICE)] == [serving] * 3
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(server, 30)


async def _always_ready() -> bool:
    return True


async def test_background_work_runs_beside_the_server_and_is_awaited_before_cleanup():
    port = free_port()
    settings = ServiceSettings(grpc_port=port, shutdown_grace_seconds=3, drain_delay_seconds=0.1)
    events: list[str] = []
    started = asyncio.Event()

    async def relay(stop: asyncio.Event) -> None:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:  # the server listens already
            await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10)
        events.append("relay started")
        started.set()
        await stop.wait()
        await asyncio.sleep(0.05)  # finishing the job in hand
        events.append("relay finished")

    async def stubborn(stop: asyncio.Event) -> None:
        try:
            await asyncio.Event().wait()  # ignores the stop event
        except asyncio.CancelledError:
            events.append("stubborn cancelled")
            raise

    async def cleanup() -> None:
        events.append("cleanup")

    server = asyncio.create_task(
        run_server(
            settings,
            ServiceDefinition("test-background", "test.Background", _no_service, None),
            StaticDiscovery({}),
            ready=_always_ready,
            cleanup=cleanup,
            background=[relay, stubborn],
        )
    )
    await asyncio.wait_for(started.wait(), 30)
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(server, 30)
    # Both ended (one returned, one was cancelled after the grace period) before cleanup.
    assert events[0] == "relay started" and events[-1] == "cleanup"
    assert sorted(events[1:-1]) == ["relay finished", "stubborn cancelled"]


async def test_a_failing_background_task_shuts_the_service_down_and_is_raised():
    settings = ServiceSettings(grpc_port=free_port(), shutdown_grace_seconds=1, drain_delay_seconds=0)
    cleaned = asyncio.Event()

    async def broken(stop: asyncio.Event) -> None:
        raise RuntimeError("relay broken")

    async def cleanup() -> None:
        cleaned.set()

    with pytest.raises(RuntimeError, match="relay broken"):
        await asyncio.wait_for(
            run_server(
                settings,
                ServiceDefinition("test-broken", "test.Broken", _no_service, None),
                StaticDiscovery({}),
                ready=_always_ready,
                cleanup=cleanup,
                background=[broken],
            ),
            30,
        )
    assert cleaned.is_set()
