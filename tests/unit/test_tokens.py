"""Access tokens: only what the user service signed, unexpired, is accepted — also once
verified tokens are remembered."""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridam_runtime.errors import Unauthenticated
from gridam_runtime.tokens import AccessTokenIssuer, AccessTokenVerifier


@pytest.fixture
def keys():
    key = Ed25519PrivateKey.generate()
    return AccessTokenIssuer(key, ttl_seconds=900), AccessTokenVerifier(key.public_key())


def test_a_valid_token_gives_its_identity_every_time(keys):
    issuer, verifier = keys
    token, expires = issuer.issue(42, "haru", "session-1")
    for _ in range(3):
        identity = verifier.verify(token)
        assert (identity.user_id, identity.login_id, identity.session_id, identity.expires_at) == (42, "haru", "session-1", expires)


def test_a_remembered_token_does_not_make_its_variants_valid(keys):
    issuer, verifier = keys
    token, _ = issuer.issue(42, "haru", "session-1")
    verifier.verify(token)
    header, payload, signature = token.split(".")

    def changed(part: str) -> str:
        # The first base64url character is all data (a last one may carry ignored padding bits,
        # so changing it can leave the decoded bytes as they were).
        return ("B" if part[0] == "A" else "A") + part[1:]

    for forged in (f"{header}.{payload}.{changed(signature)}", f"{header}.{changed(payload)}.{signature}", token + "x"):
        with pytest.raises(Unauthenticated):
            verifier.verify(forged)


def test_expired_tokens_and_other_keys_are_refused(keys):
    issuer, verifier = keys
    expired, _ = issuer.issue(42, "haru", "s", now=time.time() - 3600)
    foreign, _ = AccessTokenIssuer(Ed25519PrivateKey.generate(), 900).issue(42, "haru", "s")
    for token in (expired, foreign):
        with pytest.raises(Unauthenticated):
            verifier.verify(token)


def test_a_remembered_token_is_refused_once_it_expires(keys, monkeypatch):
    issuer, verifier = keys
    token, expires = issuer.issue(42, "haru", "s")
    verifier.verify(token)
    monkeypatch.setattr("gridam_runtime.tokens.time.time", lambda: expires + 3600)
    monkeypatch.setattr("jwt.api_jwt.datetime", _FrozenDatetime(expires + 3600))
    with pytest.raises(Unauthenticated):
        verifier.verify(token)


class _FrozenDatetime:
    """Stands in for PyJWT's `datetime` module attribute so its expiry check sees `now`."""

    def __init__(self, now: float) -> None:
        import datetime

        self._now = datetime.datetime.fromtimestamp(now, datetime.UTC)
        self._real = datetime.datetime

    def now(self, tz=None):
        return self._now

    def __getattr__(self, name):
        return getattr(self._real, name)
