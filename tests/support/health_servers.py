"""A real grpc.aio server that serves only the standard health service, registered in Consul
by the discovery tests."""

from __future__ import annotations

from collections.abc import Callable

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_health.v1.health import aio as health_aio

from gridam_runtime.discovery import Endpoint, Registration

HEALTH_SERVICE = "gridam.user.v1.UserService"
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
TIMEOUT_S = 30.0  # generous: CI machines are shared and slow


class HealthServer:
    """A real grpc.aio server that only serves the standard health service."""

    def __init__(self, server: grpc.aio.Server, health: health_aio.HealthServicer, port: int, status: int) -> None:
        self._server = server
        self._health = health
        self._status = status
        self.endpoint = Endpoint("127.0.0.1", port)

    @classmethod
    async def start(cls, status: int) -> HealthServer:
        server = grpc.aio.server()
        health = health_aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(health, server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        await health.set(HEALTH_SERVICE, status)
        return cls(server, health, port, status)

    async def set_status(self, status: int, service: str = HEALTH_SERVICE) -> None:
        await self._health.set(service, status)
        if service == HEALTH_SERVICE:
            self._status = status

    def serving(self) -> bool:
        return self._status == SERVING

    async def stop(self) -> None:
        await self._server.stop(grace=None)

    def registration(self, service_name: str) -> Registration:
        return Registration(
            service_name=service_name,
            instance_id=f"{service_name}-{self.endpoint.port}",
            host=self.endpoint.host,
            port=self.endpoint.port,
            health_service=HEALTH_SERVICE,
            check_interval="1s",  # Consul's minimum
            check_timeout="2s",  # a stalled machine must not flip a healthy instance
        )


def exactly(*servers: HealthServer) -> Callable[[tuple[Endpoint, ...]], bool]:
    expected = {s.endpoint for s in servers}
    return lambda endpoints: set(endpoints) == expected and len(endpoints) == len(expected)
