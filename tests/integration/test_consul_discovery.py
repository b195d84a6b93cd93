"""Discovery (discovery.py) against a real Consul agent (v1.22.7 `consul agent -dev`, built by
`make infra-tools`) and real gRPC health servers: registration, its anti-entropy after the agent
lost its state or while it is down, the last known instances, a Consul index that went backwards.
No test double: the agent does all of it.
The ACL tests are in test_consul_acl.py, the whole mesh under load in tests/e2e/test_consul_mesh.py."""

from __future__ import annotations

import asyncio
import logging
import pathlib
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import pytest
from prometheus_client import REGISTRY

from gridam_runtime.discovery import ConsulDiscovery, Endpoint, StaticDiscovery
from tests.support.health_servers import NOT_SERVING, SERVING, TIMEOUT_S, HealthServer, exactly
from tests.support.servers import Consul
from tests.support.waiting import wait_until_async

GRACE_S = 10.0  # how long the callers here keep an instance Consul stopped listing


@pytest.fixture
def service() -> str:
    """A service name of the test's own: the session's agent is shared."""
    return f"gridam-test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def own_consul(infra_root: pathlib.Path) -> Iterator[Consul]:
    """An agent of the test's own, which it stops and restarts (each start wipes its state)."""
    agent = Consul(pathlib.Path(tempfile.mkdtemp(prefix="consul-", dir=infra_root)))
    agent.start()
    yield agent
    agent.stop()


@pytest.fixture
async def discoveries() -> AsyncIterator[Callable[..., ConsulDiscovery]]:
    """ConsulDiscovery instances (a registering process, a calling one), closed afterwards."""
    made: list[ConsulDiscovery] = []

    def make(agent: Consul, **kwargs) -> ConsulDiscovery:
        discovery = ConsulDiscovery(
            "127.0.0.1", agent.port, **({"wait_s": 5.0, "last_known_grace_s": GRACE_S} | kwargs)
        )
        made.append(discovery)
        return discovery

    yield make
    for discovery in made:
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


def unconfirmed(service: str) -> float | None:
    """What the process exports as gridam_discovery_unconfirmed_instances{service}."""
    return REGISTRY.get_sample_value("gridam_discovery_unconfirmed_instances", {"service": service})


async def register(discovery: ConsulDiscovery, server: HealthServer, service: str) -> None:
    await discovery.register(server.registration(service), server.serving)


async def test_registered_instance_is_resolved_once_its_grpc_health_check_passes(consul, discoveries, start_server, service):
    discovery = discoveries(consul)
    server = await start_server(NOT_SERVING)
    await register(discovery, server, service)

    assert await discovery.resolve(service) == ()

    await server.set_status(SERVING)
    await discovery.wait_for(service, exactly(server), TIMEOUT_S)
    assert (await discovery.resolve(service))[0].target == f"127.0.0.1:{server.endpoint.port}"


async def test_two_instances_are_both_resolved(consul, discoveries, start_server, service):
    discovery = discoveries(consul)
    a, b = await start_server(), await start_server()
    await register(discovery, a, service)
    await register(discovery, b, service)

    await discovery.wait_for(service, exactly(a, b), TIMEOUT_S)


async def test_health_check_asks_about_the_registered_grpc_service(consul, discoveries, start_server, service):
    discovery = discoveries(consul)
    server = await start_server(SERVING)
    await server.set_status(NOT_SERVING, service="")  # the server as a whole says no
    await register(discovery, server, service)

    await discovery.wait_for(service, exactly(server), TIMEOUT_S)


async def test_instance_reported_critical_drops_out_at_once_and_comes_back(consul, discoveries, start_server, service):
    discovery = discoveries(consul)
    a, b = await start_server(), await start_server()
    await register(discovery, a, service)
    await register(discovery, b, service)
    await discovery.wait_for(service, exactly(a, b), TIMEOUT_S)

    await a.set_status(NOT_SERVING)
    await discovery.wait_for(service, exactly(b), TIMEOUT_S)
    assert unconfirmed(service) == 0  # Consul reported it critical: nothing kept

    await a.set_status(SERVING)
    await discovery.wait_for(service, exactly(a, b), TIMEOUT_S)


async def test_instance_whose_server_stops_drops_out(consul, discoveries, start_server, service):
    discovery = discoveries(consul)
    a, b = await start_server(), await start_server()
    await register(discovery, a, service)
    await register(discovery, b, service)
    await discovery.wait_for(service, exactly(a, b), TIMEOUT_S)

    await a.stop()

    await discovery.wait_for(service, exactly(b), TIMEOUT_S)


async def test_deregistered_instance_stays_in_use_for_the_grace_period_then_drops_out(
    consul, discoveries, start_server, service
):
    registrant, caller = discoveries(consul), discoveries(consul)
    a, b = await start_server(), await start_server()
    await register(registrant, a, service)
    await register(registrant, b, service)
    await caller.wait_for(service, exactly(a, b), TIMEOUT_S)

    await registrant.deregister(a.registration(service))
    await wait_until_async(lambda: unconfirmed(service) == 1, "the caller sees that Consul no longer lists a")
    unlisted_at = time.monotonic()

    assert set(await caller.resolve(service)) == {a.endpoint, b.endpoint}  # kept: unlisted, not critical
    await caller.wait_for(service, exactly(b), TIMEOUT_S + GRACE_S)
    assert time.monotonic() - unlisted_at >= GRACE_S - 1  # Consul's wait has a 1 s grain
    assert unconfirmed(service) == 0


