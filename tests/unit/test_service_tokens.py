"""Service tokens: only a holder of the service key can call internal methods, and user and
service tokens never pass for each other."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridam_runtime import context
from gridam_runtime.auth import Authenticator, ServiceCaller
from gridam_runtime.errors import PermissionDenied, Unauthenticated
from gridam_runtime.tokens import AccessTokenIssuer, AccessTokenVerifier, ServiceTokenIssuer, ServiceTokenVerifier

USER_KEY, SERVICE_KEY, ROGUE_KEY = (Ed25519PrivateKey.generate() for _ in range(3))


@pytest.fixture
def authenticator() -> Authenticator:
    return Authenticator(
        AccessTokenVerifier(USER_KEY.public_key()), service_verifier=ServiceTokenVerifier(SERVICE_KEY.public_key())
    )


def calling_with(token: str) -> None:
    context.bearer_token.set(token)


def user_token() -> str:
    return AccessTokenIssuer(USER_KEY, 900).issue(7, "alice", "s1")[0]


def test_a_service_token_identifies_an_allowed_service(authenticator):
    calling_with(ServiceTokenIssuer(SERVICE_KEY, "gridam-diary").token())
    assert authenticator.require_service({"gridam-diary"}) == ServiceCaller("gridam-diary")
    assert authenticator.require_user_or_service({"gridam-diary"}) == ServiceCaller("gridam-diary")


def test_a_service_not_allowed_for_the_method_is_refused(authenticator):
    calling_with(ServiceTokenIssuer(SERVICE_KEY, "gridam-card").token())
    with pytest.raises(PermissionDenied):
        authenticator.require_service({"gridam-diary"})


def test_a_user_token_is_not_a_service_token_nor_the_reverse(authenticator):
    calling_with(user_token())
    with pytest.raises(Unauthenticated):
        authenticator.require_service({"gridam-diary"})
    assert authenticator.require_user_or_service({"gridam-diary"}).user_id == 7
    calling_with(ServiceTokenIssuer(SERVICE_KEY, "gridam-diary").token())
    with pytest.raises(Unauthenticated):
        authenticator.require()


def test_a_service_token_signed_with_another_key_is_refused(authenticator):
    calling_with(ServiceTokenIssuer(ROGUE_KEY, "gridam-diary").token())
    with pytest.raises(Unauthenticated):
        authenticator.require_service({"gridam-diary"})
    with pytest.raises(Unauthenticated):
        authenticator.require_user_or_service({"gridam-diary"})


def test_no_token_is_unauthenticated(authenticator):
    calling_with("")
    with pytest.raises(Unauthenticated):
        authenticator.require_service({"gridam-diary"})


def test_a_service_taking_service_tokens_only_refuses_every_user_token():
    service_only = Authenticator(None, service_verifier=ServiceTokenVerifier(SERVICE_KEY.public_key()))
    calling_with(user_token())
    with pytest.raises(Unauthenticated):
        service_only.require()
    with pytest.raises(Unauthenticated):
        service_only.require_user_or_service({"gridam-diary"})
    calling_with(ServiceTokenIssuer(SERVICE_KEY, "gridam-diary").token())
    assert service_only.require_user_or_service({"gridam-diary"}) == ServiceCaller("gridam-diary")
