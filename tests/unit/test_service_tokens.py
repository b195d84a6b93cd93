"""Service tokens: only a holder of a calling service's own key can call internal methods as that
service, no service passes for another, and user and service tokens never pass for each other."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridam_devtools.keys import SERVICE_CALLERS, ensure_keys
from gridam_runtime import context
from gridam_runtime.auth import Authenticator, ServiceCaller
from gridam_runtime.errors import PermissionDenied, Unauthenticated
from gridam_runtime.tokens import (
    LEEWAY_SECONDS,
    SERVICE_AUDIENCE,
    SERVICE_TOKEN_TTL_SECONDS,
    AccessTokenIssuer,
    AccessTokenVerifier,
    ServiceTokenIssuer,
    ServiceTokenVerifier,
    service_key_file,
)

USER_KEY, DIARY_KEY, CARD_KEY, ROGUE_KEY = (Ed25519PrivateKey.generate() for _ in range(4))
SERVICE_KEYS = {"gridam-diary": DIARY_KEY, "gridam-card": CARD_KEY}


def service_verifier() -> ServiceTokenVerifier:
    """A callee holding the public keys of gridam-diary and gridam-card."""
    return ServiceTokenVerifier({name: key.public_key() for name, key in SERVICE_KEYS.items()})


@pytest.fixture
def authenticator() -> Authenticator:
    return Authenticator(AccessTokenVerifier(USER_KEY.public_key()), service_verifier=service_verifier())


def calling_with(token: str) -> None:
    context.bearer_token.set(token)


def user_token() -> str:
    return AccessTokenIssuer(USER_KEY, 900).issue(7, "alice", "s1")[0]


class IssuerClock:
    """The issuer's clock; starts at the real time, which the verifier (PyJWT) keeps reading."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def issuer_clock() -> IssuerClock:
    return IssuerClock()


def expiry(token: str) -> int:
    return jwt.decode(token, options={"verify_signature": False})["exp"]


def signed_service_claims(**changes: object) -> str:
    """A service token built by hand (gridam-diary's unless changed), signed with the key of the
    service its `iss` names."""
    now = int(time.time())
    claims = {"iss": "gridam-diary", "aud": SERVICE_AUDIENCE, "sub": "service:gridam-diary", "iat": now, "exp": now + 300}
    claims |= changes
    return jwt.encode(claims, SERVICE_KEYS[claims["iss"]], algorithm="EdDSA")


def test_a_service_token_identifies_an_allowed_service(authenticator):
    calling_with(ServiceTokenIssuer(DIARY_KEY, "gridam-diary").token())
    assert authenticator.require_service({"gridam-diary"}) == ServiceCaller("gridam-diary")
    assert authenticator.require_user_or_service({"gridam-diary"}) == ServiceCaller("gridam-diary")


def test_a_service_not_allowed_for_the_method_is_refused(authenticator):
    calling_with(ServiceTokenIssuer(CARD_KEY, "gridam-card").token())
    with pytest.raises(PermissionDenied):
        authenticator.require_service({"gridam-diary"})


def test_a_user_token_is_not_a_service_token_nor_the_reverse(authenticator):
    # The caller is known but not one the method takes: PERMISSION_DENIED, not UNAUTHENTICATED.
    calling_with(user_token())
    with pytest.raises(PermissionDenied):
        authenticator.require_service({"gridam-diary"})
    assert authenticator.require_user_or_service({"gridam-diary"}).user_id == 7
    calling_with(ServiceTokenIssuer(DIARY_KEY, "gridam-diary").token())
    with pytest.raises(PermissionDenied):
        authenticator.require()


def test_a_service_the_method_does_not_name_is_refused_before_its_key_is_needed(authenticator):
    """The callee holds no key of gridam-bench: the token is refused on its claim, as not allowed."""
    calling_with(ServiceTokenIssuer(ROGUE_KEY, "gridam-bench").token())
    with pytest.raises(PermissionDenied) as failure:
        authenticator.require_service({"gridam-diary"})
    assert failure.value.reason == "AUTH4031"
    for malformed in ("not-a-token", "a.b.c"):
        calling_with(malformed)
        with pytest.raises(Unauthenticated):
            authenticator.require_service({"gridam-diary"})


def test_a_service_token_signed_with_another_key_is_refused(authenticator):
    calling_with(ServiceTokenIssuer(ROGUE_KEY, "gridam-diary").token())
    with pytest.raises(Unauthenticated):
        authenticator.require_service({"gridam-diary"})
    with pytest.raises(Unauthenticated):
        authenticator.require_user_or_service({"gridam-diary"})


def test_a_service_cannot_pass_for_another_one(authenticator):
    """gridam-card signing with its own key a token that names gridam-diary."""
    calling_with(ServiceTokenIssuer(CARD_KEY, "gridam-diary").token())
    with pytest.raises(Unauthenticated) as failure:
        authenticator.require_service({"gridam-diary", "gridam-card"})
    assert failure.value.reason == "AUTH4011"


