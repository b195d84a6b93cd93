"""Wiring shared by every process: discovery from settings, readiness, the garbage collector
after start-up."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable

import redis
import sqlalchemy

from gridam_runtime import db
from gridam_runtime.discovery import ConsulDiscovery, Discovery, StaticDiscovery
from gridam_runtime.settings import BaseGridamSettings


def build_discovery(settings: BaseGridamSettings) -> Discovery:
    if settings.discovery == "consul":
        host, port = settings.consul_host_port
        return ConsulDiscovery(
            host, port, token=settings.consul_acl_token, last_known_grace_s=settings.consul_last_known_grace_seconds
        )
    return StaticDiscovery(settings.static_addresses())


def freeze_startup_objects() -> None:
    """Call once a process has started: what start-up allocated (modules, the app, clients,
    ~100k objects) is moved out of the garbage collector's reach, so a full collection scans
    only what requests made, and the calls in flight do not wait for it (docs/performance.md)."""
    gc.collect()
    gc.freeze()


def database_readiness(engine: sqlalchemy.Engine, redis_client: redis.Redis | None) -> Callable[[], Awaitable[bool]]:
    """The `ready` check of a service whose hard dependencies are its database (and Redis)."""

    async def ready() -> bool:
        await asyncio.to_thread(db.ping, engine)
        if redis_client is not None:
            await asyncio.to_thread(redis_client.ping)
        return True

    return ready
