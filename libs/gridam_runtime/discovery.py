"""Service discovery behind one interface.

`StaticDiscovery` serves fixed addresses (embedded profile, Kubernetes Services). `ConsulDiscovery`
keeps this process's instances registered in Consul and follows the healthy instances of the
services it calls, so `resolve()` answers from memory.

Registration (anti-entropy). `register` returns after a first attempt (a few seconds at most);
a task per instance registers it with its gRPC health check, then watches the agent's record of
it with a blocking query that returns when the record changes, when the agent goes away, and at
least every `recheck_s`. Whenever the agent answers without the instance (an agent restarted
without its data, a reaped registration), it is registered again. While the agent is unreachable
the process serves on and keeps trying, so a service also starts while Consul is down. The check
starts in the state of the process's own health: an instance registered again stays in its
callers' sets instead of dropping out until its first check has run.

Resolution (last known instances). A watch per resolved service follows `/v1/health/service`
(every instance with its checks) with blocking queries. An answer changes the instances in use
only where it is positive:
  - an instance listed with every check passing is used;
  - an instance listed with a failing check is dropped at once;
  - an instance no longer listed is kept for `last_known_grace_s`, then dropped: an agent that
    lost its state lists nothing until the instances have registered again;
  - a failing answer (agent unreachable) changes nothing.
A kept instance that is really gone costs little: gRPC's round robin sends no call to an instance
it cannot connect to (clients.py). While instances are used that Consul's latest answer does not
confirm, a warning is logged and `gridam_discovery_unconfirmed_instances{service}` counts them.

ACL tokens. Every call carries the configured token. A 403 (no token, unknown token, missing
permission), or an answer Consul says it filtered, is logged once as an authorisation error and
reported by `problem()`, which fails the process's readiness.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client import Gauge

from gridam_runtime.backoff import Backoff
from gridam_runtime.consul_agent import ConsulAgent, ConsulDenied, ConsulError

log = logging.getLogger(__name__)

_BACKOFF_MIN_S = 0.5
_BACKOFF_MAX_S = 5.0
# How long the first registration and the first lookup of a service wait for Consul's answer;
# after that, registering goes on in the background and calls see an empty set until it answers.
_FIRST_ANSWER_TIMEOUT_S = 3.0
_TOKEN_VARIABLES = "GRIDAM_CONSUL_TOKEN or GRIDAM_CONSUL_TOKEN_FILE"

UNCONFIRMED_INSTANCES = Gauge(
    "gridam_discovery_unconfirmed_instances",
    "Instances of a service in use that Consul's latest answer does not list (the last known set: "
    "the agent is unreachable or lost its registrations)",
    ["service"],
)


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"


@dataclass(frozen=True)
class Registration:
    service_name: str
    instance_id: str
    host: str
    port: int
    health_service: str
    check_interval: str = "2s"
    check_timeout: str = "1s"
    # Consul reaps a critical instance after this; it refuses less than one minute.
    deregister_critical_after: str = "1m"


class Discovery(abc.ABC):
    @abc.abstractmethod
    async def register(self, reg: Registration, serving: Callable[[], bool]) -> None:
        """Keep the instance registered until `deregister`; `serving` says whether it serves now."""

    @abc.abstractmethod
    async def deregister(self, reg: Registration) -> None: ...

    @abc.abstractmethod
    async def resolve(self, service_name: str) -> tuple[Endpoint, ...]:
        """The instances of `service_name` that can take calls now; cheap after the first call."""

    def problem(self) -> str | None:
        """Why this process cannot use discovery as configured (an authorisation error), or None."""
        return None

    @abc.abstractmethod
    async def close(self) -> None: ...


def _parse_address(address: str) -> Endpoint:
    host, sep, port = address.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise ValueError(f"expected 'host:port', got {address!r}")
    return Endpoint(host, int(port))


class StaticDiscovery(Discovery):
    def __init__(self, addresses: Mapping[str, Sequence[str]]) -> None:
        self._endpoints = {
            name: tuple(_parse_address(a) for a in addrs) for name, addrs in addresses.items()
        }

    async def register(self, reg: Registration, serving: Callable[[], bool]) -> None:
        pass

    async def deregister(self, reg: Registration) -> None:
        pass

    async def resolve(self, service_name: str) -> tuple[Endpoint, ...]:
        try:
            return self._endpoints[service_name]
        except KeyError:
            known = ", ".join(sorted(self._endpoints)) or "none"
            raise LookupError(
                f"no static address configured for service {service_name!r} (configured: {known})"
            ) from None

    async def close(self) -> None:
        pass


def _check_payload(reg: Registration, passing: bool) -> dict[str, Any]:
    return {
        "GRPC": f"{reg.host}:{reg.port}/{reg.health_service}",
        "Interval": reg.check_interval,
        "Timeout": reg.check_timeout,
        "DeregisterCriticalServiceAfter": reg.deregister_critical_after,
        "Status": "passing" if passing else "critical",
    }


def _registration_payload(reg: Registration, passing: bool) -> dict[str, Any]:
    return {
        "ID": reg.instance_id,
        "Name": reg.service_name,
        "Address": reg.host,
        "Port": reg.port,
        "Check": _check_payload(reg, passing),
    }


def _entry_endpoint(entry: dict[str, Any]) -> Endpoint:
    # Consul leaves Service.Address empty when the instance uses its node's address.
    service = entry["Service"]
    return Endpoint(service["Address"] or entry["Node"]["Address"], int(service["Port"]))


def _entry_passing(entry: dict[str, Any]) -> bool:
    # As `?passing`: every check of the instance and of its node.
    return all(check["Status"] == "passing" for check in entry.get("Checks") or ())


def _targets(endpoints: Iterable[Endpoint]) -> str:
    return ", ".join(e.target for e in sorted(endpoints, key=lambda e: (e.host, e.port)))


@dataclass
class _Watch:
    service_name: str
    grace_s: float
    in_use: set[Endpoint] = field(default_factory=set)
    # Instances in use that Consul's answers stopped listing, and since when (monotonic).
    unlisted_since: dict[Endpoint, float] = field(default_factory=dict)
    consul_unreachable: bool = False
    reported: tuple[bool, int] = (False, 0)  # (consul_unreachable, unconfirmed()) last logged
    endpoints: tuple[Endpoint, ...] = ()
    index: int = 0
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    task: asyncio.Task[None] | None = None

    def apply(self, entries: list[dict[str, Any]], now: float) -> None:
        """Take a Consul answer into account (see the module's docstring)."""
        listed = {_entry_endpoint(e) for e in entries}
        passing = {_entry_endpoint(e) for e in entries if _entry_passing(e)}
        for endpoint in passing:
            self.unlisted_since.pop(endpoint, None)
        for endpoint in self.in_use - passing:
            if endpoint in listed:
                self.unlisted_since.pop(endpoint, None)
                continue  # reported critical: dropped below
            since = self.unlisted_since.setdefault(endpoint, now)
            if now - since >= self.grace_s:
                del self.unlisted_since[endpoint]
                log.warning(
                    "consul has not listed %s of %s for %.0fs: dropped", endpoint.target, self.service_name, self.grace_s
                )
        self.in_use = passing | set(self.unlisted_since)
        self.consul_unreachable = False
        self._report()

    def unreachable(self) -> None:
        self.consul_unreachable = True
        self._report()

    def unconfirmed(self) -> int:
        return len(self.in_use) if self.consul_unreachable else len(self.unlisted_since)

    def next_wait(self, now: float, wait_s: float) -> float:
        """A blocking query's wait: no longer than until the first unlisted instance's grace ends."""
        if not self.unlisted_since:
            return wait_s
        return min(wait_s, max(1.0, min(self.unlisted_since.values()) + self.grace_s - now))

    def _report(self) -> None:
        """The gauge, and a log line whenever the last known set starts or stops being used."""
        state = (self.consul_unreachable, self.unconfirmed())
        before, self.reported = self.reported, state
        UNCONFIRMED_INSTANCES.labels(self.service_name).set(state[1])
        if state == before:
            return
        unreachable, count = state
        if unreachable and count:
            log.warning(
                "consul unreachable: calls to %s go to the last known instances (%s) until it answers",
                self.service_name, _targets(self.in_use),
            )
        elif count:
            log.warning(
                "consul does not list %d instance(s) of %s: calls still go to them for up to %.0fs (last known: %s)",
                count, self.service_name, self.grace_s, _targets(self.unlisted_since),
            )
        elif before[1]:
            log.info("consul confirms the instances of %s in use again", self.service_name)

    async def publish(self) -> None:
        endpoints = tuple(sorted(self.in_use, key=lambda e: (e.host, e.port)))
        if endpoints != self.endpoints:
            async with self.changed:
                self.endpoints = endpoints
                self.changed.notify_all()


class ConsulDiscovery(Discovery):
    """The Consul agent at `host:port`, every call made with the ACL `token` (empty: none).

    `wait_s` is the blocking queries' wait: keep it under about 4.5 minutes (Consul adds up to
    wait/16 of jitter). `recheck_s`: how often, at most, an instance's registration is checked.
    `last_known_grace_s`: how long an instance Consul stopped listing stays in use.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        token: str = "",
        wait_s: float = 30.0,
        recheck_s: float = 3.0,
        last_known_grace_s: float = 30.0,
    ) -> None:
        self._agent = ConsulAgent(host, port, token)
        self._has_token = bool(token)
        self._wait_s = wait_s
        self._recheck_s = recheck_s
        self._grace_s = last_known_grace_s
        self._closed = False
        self._kept: dict[str, asyncio.Task[None]] = {}
        self._watches: dict[str, _Watch] = {}
        self._first_lookup_locks: dict[str, asyncio.Lock] = {}
        self._problems: dict[str, str] = {}

    # --- registration ------------------------------------------------------------------

    async def register(self, reg: Registration, serving: Callable[[], bool]) -> None:
        if self._closed:
            raise RuntimeError("ConsulDiscovery is closed")
        previous = self._kept.pop(reg.instance_id, None)
        if previous is not None:
            await _cancel([previous])
        attempted = asyncio.Event()
        self._kept[reg.instance_id] = asyncio.create_task(
            self._keep_registered(reg, serving, attempted), name=f"consul-registration:{reg.instance_id}"
        )
        # The first attempt's outcome (an authorisation error above all) is known before the
        # process first reports its readiness, unless Consul is slow to answer.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_FIRST_ANSWER_TIMEOUT_S):
                await attempted.wait()

    async def _keep_registered(self, reg: Registration, serving: Callable[[], bool], attempted: asyncio.Event) -> None:
        backoff = Backoff(_BACKOFF_MIN_S, _BACKOFF_MAX_S)
        content_hash: str | None = ""
        registrations = 0
        failing = False
        while True:
            try:
                content_hash = await self._agent.local_service(reg.instance_id, content_hash or "", self._recheck_s)
                if content_hash is None:
                    await self._agent.register(_registration_payload(reg, serving()))
                    registrations += 1
                    log.info(
                        "registered in consul" if registrations == 1 else "registered in consul again (the agent had lost it)",
                        extra={"instance": reg.instance_id, "service": reg.service_name},
                    )
                    content_hash = ""
            except ConsulDenied as exc:
                self._denied(reg.instance_id, str(exc), f"the token needs service:write on {reg.service_name!r}")
            except (httpx.HTTPError, ConsulError) as exc:
                if not failing:
                    log.warning(
                        "consul unreachable, registration of %s retried until it answers: %s", reg.instance_id, _why(exc)
                    )
                failing = True
            else:
                self._authorised(reg.instance_id)
                if failing:
                    log.info("consul answers again", extra={"instance": reg.instance_id})
                failing = False
                backoff.reset()
                attempted.set()
                continue
            attempted.set()
            content_hash = ""
            await asyncio.sleep(backoff.next())

    async def deregister(self, reg: Registration) -> None:
        task = self._kept.pop(reg.instance_id, None)
        if task is not None:
            await _cancel([task])
        await self._agent.deregister(reg.instance_id)

    # --- resolution --------------------------------------------------------------------

    async def resolve(self, service_name: str) -> tuple[Endpoint, ...]:
        watch = self._watches.get(service_name)
        if watch is None:
            watch = await self._start_watch(service_name)
        return watch.endpoints

    async def wait_for(
        self,
        service_name: str,
        predicate: Callable[[tuple[Endpoint, ...]], bool],
        timeout: float,
    ) -> tuple[Endpoint, ...]:
        """Wait until the followed instances of `service_name` satisfy `predicate`.

        Raises TimeoutError after `timeout` seconds.
        """
        await self.resolve(service_name)
        watch = self._watches[service_name]
        async with asyncio.timeout(timeout), watch.changed:
            await watch.changed.wait_for(lambda: predicate(watch.endpoints))
            return watch.endpoints

    def problem(self) -> str | None:
        return "; ".join(self._problems.values()) or None

    async def _start_watch(self, service_name: str) -> _Watch:
        if self._closed:
            raise RuntimeError("ConsulDiscovery is closed")
        lock = self._first_lookup_locks.setdefault(service_name, asyncio.Lock())
        async with lock:
            watch = self._watches.get(service_name)
            if watch is None:
                watch = _Watch(service_name, self._grace_s)
                try:  # a first answer before the first call; failures are the watch's to retry
                    async with asyncio.timeout(_FIRST_ANSWER_TIMEOUT_S):
                        await self._look_up(watch, wait_s=0)
                except (TimeoutError, httpx.HTTPError, ConsulError):
                    pass
                watch.task = asyncio.create_task(self._follow(watch), name=f"consul-watch:{service_name}")
                self._watches[service_name] = watch
        return watch

    async def _look_up(self, watch: _Watch, wait_s: float) -> None:
        name = watch.service_name
        needs = f"the token needs service:read on {name!r} and node:read"
        try:
            answer = await self._agent.health(name, watch.index, wait_s)
        except ConsulDenied as exc:
            self._denied(name, str(exc), needs)
            raise
        if answer.filtered_by_acls:
            self._denied(name, f"looking up {name!r}: Consul left out instances the token may not read", needs)
        elif answer.default_deny and not answer.entries and not self._has_token:
            self._denied(
                name, f"looking up {name!r}: no instance listed, and no ACL token while Consul's ACLs deny by default", needs
            )
        else:
            self._authorised(name)
        # Consul's blocking-query rules: an index that went backwards (a restarted agent, a
        # restored snapshot) restarts the loop from 0; an index below 1 would never block.
        watch.index = 0 if answer.index < watch.index else max(answer.index, 1)
        watch.apply(answer.entries, time.monotonic())
        await watch.publish()

    async def _follow(self, watch: _Watch) -> None:
        backoff = Backoff(_BACKOFF_MIN_S, _BACKOFF_MAX_S)
        while True:
            try:
                await self._look_up(watch, watch.next_wait(time.monotonic(), self._wait_s))
            except (httpx.HTTPError, ConsulError) as exc:
                log.debug("consul lookup of %s failed: %s", watch.service_name, _why(exc))
                watch.unreachable()
                await asyncio.sleep(backoff.next())
                # The agent may have restarted with a lower index, on which a blocking query
                # would wait out the whole `wait`; ask without blocking first.
                watch.index = 0
                continue
            backoff.reset()

    # --- authorisation errors ----------------------------------------------------------

    def _denied(self, key: str, what: str, needs: str) -> None:
        message = f"{what} ({needs}: set {_TOKEN_VARIABLES})"
        if self._problems.get(key) != message:
            log.error("consul authorisation error: %s", message)
        self._problems[key] = message

    def _authorised(self, key: str) -> None:
        if self._problems.pop(key, None) is not None:
            log.info("consul authorises %s again", key)

    async def close(self) -> None:
        self._closed = True
        tasks = [*self._kept.values(), *(w.task for w in self._watches.values() if w.task is not None)]
        self._kept.clear()
        self._watches.clear()
        await _cancel(tasks)
        await self._agent.close()


def _why(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


async def _cancel(tasks: list[asyncio.Task[None]]) -> None:
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