def test_a_token_of_a_service_whose_key_the_callee_lacks_or_a_malformed_one_is_refused():
    verifier = service_verifier()
    for refused in (
        ServiceTokenIssuer(ROGUE_KEY, "gridam-bench").token(),  # a service the callee holds no key of
        "not.a.token",
        "",
    ):
        with pytest.raises(Unauthenticated) as failure:
            verifier.verify(refused)
        assert failure.value.reason == "AUTH4011"


def test_keys_made_for_a_local_installation_sign_and_verify_each_calling_service(tmp_path):
    ensure_keys(tmp_path, extra_services=["gridam-bench"])
    callers = [*SERVICE_CALLERS, "gridam-bench"]
    verifier = ServiceTokenVerifier.from_keys_dir(tmp_path, callers)
    for service in callers:
        assert verifier.verify(ServiceTokenIssuer.from_keys_dir(tmp_path, service).token()) == service
    # A callee accepting one caller holds that one's key only: another service's token is refused.
    card_only = ServiceTokenVerifier.from_keys_dir(tmp_path, {"gridam-card"})
    assert card_only.verify(ServiceTokenIssuer.from_keys_dir(tmp_path, "gridam-card").token()) == "gridam-card"
    with pytest.raises(Unauthenticated):
        card_only.verify(ServiceTokenIssuer.from_keys_dir(tmp_path, "gridam-diary").token())


def test_a_process_without_the_public_key_of_a_service_it_accepts_does_not_start(tmp_path):
    ensure_keys(tmp_path)
    (tmp_path / service_key_file("gridam-card", public=True)).unlink()
    with pytest.raises(FileNotFoundError, match="service-gridam-card-ed25519.pub.pem"):
        ServiceTokenVerifier.from_keys_dir(tmp_path, {"gridam-diary", "gridam-card"})


def test_an_expired_service_token_is_refused(authenticator, issuer_clock):
    issuer_clock.advance(-(SERVICE_TOKEN_TTL_SECONDS - 10))
    calling_with(ServiceTokenIssuer(DIARY_KEY, "gridam-diary", clock=issuer_clock).token())
    assert authenticator.require_service({"gridam-diary"}) == ServiceCaller("gridam-diary")
    issuer_clock.advance(-(LEEWAY_SECONDS + 11))
    calling_with(ServiceTokenIssuer(DIARY_KEY, "gridam-diary", clock=issuer_clock).token())
    with pytest.raises(Unauthenticated) as failure:
        authenticator.require_service({"gridam-diary"})
    assert failure.value.reason == "AUTH4011"


@pytest.mark.parametrize(
    ("issuer", "subject"),
    [("gridam-diary", "service:gridam-card"), ("gridam-card", "service:gridam-diary"), ("gridam-diary", "gridam-diary")],
)
def test_a_service_token_whose_subject_and_issuer_disagree_is_refused(authenticator, issuer, subject):
    both = {"gridam-diary", "gridam-card"}  # so that only the token itself can be refused
    calling_with(signed_service_claims())
    assert authenticator.require_service(both) == ServiceCaller("gridam-diary")
    calling_with(signed_service_claims(iss=issuer, sub=subject))
    with pytest.raises(Unauthenticated) as failure:
        authenticator.require_service(both)
    assert failure.value.reason == "AUTH4011"


def test_the_issuer_reuses_its_token_and_renews_it_well_before_it_expires(issuer_clock):
    issuer = ServiceTokenIssuer(DIARY_KEY, "gridam-diary", clock=issuer_clock)
    handed_out = []
    issuer_clock.advance(-2 * SERVICE_TOKEN_TTL_SECONDS)
    for _ in range(2 * SERVICE_TOKEN_TTL_SECONDS):  # a call a second for the last two token lifetimes
        token = issuer.token()
        assert expiry(token) - issuer_clock.now > 30  # outlives a call's 30-second deadline
        handed_out.append(token)
        issuer_clock.advance(1)
    assert len(set(handed_out)) == 4  # a new one every half lifetime (150 s) of the 600 s
    assert service_verifier().verify(handed_out[-1]) == "gridam-diary"


def test_no_token_is_unauthenticated(authenticator):
    calling_with("")
    with pytest.raises(Unauthenticated):
        authenticator.require_service({"gridam-diary"})


def test_a_service_taking_service_tokens_only_refuses_every_user_token():
    service_only = Authenticator(None, service_verifier=service_verifier())
    calling_with(user_token())
    with pytest.raises(Unauthenticated):
        service_only.require()
    with pytest.raises(Unauthenticated):
        service_only.require_user_or_service({"gridam-diary"})
    calling_with(ServiceTokenIssuer(DIARY_KEY, "gridam-diary").token())
    assert service_only.require_user_or_service({"gridam-diary"}) == ServiceCaller("gridam-diary")
