"""Another service's servicer called in process as its gRPC client would call it, for the
unit tests of a service layer that asks other services: the same request and response
messages, the caller's token (context.bearer_token) as the metadata would carry it, and a
DomainError raised as the AioRpcError the server interceptor sends (its status and its
ErrorInfo trailer), so the layer under test meets what it meets in production."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import grpc

from gridam_runtime.errors import STATUS_DETAILS_KEY, DomainError, to_status_details


class InProcessClient:
    def __init__(self, servicer: Any = None) -> None:
        self.servicer = servicer  # may be set later: two services can call each other

    def __getattr__(self, method: str) -> Callable[..., Awaitable[Any]]:
        async def call(request: Any, *, timeout: float | None = None) -> Any:
            handler = getattr(self.servicer, method)
            try:
                # A task of its own runs in a copy of the caller's context, as a server's
                # handler runs in its own: what the callee sets (a service token) stays there.
                return await asyncio.create_task(handler(request, None))
            except DomainError as error:
                trailer = grpc.aio.Metadata((STATUS_DETAILS_KEY, to_status_details(error)))
                raise grpc.aio.AioRpcError(error.status_code, grpc.aio.Metadata(), trailer, details=error.detail) from None

        return call
