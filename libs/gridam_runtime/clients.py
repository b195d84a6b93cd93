"""Outgoing gRPC calls: one place that sets a timeout on every call, retries only
idempotent methods, forwards the request id and the caller's token, and spreads calls
across the instances discovery reports.

    users = factory.client("gridam-user", user_service_pb2_grpc.UserServiceStub,
                           user_service_pb2.DESCRIPTOR.services_by_name["UserService"])
    reply = await users.GetProfile(request)
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from google.protobuf import descriptor, descriptor_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gridam_runtime import context
from gridam_runtime.bootstrap import build_discovery
from gridam_runtime.discovery import Discovery, Endpoint
from gridam_runtime.grpc_poller import lower_poller_priority
from gridam_runtime.server import grpc_server_options
from gridam_runtime.settings import BaseGridamSettings

_RETRIED = {descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS, descriptor_pb2.MethodOptions.IDEMPOTENT}


def service_config(service: descriptor.ServiceDescriptor) -> str:
    """gRPC service config retrying, on UNAVAILABLE only, the methods the proto marks
    idempotent (`option idempotency_level`). Other methods are never retried, because a
    retry after a lost answer could apply them twice.

    Calls are spread round robin over every address the target resolves to: with static
    discovery pointed at a Kubernetes headless Service, that is every ready pod (gRPC's default,
    pick_first, would send all calls over one connection to one pod)."""
    config: dict = {"loadBalancingConfig": [{"round_robin": {}}]}
    names = [
        {"service": service.full_name, "method": m.name}
        for m in service.methods
        if m.GetOptions().idempotency_level in _RETRIED
    ]
    if not names:
        return json.dumps(config)
    policy = {
        "maxAttempts": 3,
        "initialBackoff": "0.05s",
        "maxBackoff": "0.5s",
        "backoffMultiplier": 2,
        "retryableStatusCodes": ["UNAVAILABLE"],
    }
    return json.dumps({**config, "methodConfig": [{"name": names, "retryPolicy": policy}]})


def outgoing_metadata() -> tuple[tuple[str, str], ...]:
    metadata = [(context.REQUEST_ID_HEADER, context.request_id.get() or context.new_request_id())]
    token = context.bearer_token.get()
    if token:
        metadata.append((context.AUTHORIZATION_HEADER, f"Bearer {token}"))
    return tuple(metadata)


class ServiceClient:
    """Calls one service; every method of the stub is available as an attribute."""

    def __init__(
        self,
        service_name: str,
        stub_factory: Callable[[grpc.aio.Channel], Any],
        service: descriptor.ServiceDescriptor,
        discovery: Discovery,
        default_timeout: float,
        poller_niceness: int = 0,
    ) -> None:
        self._name = service_name
        self._stub_factory = stub_factory
        self._options = [
            *grpc_server_options(),
            ("grpc.service_config", service_config(service)),
            # gRPC's default reconnect back-off grows to 120 s: a restarted instance would stay
            # unreachable from this channel for minutes. Cap it so callers recover within seconds.
            ("grpc.initial_reconnect_backoff_ms", 200),
            ("grpc.min_reconnect_backoff_ms", 200),
            ("grpc.max_reconnect_backoff_ms", 2000),
        ]
        self._discovery = discovery
        self._default_timeout = default_timeout
        self._poller_niceness = poller_niceness
        self._stubs: dict[Endpoint, tuple[grpc.aio.Channel, Any]] = {}
        self._turn = itertools.count()
        self._methods: dict[str, Callable[..., Awaitable[Any]]] = {}

    async def _pick(self) -> tuple[grpc.aio.Channel, Any]:
        """The (channel, stub) of the next instance, round robin."""
        endpoints = await self._discovery.resolve(self._name)
        if not endpoints:
            raise grpc.aio.AioRpcError(
                grpc.StatusCode.UNAVAILABLE,
                grpc.aio.Metadata(),
                grpc.aio.Metadata(),
                details=f"no healthy instance of {self._name}",
            )
        endpoint = endpoints[next(self._turn) % len(endpoints)]
        entry = self._stubs.get(endpoint)
        if entry is None:
            channel = grpc.aio.insecure_channel(endpoint.target, options=self._options)
            entry = self._stubs[endpoint] = (channel, self._stub_factory(channel))
            lower_poller_priority(self._poller_niceness)  # the first channel may have started it
            await self._close_gone(set(endpoints))
        return entry

    async def _close_gone(self, live: set[Endpoint]) -> None:
        for endpoint in [e for e in self._stubs if e not in live]:
            channel, _ = self._stubs.pop(endpoint)
            await channel.close(grace=None)

    def _timeout(self, timeout: float | None) -> float:
        budget = timeout if timeout is not None else self._default_timeout
        remaining = context.remaining_seconds()
        if remaining is not None:
            budget = min(budget, remaining)
        return max(budget, 0.001)  # an exhausted budget fails fast with DEADLINE_EXCEEDED

    def __getattr__(self, method: str) -> Callable[..., Awaitable[Any]]:
        call = self._methods.get(method)
        if call is None:

            async def call(request: Any, *, timeout: float | None = None) -> Any:
                _, stub = await self._pick()
                return await getattr(stub, method)(
                    request, timeout=self._timeout(timeout), metadata=outgoing_metadata()
                )

            self._methods[method] = call
        return call

    async def check_health(self, service_full_name: str, timeout: float = 1.0) -> bool:
        """True when some instance reports SERVING for the service."""
        try:
            channel, _ = await self._pick()
            reply = await health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service_full_name), timeout=timeout
            )
            return reply.status == health_pb2.HealthCheckResponse.SERVING
        except (grpc.aio.AioRpcError, LookupError):
            return False

    async def close(self) -> None:
        await self._close_gone(set())


class ClientFactory:
    def __init__(self, discovery: Discovery, default_timeout: float, *, poller_niceness: int = 0) -> None:
        self._discovery = discovery
        self._default_timeout = default_timeout
        self._poller_niceness = poller_niceness
        self._clients: list[ServiceClient] = []

    @classmethod
    def from_settings(cls, settings: BaseGridamSettings, default_timeout: float | None = None) -> ClientFactory:
        """A process's clients, on a discovery instance of their own (closed by `close`); the
        timeout defaults to GRIDAM_CALL_TIMEOUT_SECONDS."""
        return cls(
            build_discovery(settings),
            settings.call_timeout_seconds if default_timeout is None else default_timeout,
            poller_niceness=settings.grpc_poller_niceness,
        )

    def client(
        self,
        service_name: str,
        stub_factory: Callable[[grpc.aio.Channel], Any],
        service: descriptor.ServiceDescriptor,
    ) -> ServiceClient:
        client = ServiceClient(
            service_name, stub_factory, service, self._discovery, self._default_timeout, self._poller_niceness
        )
        self._clients.append(client)
        return client

    async def close(self) -> None:
        for client in self._clients:
            await client.close()
        await self._discovery.close()
