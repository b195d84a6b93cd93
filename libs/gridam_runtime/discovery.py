"""Service discovery behind one interface.

`StaticDiscovery` serves fixed addresses (embedded profile). `ConsulDiscovery` registers
instances in Consul with a gRPC health check and follows the passing instances of each
resolved service with blocking queries, so `resolve()` answers from memory.
"""

from __future__ import annotations

import abc
import asyncio
import logging
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import consul
import consul.aio

log = logging.getLogger(__name__)

_BACKOFF_MIN_S = 0.5
_BACKOFF_MAX_S = 5.0


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
    deregister_critical_after: str = "30s"


class Discovery(abc.ABC):
    @abc.abstractmethod
    async def register(self, reg: Registration) -> None: ...

    @abc.abstractmethod
    async def deregister(self, reg: Registration) -> None: ...

    @abc.abstractmethod
    async def resolve(self, service_name: str) -> tuple[Endpoint, ...]:
        """The instances of `service_name` that can take calls now; cheap after the first call."""

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

    async def register(self, reg: Registration) -> None:
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


@dataclass
class _Watch:
    endpoints: tuple[Endpoint, ...]
    index: int
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    task: asyncio.Task[None] | None = None


def _endpoints(nodes: list[dict[str, Any]] | None) -> tuple[Endpoint, ...]:
    found = {
        # Consul leaves Service.Address empty when the instance uses its node's address.
        Endpoint(n["Service"]["Address"] or n["Node"]["Address"], int(n["Service"]["Port"]))
        for n in nodes or ()
    }
    return tuple(sorted(found, key=lambda e: (e.host, e.port)))


class ConsulDiscovery(Discovery):
    """Consul agent at `host:port`; `wait` is the blocking-query wait (Go duration).

    Keep `wait` under about 4.5 minutes: Consul adds up to wait/16 of jitter and the HTTP
    session gives up on a request after 5 minutes.
    """

    def __init__(self, host: str, port: int, *, wait: str = "30s") -> None:
        self._host = host
        self._port = port
        self._wait = wait
        self._consul: consul.aio.Consul | None = None
        self._closed = False
        self._watches: dict[str, _Watch] = {}
        self._first_fetch_locks: dict[str, asyncio.Lock] = {}

    def _client(self) -> consul.aio.Consul:
        if self._closed:
            raise RuntimeError("ConsulDiscovery is closed")
        if self._consul is None:
            # Created on first use because the aiohttp session must be made inside the running
            # loop. py-consul 1.8.0 passes TLS options to aiohttp in a deprecated form.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", category=DeprecationWarning, module="consul")
                self._consul = consul.aio.Consul(host=self._host, port=self._port)
        return self._consul

    async def register(self, reg: Registration) -> None:
        check = consul.Check.grpc(
            f"{reg.host}:{reg.port}/{reg.health_service}",
            reg.check_interval,
            timeout=reg.check_timeout,
            deregister=reg.deregister_critical_after,
        )
        registered = await self._client().agent.service.register(
            reg.service_name, service_id=reg.instance_id, address=reg.host, port=reg.port, check=check
        )
        if not registered:
            raise consul.ConsulException(f"Consul did not register {reg.instance_id!r}")

    async def deregister(self, reg: Registration) -> None:
        # A 404 (already gone, e.g. reaped after being critical) counts as done.
        await self._client().agent.service.deregister(reg.instance_id)

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

    async def close(self) -> None:
        self._closed = True
        tasks = [w.task for w in self._watches.values() if w.task is not None]
        self._watches.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._consul is not None:
            await self._consul.close()
            self._consul = None

    async def _start_watch(self, service_name: str) -> _Watch:
        lock = self._first_fetch_locks.setdefault(service_name, asyncio.Lock())
        async with lock:
            watch = self._watches.get(service_name)
            if watch is None:
                index, nodes = await self._client().health.service(service_name, passing=True)
                watch = _Watch(_endpoints(nodes), int(index))
                watch.task = asyncio.create_task(
                    self._follow(service_name, watch), name=f"consul-watch:{service_name}"
                )
                self._watches[service_name] = watch
        return watch

    async def _follow(self, service_name: str, watch: _Watch) -> None:
        backoff = _BACKOFF_MIN_S
        while True:
            try:
                raw_index, nodes = await self._client().health.service(
                    service_name, passing=True, index=watch.index, wait=self._wait
                )
                index, endpoints = int(raw_index), _endpoints(nodes)
            except Exception:  # keep serving the last known instances while Consul is unreachable
                log.warning(
                    "consul watch of %s failed; retrying in %.1fs", service_name, backoff, exc_info=True
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX_S)
                # The agent may have restarted with a lower index, on which a blocking query
                # would wait out the whole `wait`; ask without blocking first.
                watch.index = 0
                continue
            backoff = _BACKOFF_MIN_S
            # Consul's blocking-query rules: an index that went backwards (e.g. a restored
            # snapshot) restarts the loop from 0; an index below 1 would never block.
            if index < watch.index:
                index = 0
            elif index < 1:
                index = 1
            watch.index = index
            if endpoints != watch.endpoints:
                async with watch.changed:
                    watch.endpoints = endpoints
                    watch.changed.notify_all()
