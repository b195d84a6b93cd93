"""Outgoing gRPC calls: one place that sets a timeout on every call, retries only
idempotent methods, forwards the request id and the caller's token, and spreads calls
across the instances discovery reports.

All the instances of a service are the addresses of one channel (`ipv4:a:p,b:p`), rebuilt when
discovery's set changes, so gRPC itself balances and fails over per call: round robin sends each
call to the next instance it holds a connection to, an instance that refuses connections is left
out until it accepts one again, and a retry (idempotent methods, on UNAVAILABLE) is picked anew,
so it goes to another instance.

    users = factory.client("gridam-user", user_service_pb2_grpc.UserServiceStub,
                           user_service_pb2.DESCRIPTOR.services_by_name["UserService"])
    reply = await users.GetProfile(request)  # a GetProfileResponse, to mypy too

Typed calls: `ClientFactory.client` returns the ServiceClient typed as the stub it was given, so
mypy checks each call's method name, request type and reply type against the proto. The stubs'
types are generated (`*_pb2_grpc.pyi`, mypy-protobuf's protoc-gen-mypy_grpc with `only_async`,
see buf.gen.yaml), so they follow every change of a proto through `make proto` with nothing written
by hand: a renamed RPC, request or reply field fails `make lint`. Chosen over a Protocol per
service (written by hand, so it could drift from the proto) and over typing ServiceClient alone
(Python's types cannot map "each method of the stub" to a wrapper's method). What the stub's type
offers beyond the client, and mypy therefore does not flag: a call takes the request and
`timeout=` only (no metadata=, credentials=, wait_for_ready= or compression=: the metadata comes
from the context), and is only awaited (its reply), never used as a grpc.aio call object. The
client's own methods (`check_health`, `close`) are not on the stub's type: code that needs them
keeps the ServiceClient (`ClientFactory.service_client`). Code that mypy does not check sees
no difference: the object and its behaviour are the same as before.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar, cast

import grpc
from google.protobuf import descriptor, descriptor_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from gridam_runtime import context
from gridam_runtime.bootstrap import build_discovery
from gridam_runtime.discovery import Discovery, Endpoint
from gridam_runtime.errors import CalleeError
from gridam_runtime.server import grpc_server_options
from gridam_runtime.settings import BaseGridamSettings
from gridam_runtime.tweaks import lower_poller_priority

StubT = TypeVar("StubT")  # a generated stub class, e.g. user_service_pb2_grpc.UserServiceStub

_RETRIED = {descriptor_pb2.MethodOptions.NO_SIDE_EFFECTS, descriptor_pb2.MethodOptions.IDEMPOTENT}


def service_config(service: descriptor.ServiceDescriptor) -> str:
    """gRPC service config retrying, on UNAVAILABLE only, the methods the proto marks
    idempotent (`option idempotency_level`). Other methods are never retried, because a
    retry after a lost answer could apply them twice.

    Calls are spread round robin over every address the target resolves to: every instance
    Consul reports, or, with static discovery pointed at a Kubernetes headless Service, every
    ready pod (gRPC's default, pick_first, would send all calls over one connection to one pod).
    Round robin picks only connected instances, so one that refuses connections gets no calls.
    gRPC's outlier_detection policy is not used: it counts every non-OK status, NOT_FOUND
    included, as the instance's failure."""
    config: dict[str, Any] = {"loadBalancingConfig": [{"round_robin": {}}]}
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


def channel_target(endpoints: tuple[Endpoint, ...]) -> str:
    """The gRPC target of a channel to every instance: one address as it is (a DNS name is
    resolved by gRPC), several as a list of IP addresses of one family."""
    if len(endpoints) == 1:
        return endpoints[0].target
    try:
        families = {ipaddress.ip_address(e.host).version for e in endpoints}
    except ValueError:
        raise ValueError(f"several instances must be IP addresses: {[e.target for e in endpoints]}") from None
    if families == {4}:
        return "ipv4:" + ",".join(e.target for e in endpoints)
    if families == {6}:
        return "ipv6:" + ",".join(f"[{e.host}]:{e.port}" for e in endpoints)
    raise ValueError(f"instances mix IPv4 and IPv6 addresses: {[e.target for e in endpoints]}")


class ServiceClient(Generic[StubT]):
    """Calls one service; every method of the stub is available as an attribute (typed through
    `ClientFactory.client`, which returns this object as a `StubT`)."""

    def __init__(
        self,
        service_name: str,
        stub_factory: Callable[[grpc.aio.Channel], StubT],
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
        self._endpoints: tuple[Endpoint, ...] = ()
        self._connection: tuple[grpc.aio.Channel, StubT] | None = None  # to the instances in _endpoints
        self._closing: set[asyncio.Task[None]] = set()
        self._methods: dict[str, Callable[..., Awaitable[Any]]] = {}

    async def _current(self) -> tuple[grpc.aio.Channel, StubT]:
        """The (channel, stub) to every instance discovery reports now."""
        endpoints = await self._discovery.resolve(self._name)
        if not endpoints:
            problem = self._discovery.problem()
            raise grpc.aio.AioRpcError(
                grpc.StatusCode.UNAVAILABLE,
                grpc.aio.Metadata(),
                grpc.aio.Metadata(),
                details=f"no healthy instance of {self._name}" + (f" ({problem})" if problem else ""),
            )
        if endpoints != self._endpoints or self._connection is None:
            old = self._connection[0] if self._connection is not None else None
            channel = grpc.aio.insecure_channel(channel_target(endpoints), options=self._options)
            self._connection = (channel, self._stub_factory(channel))
            self._endpoints = endpoints
            lower_poller_priority(self._poller_niceness)  # the first channel may have started it
            if old is not None:  # calls in flight on it finish (within their deadline)
                task = asyncio.create_task(old.close(grace=self._default_timeout))
                self._closing.add(task)
                task.add_done_callback(self._closing.discard)
        return self._connection

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
                try:
                    _, stub = await self._current()
                    return await getattr(stub, method)(
                        request, timeout=self._timeout(timeout), metadata=outgoing_metadata()
                    )
                except grpc.aio.AioRpcError as error:
                    raise CalleeError(error, f"{self._name}/{method}") from None

            self._methods[method] = call
        return call

    async def check_health(self, service_full_name: str, timeout: float = 1.0) -> bool:
        """True when some instance reports SERVING for the service."""
        try:
            channel, _ = await self._current()
            # types-grpcio-health-checking's HealthStub lacks the methods gRPC sets in its __init__.
            reply: health_pb2.HealthCheckResponse = await health_pb2_grpc.HealthStub(channel).Check(  # type: ignore[attr-defined]
                health_pb2.HealthCheckRequest(service=service_full_name), timeout=timeout
            )
            return reply.status == health_pb2.HealthCheckResponse.SERVING
        except (grpc.aio.AioRpcError, LookupError):
            return False

    async def close(self) -> None:
        if self._connection is not None:
            await self._connection[0].close(grace=None)
            self._connection = None
        await asyncio.gather(*self._closing)


class ClientFactory:
    def __init__(self, discovery: Discovery, default_timeout: float, *, poller_niceness: int = 0) -> None:
        self._discovery = discovery
        self._default_timeout = default_timeout
        self._poller_niceness = poller_niceness
        self._clients: list[ServiceClient[Any]] = []

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
        stub_factory: Callable[[grpc.aio.Channel], StubT],
        service: descriptor.ServiceDescriptor,
    ) -> StubT:
        """The ServiceClient of `service_name`, typed as its stub: mypy checks the methods called,
        their requests and their replies (the module's docstring says what it does not check)."""
        # The cast is the typed view only: the object is the ServiceClient, which answers each of
        # the stub's methods (its __getattr__) with an awaitable call taking the request and timeout=.
        return cast(StubT, self.service_client(service_name, stub_factory, service))

    def service_client(
        self,
        service_name: str,
        stub_factory: Callable[[grpc.aio.Channel], StubT],
        service: descriptor.ServiceDescriptor,
    ) -> ServiceClient[StubT]:
        """The ServiceClient itself, for `check_health`; its calls are untyped (`client` types them)."""
        client = ServiceClient(
            service_name, stub_factory, service, self._discovery, self._default_timeout, self._poller_niceness
        )
        self._clients.append(client)
        return client

    def discovery_problem(self) -> str | None:
        """Why discovery cannot be used as configured (a Consul authorisation error), or None."""
        return self._discovery.problem()

    async def close(self) -> None:
        for client in self._clients:
            await client.close()
        await self._discovery.close()
