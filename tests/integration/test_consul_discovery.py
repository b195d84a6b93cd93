"""Discovery against real gRPC health servers and a TEST DOUBLE of Consul's HTTP API (not Consul).

`ConsulHttpApiDouble` runs real `grpc.health.v1.Health/Check` calls against the registered
instances; passing here means ConsulDiscovery works against that double's model of Consul's
API, not that it was tested against a real Consul agent.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio

from gridam_runtime.discovery import ConsulDiscovery, Endpoint, Registration, StaticDiscovery
from tests.doubles.consul_api import ConsulHttpApiDouble

SERVICE = "gridam-user"
HEALTH_SERVICE = "gridam.user.v1.UserService"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
TIMEOUT_S = 30.0  # generous: CI machines are shared and slow


class HealthServer:
    """A real grpc.aio server that only serves the standard health service."""

    def __init__(self, server: grpc.aio.Server, health: health_aio.HealthServicer, port: int) -> None:
        self._server = server
        self._health = health
        self.endpoint = Endpoint("127.0.0.1", port)

    @classmethod
    async def start(cls, status: int) -> HealthServer:
        server = grpc.aio.server()
        health = health_aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health, server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        await health.set(HEALTH_SERVICE, status)
        return cls(server, health, port)

    async def set_status(self, status: int, service: str = HEALTH_SERVICE) -> None:
        await self._health.set(service, status)

    async def stop(self) -> None:
        await self._server.stop(grace=None)

    def registration(self, service_name: str = SERVICE) -> Registration:
        return Registration(
            service_name=service_name,
            instance_id=f"{service_name}-{self.endpoint.port}",
            host=self.endpoint.host,
            port=self.endpoint.port,
            health_service=HEALTH_SERVICE,
            check_interval="0.2s",
            check_timeout="2s",  # a stalled machine must not flip a healthy instance
        )


@pytest.fixture
def consul_api() -> Iterator[tuple[ConsulHttpApiDouble, int]]:
    double = ConsulHttpApiDouble()
    port = double.start()
    yield double, port
    double.stop()


@pytest.fixture
async def discovery(consul_api: tuple[ConsulHttpApiDouble, int]) -> AsyncIterator[ConsulDiscovery]:
    discovery = ConsulDiscovery("127.0.0.1", consul_api[1], wait="5s")
    yield discovery
    await discovery.close()


@pytest.fixture
async def start_server() -> AsyncIterator[Callable[..., Awaitable[HealthServer]]]:
    servers: list[HealthServer] = []

    async def start(status: int = SERVING) -> HealthServer:
        server = await HealthServer.start(status)
        servers.append(server)
        return server

    yield start
    for server in servers:
        await server.stop()


def exactly(*servers: HealthServer) -> Callable[[tuple[Endpoint, ...]], bool]:
    expected = {s.endpoint for s in servers}
    return lambda endpoints: set(endpoints) == expected and len(endpoints) == len(expected)


async def test_registered_instance_is_resolved_once_its_grpc_health_check_passes(discovery, start_server):
    server = await start_server(NOT_SERVING)
    await discovery.register(server.registration())

    assert await discovery.resolve(SERVICE) == ()

    await server.set_status(SERVING)
    await discovery.wait_for(SERVICE, exactly(server), TIMEOUT_S)
    assert await discovery.resolve(SERVICE) == (server.endpoint,)
    assert (await discovery.resolve(SERVICE))[0].target == f"127.0.0.1:{server.endpoint.port}"


async def test_two_instances_are_both_resolved(discovery, start_server):
    a, b = await start_server(), await start_server()
    await discovery.register(a.registration())
    await discovery.register(b.registration())

    await discovery.wait_for(SERVICE, exactly(a, b), TIMEOUT_S)
    assert set(await discovery.resolve(SERVICE)) == {a.endpoint, b.endpoint}


async def test_health_check_asks_about_the_registered_grpc_service(discovery, start_server):
    server = await start_server(SERVING)
    await server.set_status(NOT_SERVING, service="")  # the server as a whole says no
    await discovery.register(server.registration())

    await discovery.wait_for(SERVICE, exactly(server), TIMEOUT_S)


async def test_instance_that_turns_not_serving_drops_out_and_comes_back(discovery, start_server):
    a, b = await start_server(), await start_server()
    await discovery.register(a.registration())
    await discovery.register(b.registration())
    await discovery.wait_for(SERVICE, exactly(a, b), TIMEOUT_S)

    await a.set_status(NOT_SERVING)
    await discovery.wait_for(SERVICE, exactly(b), TIMEOUT_S)
    assert await discovery.resolve(SERVICE) == (b.endpoint,)

    await a.set_status(SERVING)
    await discovery.wait_for(SERVICE, exactly(a, b), TIMEOUT_S)


async def test_instance_whose_server_stops_drops_out(discovery, start_server):
    a, b = await start_server(), await start_server()
    await discovery.register(a.registration())
    await discovery.register(b.registration())
    await discovery.wait_for(SERVICE, exactly(a, b), TIMEOUT_S)

    await a.stop()

    await discovery.wait_for(SERVICE, exactly(b), TIMEOUT_S)
    assert await discovery.resolve(SERVICE) == (b.endpoint,)


async def test_deregistered_instance_is_no_longer_resolved(discovery, start_server):
    a, b = await start_server(), await start_server()
    await discovery.register(a.registration())
    await discovery.register(b.registration())
    await discovery.wait_for(SERVICE, exactly(a, b), TIMEOUT_S)

    await discovery.deregister(a.registration())

    await discovery.wait_for(SERVICE, exactly(b), TIMEOUT_S)
    assert await discovery.resolve(SERVICE) == (b.endpoint,)


async def test_services_are_resolved_independently(discovery, start_server):
    user, diary = await start_server(), await start_server()
    await discovery.register(user.registration("gridam-user"))
    await discovery.register(diary.registration("gridam-diary"))

    await discovery.wait_for("gridam-user", exactly(user), TIMEOUT_S)
    await discovery.wait_for("gridam-diary", exactly(diary), TIMEOUT_S)
    assert await discovery.resolve("gridam-unknown") == ()


async def test_follows_changes_after_the_consul_index_went_backwards(consul_api, start_server):
    # A watch that kept the old, higher index would block for the whole 30s wait.
    double, port = consul_api
    discovery = ConsulDiscovery("127.0.0.1", port, wait="30s")
    try:
        a, b = await start_server(), await start_server()
        await discovery.register(a.registration())
        await discovery.register(b.registration())
        await discovery.wait_for(SERVICE, exactly(a, b), TIMEOUT_S)

        await asyncio.to_thread(double.wait_for_blocked_queries, 1, TIMEOUT_S)
        double.restore_index(1)
        await a.set_status(NOT_SERVING)

        await discovery.wait_for(SERVICE, exactly(b), TIMEOUT_S)
    finally:
        await discovery.close()


async def test_keeps_last_instances_while_consul_is_down_and_follows_a_restarted_agent(start_server):
    # The restarted agent's index (from 1) is far below the old one (from 1000): a watch that
    # did not reset its index would block on the new agent for the whole 30s wait.
    old_agent = ConsulHttpApiDouble(first_index=1000)
    port = old_agent.start()
    new_agent = ConsulHttpApiDouble()
    discovery = ConsulDiscovery("127.0.0.1", port, wait="30s")
    try:
        a, b = await start_server(), await start_server()
        await discovery.register(a.registration())
        await discovery.wait_for(SERVICE, exactly(a), TIMEOUT_S)

        old_agent.stop()
        for _ in range(10):
            assert await discovery.resolve(SERVICE) == (a.endpoint,)
            await asyncio.sleep(0.1)

        new_agent.start(port)
        await discovery.register(b.registration())
        await discovery.wait_for(SERVICE, exactly(b), TIMEOUT_S)
    finally:
        await discovery.close()
        new_agent.stop()


async def test_static_discovery_resolves_its_fixed_addresses():
    discovery = StaticDiscovery({"gridam-user": ["127.0.0.1:50051", "127.0.0.1:50052"]})

    assert await discovery.resolve("gridam-user") == (
        Endpoint("127.0.0.1", 50051),
        Endpoint("127.0.0.1", 50052),
    )
    await discovery.close()


async def test_static_discovery_rejects_unknown_service_names():
    discovery = StaticDiscovery({"gridam-user": ["127.0.0.1:50051"]})

    with pytest.raises(LookupError, match="gridam-diary"):
        await discovery.resolve("gridam-diary")


def test_static_discovery_rejects_malformed_addresses():
    with pytest.raises(ValueError, match="host:port"):
        StaticDiscovery({"gridam-user": ["127.0.0.1"]})
