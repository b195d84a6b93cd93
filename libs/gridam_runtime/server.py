"""Server bootstrap shared by every gRPC service.

`run_server` starts the server with the call chain (interceptors.py: each method's access rule is
checked there, with an Authenticator made from the rules the methods declare), the library health service,
reflection, the metrics endpoint and discovery registration (kept up by discovery, see discovery.py),
then waits for SIGTERM/SIGINT and shuts down gracefully: readiness -> NOT_SERVING, deregister, drain
delay, stop(grace), cleanup.

Health answers two questions under different names (Kubernetes probes ask for them by name,
helm/gridam/templates/_helpers.tpl):
- readiness, the service's full name (and a previous version's it still serves, and "", the whole
  server, as gRPC health defines it):
  SERVING only while the readiness check passes (database, Redis, discovery), NOT_SERVING before
  it first does and while draining. Consul's check and callers follow it.
- liveness, LIVENESS_SERVICE: SERVING from the moment the server listens until it stops. It never
  follows a dependency: a database outage must take pods out of the balancer, not restart them
  (restarts of every pod at once, then CrashLoopBackOff, would slow the recovery). It still fails
  when the process cannot answer at all (a blocked event loop, a server that stopped).

Work a service does in its own process beside serving calls (the user service's outbox
relay) runs as `background` coroutines: each is started once the server listens, gets the
stop event and returns soon after it is set; the drain waits for them (within the grace
period, then cancels them) before `cleanup`. One that fails shuts the service down and its
error is raised once cleanup is done, so the process exits non-zero and is restarted
instead of serving without it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

import grpc
import uvloop
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from prometheus_client import start_http_server

from gridam_runtime.bootstrap import freeze_startup_objects
from gridam_runtime.consul_agent import go_duration
from gridam_runtime.discovery import Discovery, Registration
from gridam_runtime.interceptors import HandlerChain, HandlerRegistry
from gridam_runtime.kv import RevocationList
from gridam_runtime.settings import ServiceSettings
from gridam_runtime.tweaks import lower_poller_priority

log = logging.getLogger("gridam.server")

MAX_MESSAGE_BYTES = 16 * 1024 * 1024  # uploads are at most 10 MB
READINESS_INTERVAL_SECONDS = 5.0
# The health name of liveness (see the module's docstring); Kubernetes' gRPC liveness and startup probes name it.
LIVENESS_SERVICE = "liveness"



ServicerT = TypeVar("ServicerT")

# The context a servicer's method is given. The generated servicers (*_pb2_grpc.pyi) type it by the
# method's request and reply; a servicer method may take it as this, their common supertype.
ServicerContext = grpc.aio.ServicerContext[Any, Any]


@dataclass(frozen=True)
class Contract(Generic[ServicerT]):
    """One version of a service's contract a server serves (e.g. gridam.card.v1.CardService)."""

    full_name: str
    # A generated add_*Servicer_to_server, typed (*_pb2_grpc.pyi) to take its service's servicer.
    add_to_server: Callable[[ServicerT, grpc.aio.Server], None]
    servicer: ServicerT


@dataclass(frozen=True)
class ServiceDefinition(Generic[ServicerT]):
    discovery_name: str  # e.g. "gridam-user"
    full_name: str  # e.g. "gridam.user.v1.UserService": the current contract, the one discovery checks
    # A generated add_*Servicer_to_server, typed (*_pb2_grpc.pyi) to take its service's servicer.
    add_to_server: Callable[[ServicerT, grpc.aio.Server], None]
    servicer: ServicerT
    # The contract a new version replaces, served beside it for one release so that callers not
    # yet rolled out keep working (docs/protos.md): each behind the same call chain (its own
    # methods' access options), with readiness under its name too (the probes of pods not yet
    # rolled out ask for it).
    previous: tuple[Contract[Any], ...] = ()

    @property
    def contracts(self) -> tuple[Contract[Any], ...]:
        return (Contract(self.full_name, self.add_to_server, self.servicer), *self.previous)


def _as_server(registrar: HandlerRegistry) -> grpc.aio.Server:
    """The chain's registrar where a generated add_*Servicer_to_server wants the server: those
    functions call only the two methods of HandlerRegistry, which the registrar has, but their
    types name the server (the stubs': mypy-protobuf's and types-grpcio-health-checking's)."""
    return cast(grpc.aio.Server, registrar)


def run(main: Coroutine[Any, Any, None]) -> None:
    """Run a service process's main coroutine on uvloop: grpc.aio resumes the loop for every
    completion of every call, and uvloop's loop does that for less CPU than asyncio's own."""
    uvloop.run(main)


def grpc_server_options() -> list[tuple[str, int]]:
    return [
        ("grpc.max_receive_message_length", MAX_MESSAGE_BYTES),
        ("grpc.max_send_message_length", MAX_MESSAGE_BYTES),
    ]


class _Readiness:
    """Reports SERVING only while the service's hard dependencies answer and discovery has no
    authorisation problem (a Consul that refuses its registration would leave it unreachable)."""

    def __init__(
        self, servicer: health.aio.HealthServicer, names: list[str], ready: Callable[[], Awaitable[bool]], discovery: Discovery
    ) -> None:
        self._servicer = servicer
        self._names = names
        self._ready = ready
        self._discovery = discovery
        self.serving = False

    async def follow(self) -> None:
        reported: bool | None = None
        while True:
            problem = self._discovery.problem()  # discovery logs it, once, as it happens
            try:
                ok = problem is None and await self._ready()
            except Exception:  # a failing probe means "not ready", never a crash
                log.warning("readiness check failed", exc_info=True)
                ok = False
            self.serving = ok
            if ok != reported:
                status = health_pb2.HealthCheckResponse.SERVING if ok else health_pb2.HealthCheckResponse.NOT_SERVING
                for name in self._names:
                    await self._servicer.set(name, status)
                log.info("health", extra={"serving": ok, **({"discovery_problem": problem} if problem else {})})
                reported = ok
            await asyncio.sleep(READINESS_INTERVAL_SECONDS)


