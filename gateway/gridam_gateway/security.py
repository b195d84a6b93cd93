"""Bearer-token check at the edge. The verified token is what gets forwarded to services
(which verify it again and check revocation); a bad or expired token is a 401.

A router whose every route acts for a signed-in user uses `route_class=SignedInRoute`; a
single route, or one that needs the caller's identity, takes `Depends(current_user)`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from gridam_gateway.errors import ApiError
from gridam_runtime import context
from gridam_runtime.context import Identity
from gridam_runtime.errors import Unauthenticated
from gridam_runtime.tokens import AccessTokenVerifier


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def authenticate(request: Request) -> Identity:
    """The caller verified from its bearer token (kept for outgoing calls); ApiError AUTH4011
    without a valid one. Cheap once a token is known (AccessTokenVerifier remembers it)."""
    token = bearer(request)
    if token is None:
        raise ApiError("AUTH4011")
    verifier: AccessTokenVerifier = request.app.state.verifier
    try:
        identity = verifier.verify(token)
    except Unauthenticated:
        raise ApiError("AUTH4011") from None
    context.bearer_token.set(token)
    return identity


async def current_user(request: Request) -> Identity:
    """FastAPI dependency: the signed-in caller."""
    return authenticate(request)


class SignedInRoute(APIRoute):
    """Route class of a router whose every route acts for a signed-in user: the token is
    checked before FastAPI reads the route's parameters. Same answer as a router-level
    `Depends(current_user)`, without the work FastAPI's dependency resolution spends on such a
    sub-dependency on every request (the gain: docs/performance.md)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def signed_in(request: Request) -> Response:
            authenticate(request)
            return await handler(request)

        return signed_in