async def test_services_are_resolved_independently(consul, discoveries, start_server, service):
    discovery = discoveries(consul)
    user, diary = await start_server(), await start_server()
    await register(discovery, user, f"{service}-user")
    await register(discovery, diary, f"{service}-diary")

    await discovery.wait_for(f"{service}-user", exactly(user), TIMEOUT_S)
    await discovery.wait_for(f"{service}-diary", exactly(diary), TIMEOUT_S)
    assert await discovery.resolve(f"{service}-unknown") == ()


async def test_registration_asks_consul_to_reap_after_at_least_its_minimum(consul, discoveries, start_server, service):
    # Consul raises a DeregisterCriticalServiceAfter below one minute to one minute, with a warning
    # in its log at every registration.
    discovery = discoveries(consul)
    server = await start_server()
    await register(discovery, server, service)
    await discovery.wait_for(service, exactly(server), TIMEOUT_S)

    check = f"service:{server.registration(service).instance_id}"
    warnings = [
        line for line in (consul.root / "consul.log").read_text().splitlines()
        if "deregister interval below minimum" in line and check in line
    ]
    assert warnings == []


async def test_agent_restarted_without_its_state_gets_the_instance_again_and_callers_never_lose_it(
    own_consul, discoveries, start_server, service, figures
):
    registrant, caller = discoveries(own_consul), discoveries(own_consul, wait_s=60.0)
    server = await start_server()
    registration = server.registration(service)
    await register(registrant, server, service)
    await caller.wait_for(service, exactly(server), TIMEOUT_S)
    # The service's index on this agent, well above where the restarted one will start: a watch
    # that kept it would block on the new agent for its whole wait (60 s) and miss every change.
    for _ in range(30):
        dummy = {"ID": f"{service}-dummy", "Name": service, "Port": 1, "Check": {"TTL": "1h", "Status": "critical"}}
        await asyncio.to_thread(own_consul.api, "PUT", "/v1/agent/service/register", json=dummy)
        await asyncio.to_thread(own_consul.api, "PUT", f"/v1/agent/service/deregister/{service}-dummy")
    seen: list[tuple[Endpoint, ...]] = []

    async def sample() -> None:
        while True:
            seen.append(await caller.resolve(service))
            await asyncio.sleep(0.05)

    sampling = asyncio.create_task(sample())
    try:
        await asyncio.to_thread(own_consul.stop)
        await asyncio.sleep(2)
        await asyncio.to_thread(own_consul.start)  # answers again, knowing nothing
        answering_at = time.monotonic()
        await wait_until_async(
            lambda: own_consul.passing_instances(service) == [registration.instance_id],
            "the instance registered again, its check passing",
            timeout=TIMEOUT_S,
        )
        registered_after = time.monotonic() - answering_at
        late = await start_server()
        await register(registrant, late, service)
        await caller.wait_for(service, exactly(server, late), TIMEOUT_S)
    finally:
        sampling.cancel()
    # Never lost: every lookup has the instance, and nothing else but the late one, which
    # registers (and can be seen) before the sampling stops.
    assert seen and all(server.endpoint in endpoints for endpoints in seen)
    assert {endpoint for endpoints in seen for endpoint in endpoints} <= {server.endpoint, late.endpoint}
    assert unconfirmed(service) == 0
    figures.append(f"discovery: agent restarted without its state: instance registered again {registered_after:.1f}s "
                   f"after it answered; the caller used it in all {len(seen)} lookups meanwhile")


async def test_keeps_the_last_known_instances_while_consul_is_down(own_consul, discoveries, start_server, service, caplog):
    caller = discoveries(own_consul)
    a = await start_server()
    await register(discoveries(own_consul), a, service)
    await caller.wait_for(service, exactly(a), TIMEOUT_S)

    with caplog.at_level(logging.WARNING, logger="gridam_runtime.discovery"):
        await asyncio.to_thread(own_consul.stop)
        await wait_until_async(lambda: unconfirmed(service) == 1, "the last known instance exported as unconfirmed")
        for _ in range(30):
            assert await caller.resolve(service) == (a.endpoint,)
            await asyncio.sleep(0.1)
    notices = [r.getMessage() for r in caplog.records if "last known instances" in r.getMessage()]
    assert notices == [
        f"consul unreachable: calls to {service} go to the last known instances ({a.endpoint.target}) until it answers"
    ]


async def test_a_service_registered_while_consul_is_down_is_registered_once_it_answers(
    own_consul, discoveries, start_server, service
):
    await asyncio.to_thread(own_consul.stop)
    registrant = discoveries(own_consul)
    server = await start_server()

    await register(registrant, server, service)  # returns although nobody answers

    await asyncio.to_thread(own_consul.start)
    await wait_until_async(
        lambda: own_consul.passing_instances(service) == [server.registration(service).instance_id],
        "registered once the agent answers",
        timeout=TIMEOUT_S,
    )


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
