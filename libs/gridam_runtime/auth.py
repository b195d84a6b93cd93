"""Who is calling: the identity in the forwarded access token, checked by each service.

A call carries either a user's access token (forwarded by the gateway) or, for internal
methods with no user behind them, a service token (see tokens.py). Each method's access option
says which it accepts (access.py); a user token never passes where a service token is required,
and the reverse: either is refused there with PERMISSION_DENIED (the caller is known, but not
one this method takes), a missing or invalid token with UNAUTHENTICATED.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from gridam_runtime import context
from gridam_runtime.context import Identity
from gridam_runtime.errors import PermissionDenied, Unauthenticated
from gridam_runtime.kv import RevocationList
from gridam_runtime.settings import BaseGridamSettings
from gridam_runtime.tokens import SERVICE_AUDIENCE, AccessTokenVerifier, ServiceTokenVerifier


@dataclass(frozen=True)
class ServiceCaller:
    """Another GriDam service, verified from its service token."""

    name: str


def _unverified_claims(token: str) -> dict[str, Any] | None:
    """The token's claims as it states them, or None when it is no JWT. For routing and for
    choosing how to refuse only: the verifiers below decide whether a token is valid."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def _is_service_token(token: str) -> bool:
    # A service token names its own audience.
    claims = _unverified_claims(token)
    return claims is not None and claims.get("aud") == SERVICE_AUDIENCE


class Authenticator:
    def __init__(
        self,
        verifier: AccessTokenVerifier | None,
        revocations: RevocationList | None = None,
        service_verifier: ServiceTokenVerifier | None = None,
    ) -> None:
        self._verifier = verifier  # None: a service that takes service tokens only
        self._revocations = revocations
        self._service_verifier = service_verifier

    @classmethod
    def for_service(
        cls,
        settings: BaseGridamSettings,
        revocations: RevocationList | None,
        *,
        service_callers: Collection[str],
        user_tokens: bool = True,
    ) -> Authenticator:
        """What a service checks callers with: users' access tokens (unless `user_tokens` is
        False) against the revocation list, and the tokens of `service_callers` (every service
        any of its internal methods accepts), with their public keys from the keys folder."""
        return cls(
            AccessTokenVerifier.from_file(settings.jwt_public_key_path) if user_tokens else None,
            revocations,
            ServiceTokenVerifier.from_keys_dir(settings.keys_dir, service_callers),
        )

    def require(self) -> Identity:
        """The user calling the current request; Unauthenticated(AUTH4011) without a valid token.

        With a revocation list, tokens of logged-out or revoked sessions are refused
        before they expire. Normally answered from memory; may ask Redis (blocking, a
        short timeout) while the revocation list's subscription is down.
        """
        token = context.bearer_token.get()
        if not token:
            raise Unauthenticated("AUTH4011", "no access token")
        if self._verifier is None:
            raise Unauthenticated("AUTH4011", "this service accepts service tokens only")
        try:
            identity = self._verifier.verify(token)
        except Unauthenticated:
            if _is_service_token(token):  # a service calling a user's method
                raise PermissionDenied("AUTH4031", "a service token on a method for users") from None
            raise
        if self._revocations is not None and self._revocations.is_revoked(identity.session_id):
            raise Unauthenticated("AUTH4011", "session revoked")
        return identity

    def require_service(self, allowed: Collection[str]) -> ServiceCaller:
        """The service calling an internal method; PermissionDenied for anyone not in `allowed`."""
        token = context.bearer_token.get()
        if not token:
            raise Unauthenticated("AUTH4011", "no service token")
        claims = _unverified_claims(token)
        if claims is None:
            raise Unauthenticated("AUTH4011", "invalid service token")
        # Refused on what the token claims, before its signature is checked: a refusal grants
        # nothing, and the callee need not hold the keys of services it never accepts.
        if claims.get("aud") != SERVICE_AUDIENCE:
            raise PermissionDenied("AUTH4031", "a user token on an internal method")
        if claims.get("iss") not in allowed:
            raise PermissionDenied("AUTH4031", f"service {claims.get('iss')} may not call this method")
        if self._service_verifier is None:
            raise PermissionDenied("AUTH4031", "this service accepts no service tokens")
        return ServiceCaller(self._service_verifier.verify(token))

    def require_user_or_service(self, allowed: Collection[str]) -> Identity | ServiceCaller:
        token = context.bearer_token.get()
        if token and _is_service_token(token):
            return self.require_service(allowed)
        return self.require()
