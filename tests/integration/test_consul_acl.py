"""Discovery with Consul ACLs on and `default_policy = "deny"` (a real agent, v1.22.7 -dev): the
configured token reaches every call; a 403 or an answer Consul filtered is one clear
authorisation error that fails readiness. One agent for the module, with tokens of its own."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import pathlib
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gridam.user.v1 import user_service_pb2, user_service_pb2_grpc
from gridam_devtools.devstack import DevStack
from gridam_devtools.keys import ensure_keys
from gridam_runtime.clients import ClientFactory
from gridam_runtime.discovery import ConsulDiscovery
from tests.support.health_servers import TIMEOUT_S, HealthServer, exactly
from tests.support.servers import Consul, free_port, stack_env
from tests.support.waiting import wait_until, wait_until_async

MANAGEMENT_TOKEN = str(uuid.uuid4())
WRITE_RULES = 'service_prefix "gridam-" { policy = "write" }\nnode_prefix "" { policy = "read" }'
READ_RULES = 'service_prefix "gridam-" { policy = "read" }\nnode_prefix "" { policy = "read" }'
NODE_ONLY_RULES = 'node_prefix "" { policy = "read" }'
USER_SERVICE = user_service_pb2.DESCRIPTOR.services_by_name["UserService"]


@pytest.fixture(scope="module")
def acl_consul(infra_root: pathlib.Path) -> Iterator[Consul]:
    agent = Consul(infra_root / "consul-acl", acl_management_token=MANAGEMENT_TOKEN)
    agent.start()
    yield agent
    agent.stop()


@pytest.fixture(scope="module")
def tokens(acl_consul: Consul) -> dict[str, str]:
    return {
        "write": acl_consul.create_token(WRITE_RULES),
        "read": acl_consul.create_token(READ_RULES),
        "node-only": acl_consul.create_token(NODE_ONLY_RULES),
    }


@pytest.fixture
def service() -> str:
    return f"gridam-acl-{uuid.uuid4().hex[:8]}"


@pytest.fixture
async def server():
    server = await HealthServer.start(health_pb2.HealthCheckResponse.SERVING)
    yield server
    await server.stop()


@pytest.fixture
async def discoveries(acl_consul):
    made: list[ConsulDiscovery] = []

    def make(token: str) -> ConsulDiscovery:
        made.append(ConsulDiscovery("127.0.0.1", acl_consul.port, token=token, wait_s=5.0))
        return made[-1]

    yield make
    for discovery in made:
        await discovery.close()


def authorisation_errors(caplog) -> list[str]:
    return [
        r.getMessage() for r in caplog.records
        if r.name == "gridam_runtime.discovery" and r.levelno == logging.ERROR
    ]


async def test_a_token_that_may_write_registers_and_one_that_may_read_resolves(acl_consul, tokens, discoveries, server, service):
    registrant, caller = discoveries(tokens["write"]), discoveries(tokens["read"])

    await registrant.register(server.registration(service), server.serving)

    await caller.wait_for(service, exactly(server), TIMEOUT_S)
    assert registrant.problem() is None and caller.problem() is None


async def test_registering_without_a_token_is_one_authorisation_error(discoveries, server, service, caplog):
    registrant = discoveries("")

    with caplog.at_level(logging.INFO, logger="gridam_runtime.discovery"):
        await registrant.register(server.registration(service), server.serving)
        await wait_until_async(lambda: registrant.problem() is not None, "an authorisation problem")
        await asyncio.sleep(4)  # refused again at every retry (after 0.5 s, 1 s, 2 s, ...)

    problem = registrant.problem()
    assert "403" in problem and f"service:write on {service!r}" in problem and "GRIDAM_CONSUL_TOKEN" in problem
    assert authorisation_errors(caplog) == [f"consul authorisation error: {problem}"]


async def test_an_unknown_token_is_an_authorisation_error(discoveries, service):
    caller = discoveries(str(uuid.uuid4()))

    assert await caller.resolve(service) == ()
    assert "ACL not found" in caller.problem()


async def test_a_lookup_without_a_token_names_the_missing_token(acl_consul, tokens, discoveries, server, service):
    await discoveries(tokens["write"]).register(server.registration(service), server.serving)
    await wait_until_async(lambda: acl_consul.passing_instances(service), "registered and passing")
    caller = discoveries("")

    assert await caller.resolve(service) == ()  # Consul's answer to the anonymous token: nothing
    assert "no ACL token while Consul's ACLs deny by default" in caller.problem()


async def test_a_token_that_may_not_read_the_service_names_the_filtered_answer(
    acl_consul, tokens, discoveries, server, service
):
    await discoveries(tokens["write"]).register(server.registration(service), server.serving)
    await wait_until_async(lambda: acl_consul.passing_instances(service), "registered and passing")
    caller = discoveries(tokens["node-only"])

    assert await caller.resolve(service) == ()
    assert "left out instances the token may not read" in caller.problem()


def _health(address: str) -> int | None:
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=USER_SERVICE.full_name), timeout=2
            )
        except grpc.RpcError:
            return None
    return reply.status


def _log_lines(path: pathlib.Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.startswith("{")]


async def test_user_service_with_the_token_file_registers_and_without_a_token_says_why_it_is_not_ready(
    acl_consul, tokens, infra_root, tmp_path
):
    data_dir = infra_root / "stack-acl"
    env = stack_env(data_dir) | {"GRIDAM_DISCOVERY": "consul", "GRIDAM_CONSUL_HTTP_ADDR": acl_consul.http_addr}
    stack = DevStack(env, log_dir=data_dir)
    stack.migrate("user-service")
    token_file = tmp_path / "consul-token"
    token_file.write_text(tokens["write"] + "\n")
    with_token, without = free_port(), free_port()
    try:
        stack.start_instance("user-service", with_token, env={"GRIDAM_CONSUL_TOKEN_FILE": str(token_file)})
        refused = stack.start_instance("user-service", without, wait=False)

        # With the token: registered, its check passing, and resolved and called by a reader.
        await wait_until_async(
            lambda: f"gridam-user-127.0.0.1-{with_token}" in acl_consul.passing_instances("gridam-user"),
            "the user service registered with its check passing",
        )
        factory = ClientFactory(ConsulDiscovery("127.0.0.1", acl_consul.port, token=tokens["read"]), 5.0)
        try:
            users = factory.client("gridam-user", user_service_pb2_grpc.UserServiceStub, USER_SERVICE)
            assert await users.check_health(USER_SERVICE.full_name)
        finally:
            await factory.close()

        # Without: it listens, reports NOT_SERVING, and its log says why, once.
        log = data_dir / f"user-service-{without}.log"
        wait_until(lambda: _health(f"127.0.0.1:{without}") == health_pb2.HealthCheckResponse.NOT_SERVING, "NOT_SERVING")
        wait_until(lambda: refused.process.poll() is None and log.exists() and "authorisation" in log.read_text(), "logged")
        time.sleep(6)  # past another readiness round and several refused registrations
        errors = [e["message"] for e in _log_lines(log) if e["severity"] == "ERROR"]
        assert len(errors) == 1, errors
        assert "consul authorisation error" in errors[0] and "403" in errors[0]
        assert "service:write on 'gridam-user'" in errors[0] and "GRIDAM_CONSUL_TOKEN" in errors[0]
        assert _health(f"127.0.0.1:{without}") == health_pb2.HealthCheckResponse.NOT_SERVING
        assert acl_consul.passing_instances("gridam-user") == [f"gridam-user-127.0.0.1-{with_token}"]
    finally:
        stack.stop()


def test_a_gateway_without_a_token_answers_not_ready_and_says_why(acl_consul, infra_root):
    data_dir = infra_root / "gateway-acl"
    env = stack_env(data_dir) | {"GRIDAM_DISCOVERY": "consul", "GRIDAM_CONSUL_HTTP_ADDR": acl_consul.http_addr}
    ensure_keys(data_dir / "keys")
    url = f"http://127.0.0.1:{env['GRIDAM_HTTP_PORT']}"
    log = data_dir / "gateway.log"
    with log.open("wb") as out:
        gateway = subprocess.Popen([sys.executable, "-m", "gridam_gateway"], env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: _answers(url + "/healthz"), "the gateway answers")
        ready = httpx.get(url + "/readyz", timeout=10)
        ready_again = httpx.get(url + "/readyz", timeout=10)
    finally:
        gateway.terminate()
        gateway.wait(30)

    assert ready.status_code == ready_again.status_code == 503
    reason = ready.json()["discovery"]
    assert "no ACL token while Consul's ACLs deny by default" in reason and "GRIDAM_CONSUL_TOKEN" in reason
    errors = [e["message"] for e in _log_lines(log) if e["severity"] == "ERROR"]
    # One line per service it calls (each lookup is refused on its own), none repeated.
    assert len(errors) == len(set(errors)) == 4, errors
    assert all(e.startswith("consul authorisation error: looking up 'gridam-") for e in errors)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
