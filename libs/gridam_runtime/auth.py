"""Who is calling: the identity in the forwarded access token, checked by each service.

A call carries either a user's access token (forwarded by the gateway) or, for internal
methods with no user behind them, a service token (see tokens.py). Each method says which
it accepts; a user token never passes where a service token is required, and the reverse.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Collection
from dataclasses import dataclass

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


def _is_service_token(token: str) -> bool:
    # Cheap routing only; the verifiers below decide. A service token names its own audience.
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return False
    return isinstance(claims, dict) and claims.get("aud") == SERVICE_AUDIENCE


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
        identity = self._verifier.verify(token)
        if self._revocations is not None and self._revocations.is_revoked(identity.session_id):
            raise Unauthenticated("AUTH4011", "session revoked")
        return identity

    def require_service(self, allowed: Collection[str]) -> ServiceCaller:
        """The service calling an internal method; PermissionDenied for anyone not in `allowed`."""
        token = context.bearer_token.get()
        if not token:
            raise Unauthenticated("AUTH4011", "no service token")
        if self._service_verifier is None:
            raise PermissionDenied("AUTH4031", "this service accepts no service tokens")
        name = self._service_verifier.verify(token)
        if name not in allowed:
            raise PermissionDenied("AUTH4031", f"service {name} may not call this method")
        return ServiceCaller(name)

    def require_user_or_service(self, allowed: Collection[str]) -> Identity | ServiceCaller:
        token = context.bearer_token.get()
        if token and _is_service_token(token):
            return self.require_service(allowed)
        return self.require()
