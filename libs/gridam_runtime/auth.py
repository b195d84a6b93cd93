"""Who is calling: the identity in the forwarded access token, checked by each service."""

from __future__ import annotations

from gridam_runtime import context
from gridam_runtime.context import Identity
from gridam_runtime.errors import Unauthenticated
from gridam_runtime.kv import RevocationList
from gridam_runtime.tokens import AccessTokenVerifier


class Authenticator:
    def __init__(self, verifier: AccessTokenVerifier, revocations: RevocationList | None = None) -> None:
        self._verifier = verifier
        self._revocations = revocations

    def require(self) -> Identity:
        """The caller of the current request; Unauthenticated(AUTH4011) without a valid token.

        With a revocation list, tokens of logged-out or revoked sessions are refused
        before they expire. Normally answered from memory; may ask Redis (blocking, a
        short timeout) while the revocation list's subscription is down.
        """
        token = context.bearer_token.get()
        if not token:
            raise Unauthenticated("AUTH4011", "no access token")
        identity = self._verifier.verify(token)
        if self._revocations is not None and self._revocations.is_revoked(identity.session_id):
            raise Unauthenticated("AUTH4011", "session revoked")
        return identity
