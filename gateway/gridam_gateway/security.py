"""Bearer-token check at the edge. The verified token is what gets forwarded to services
(which verify it again and check revocation); a bad or expired token is a 401."""

from __future__ import annotations

from fastapi import Request

from gridam_gateway.errors import ApiError
from gridam_runtime import context
from gridam_runtime.context import Identity
from gridam_runtime.errors import Unauthenticated


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def current_user(request: Request) -> Identity:
    """FastAPI dependency of every route that acts for a signed-in user."""
    token = bearer(request)
    if token is None:
        raise ApiError("AUTH4011")
    try:
        identity = request.app.state.verifier.verify(token)
    except Unauthenticated:
        raise ApiError("AUTH4011") from None
    context.bearer_token.set(token)
    return identity
