"""A service whose Redis or database is unreachable, or whose media store is full, answers
UNAVAILABLE (the gateway's 503, which clients may retry), not INTERNAL (500, a bug). Found by the
soak (soak/): while Redis restarted, every login, search and statistics request through the gateway
was a 500, and so was every diary written while the media store was full."""

from __future__ import annotations

import asyncio
import os
import signal

import grpc
import pytest
import redis
import sqlalchemy as sa

from gridam_runtime import access
from gridam_runtime.discovery import StaticDiscovery
from gridam_runtime.server import ServiceDefinition, run_server
from gridam_runtime.settings import ServiceSettings
from tests.support.declared_services import declared_service
from tests.support.servers import MYSQL_PASSWORD, MYSQL_USER, Redis, free_port

pytestmark = pytest.mark.integration


async def _always_ready() -> bool:
    return True


async def test_an_unreachable_redis_or_database_or_a_full_disk_is_unavailable_not_internal(tmp_path):
    stopped = Redis(tmp_path / "redis")
    stopped.start()
    stopped.stop()  # its port: nothing listens there now
    store = redis.Redis.from_url(stopped.url, socket_connect_timeout=1)
    database = sa.create_engine(f"mysql+mysqldb://{MYSQL_USER}:{MYSQL_PASSWORD}@127.0.0.1:{free_port()}/gridam")

    async def count_in_redis(request: bytes, context) -> bytes:
        return str(store.incr("visits")).encode()

    async def read_the_database(request: bytes, context) -> bytes:
        with database.connect() as connection:
            return str(connection.execute(sa.text("SELECT 1")).scalar()).encode()

    async def write_a_file(request: bytes, context) -> bytes:
        with open("/dev/full", "wb") as full:  # the kernel's always-full device: ENOSPC on write
            full.write(b"photo")
        return b""

    def add(servicer, registrar) -> None:
        declared_service("test.Stores", {"Redis": access.PUBLIC, "Database": access.PUBLIC, "Disk": access.PUBLIC})
        registrar.add_registered_method_handlers("test.Stores", {
            "Redis": grpc.unary_unary_rpc_method_handler(count_in_redis),
            "Database": grpc.unary_unary_rpc_method_handler(read_the_database),
            "Disk": grpc.unary_unary_rpc_method_handler(write_a_file),
        })

    port = free_port()
    settings = ServiceSettings(grpc_port=port, shutdown_grace_seconds=1, drain_delay_seconds=0)
    server = asyncio.create_task(run_server(settings, ServiceDefinition("test-stores", "test.Stores", add, None),
                                            StaticDiscovery({}), ready=_always_ready))
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        await asyncio.wait_for(channel.channel_ready(), 30)
        for method in ("Redis", "Database", "Disk"):
            with pytest.raises(grpc.aio.AioRpcError) as failed:
                await channel.unary_unary(f"/test.Stores/{method}")(b"", timeout=30)
            assert failed.value.code() == grpc.StatusCode.UNAVAILABLE, (method, failed.value)
            assert "internal error" not in failed.value.details()
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(server, 30)