# A coroutine run beside the server until the stop event it is given is set.
Background = Callable[[asyncio.Event], Coroutine[Any, Any, None]]


def _watch_background(task: asyncio.Task[None], stop: asyncio.Event) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("background task failed, shutting down", exc_info=task.exception(), extra={"task": task.get_name()})
        stop.set()


async def _finish_background(tasks: list[asyncio.Task[None]], grace: float) -> None:
    """Wait for background tasks (they have seen the stop event) up to `grace`, then cancel them."""
    if not tasks:
        return
    _, late = await asyncio.wait(tasks, timeout=grace)
    for task in late:
        log.warning("background task cancelled after the grace period", extra={"task": task.get_name()})
        task.cancel()
    await asyncio.wait(tasks)


def add_service(
    server: grpc.aio.Server, settings: ServiceSettings, service: ServiceDefinition[Any], revocations: RevocationList | None
) -> health.aio.HealthServicer:
    """Register the service and the health service on `server`, each method behind the call chain;
    access.MissingAccess, before anything listens, when a method declares no access rule."""
    from gridam_runtime.auth import Authenticator  # only when serving (see HandlerChain.wrap)

    chain = HandlerChain(access_log=settings.access_log)
    registrar = _as_server(chain.registrar(server))
    for contract in service.contracts:
        contract.add_to_server(contract.servicer, registrar)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, registrar)
    # The keys it needs follow from the methods' rules: the users' public key where a method takes
    # user tokens, the public key of each service some method names (a missing one stops the start).
    chain.authenticator = Authenticator.for_service(
        settings, revocations, service_callers=chain.service_callers, user_tokens=chain.takes_user_tokens
    )
    return health_servicer


async def run_server(
    settings: ServiceSettings,
    service: ServiceDefinition[Any],
    discovery: Discovery,
    *,
    ready: Callable[[], Awaitable[bool]],
    cleanup: Callable[[], Awaitable[None]] | None = None,
    background: Sequence[Background] = (),
    revocations: RevocationList | None = None,
) -> None:
    """`revocations`: the list the access check refuses revoked sessions' user tokens with (the
    use cases' own `Authenticator.require()` checks it too, where a service passes none)."""
    server = grpc.aio.server(options=grpc_server_options())
    lower_poller_priority(settings.grpc_poller_niceness)
    health_servicer = add_service(server, settings, service, revocations)
    full_names = [contract.full_name for contract in service.contracts]
    names = ["", *full_names]  # readiness
    for name in names:
        await health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
    await health_servicer.set(LIVENESS_SERVICE, health_pb2.HealthCheckResponse.SERVING)
    if settings.reflection:
        reflection.enable_server_reflection([*full_names, health.SERVICE_NAME, reflection.SERVICE_NAME], server)
    address = f"{settings.grpc_host}:{settings.grpc_port}"
    if server.add_insecure_port(address) == 0:
        raise SystemExit(f"cannot listen on {address}")
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr=settings.grpc_host)
    await server.start()
    freeze_startup_objects()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    readiness = _Readiness(health_servicer, names, ready, discovery)
    registration = Registration(
        service_name=service.discovery_name,
        instance_id=settings.instance_id or f"{service.discovery_name}-{settings.advertise_host}-{settings.grpc_port}",
        host=settings.advertise_host,
        port=settings.grpc_port,
        health_service=service.full_name,
        deregister_critical_after=go_duration(settings.consul_deregister_critical_after_seconds),
    )
    # Returns after the first attempt: discovery keeps the instance registered from then on, also
    # while Consul is unreachable, and reports an authorisation error before readiness is first set.
    await discovery.register(registration, serving=lambda: readiness.serving)
    readiness_task = asyncio.create_task(readiness.follow())
    log.info("listening", extra={"address": address, "service": service.full_name, "also": full_names[1:]})
    tasks = [asyncio.create_task(work(stop), name=getattr(work, "__qualname__", repr(work))) for work in background]
    for task in tasks:
        task.add_done_callback(lambda done: _watch_background(done, stop))
    try:
        await stop.wait()
    finally:
        stop.set()  # also when left by an exception: background work must see it
        log.info("draining", extra={"grace_seconds": settings.shutdown_grace_seconds})
        readiness_task.cancel()
        await asyncio.gather(readiness_task, return_exceptions=True)  # it sets no status after this
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        # Readiness only: a draining process is still alive, and liveness stays SERVING until the
        # server stops (no probe failure while the kubelet is already stopping the container).
        for name in names:
            await health_servicer.set(name, health_pb2.HealthCheckResponse.NOT_SERVING)
        try:
            await discovery.deregister(registration)
        except Exception:
            log.warning("deregistration failed", exc_info=True)
        # Keep answering (health now NOT_SERVING) while balancers and watchers notice; stop()
        # then refuses new calls and gives those in flight the grace period.
        await asyncio.sleep(settings.drain_delay_seconds)
        # Calls in flight and background work share the grace period.
        await asyncio.gather(
            server.stop(settings.shutdown_grace_seconds),
            _finish_background(tasks, settings.shutdown_grace_seconds),
        )
        await discovery.close()
        if cleanup is not None:
            await cleanup()
        log.info("stopped")
    failed = [error for t in tasks if not t.cancelled() and (error := t.exception()) is not None]
    if failed:
        raise failed[0]
