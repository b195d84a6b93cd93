"""Access tokens: EdDSA (Ed25519) JWTs.

Only the user service holds the private key and can mint tokens; every other process
(gateway, services) verifies with the public key. So no process in the network can act
as a user without a token the user service issued, and a leaked public key mints nothing.
"""

from __future__ import annotations

import pathlib
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gridam_runtime.context import Identity
from gridam_runtime.errors import Unauthenticated

ISSUER = "gridam-user"
AUDIENCE = "gridam"
ALGORITHM = "EdDSA"
# Clock skew tolerated between processes.
LEEWAY_SECONDS = 5


def load_private_key(path: pathlib.Path) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: pathlib.Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError(f"{path} is not an Ed25519 public key")
    return key


class AccessTokenVerifier:
    """Verifies access tokens, remembering the ones already verified.

    A signature check is dear next to a dictionary lookup, and a client repeats the same token
    on every request for its whole lifetime, so verified tokens are kept (bounded, oldest dropped
    first) until they expire. The token string is the key: a different byte is a different
    token, verified from scratch.
    """

    CACHE_SIZE = 10_000

    def __init__(self, public_key: Ed25519PublicKey) -> None:
        self._key = public_key
        self._verified: dict[str, Identity] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: pathlib.Path) -> AccessTokenVerifier:
        return cls(load_public_key(path))

    def verify(self, token: str) -> Identity:
        """Return the identity in a valid token; raise Unauthenticated(AUTH4011) otherwise.

        Only EdDSA is accepted, so `alg: none` and HMAC-with-the-public-key tricks fail.
        """
        known = self._verified.get(token)
        if known is not None and known.expires_at + LEEWAY_SECONDS > time.time():
            return known
        identity = self._decode(token)
        with self._lock:  # verify() runs in several threads
            self._verified.pop(token, None)
            if len(self._verified) >= self.CACHE_SIZE:
                del self._verified[next(iter(self._verified))]  # dicts keep insertion order: the oldest
            self._verified[token] = identity
        return identity

    def _decode(self, token: str) -> Identity:
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=AUDIENCE,
                issuer=ISSUER,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub", "sid", "lid"]},
            )
            return Identity(
                user_id=int(claims["sub"]),
                login_id=str(claims["lid"]),
                session_id=str(claims["sid"]),
                expires_at=int(claims["exp"]),
            )
        except (jwt.PyJWTError, ValueError, TypeError) as exc:
            raise Unauthenticated("AUTH4011", f"invalid access token: {type(exc).__name__}") from None


class AccessTokenIssuer:
    def __init__(self, private_key: Ed25519PrivateKey, ttl_seconds: int) -> None:
        self._key = private_key
        self.ttl_seconds = ttl_seconds

    @classmethod
    def from_file(cls, path: pathlib.Path, ttl_seconds: int) -> AccessTokenIssuer:
        return cls(load_private_key(path), ttl_seconds)

    def issue(self, user_id: int, login_id: str, session_id: str, *, now: float | None = None) -> tuple[str, int]:
        """Return (token, expiry as unix seconds)."""
        issued = int(now if now is not None else time.time())
        expires = issued + self.ttl_seconds
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(user_id),
            "lid": login_id,
            "sid": session_id,
            "iat": issued,
            "exp": expires,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM), expires


# Service tokens: how one service calls another's internal methods when no user is behind
# the call (a pipeline worker storing an analysis). Each calling service signs with a key pair
# of its own, whose private half only it holds, and its callees verify with its public half:
# a service can never pass for another one, and a user token never passes as a service token
# (different keys, audience and subject form).
SERVICE_AUDIENCE = "gridam-internal"
SERVICE_SUBJECT_PREFIX = "service:"
SERVICE_TOKEN_TTL_SECONDS = 300


def service_key_file(service_name: str, *, public: bool) -> str:
    """The file name of a calling service's key in the keys folder (or Secret), e.g.
    service-gridam-diary-ed25519.pem and service-gridam-diary-ed25519.pub.pem."""
    return f"service-{service_name}-ed25519.{'pub.pem' if public else 'pem'}"


class ServiceTokenIssuer:
    """Mints the calling service's token, reusing it for half its lifetime (a call never
    carries a token about to expire). `clock`: Unix seconds (time.time; tests pass their own)."""

    def __init__(self, private_key: Ed25519PrivateKey, service_name: str, clock: Callable[[], float] = time.time) -> None:
        self._key = private_key
        self._service_name = service_name
        self._clock = clock
        self._token = ""
        self._renew_at = 0.0
        self._lock = threading.Lock()

    @classmethod
    def from_keys_dir(cls, directory: pathlib.Path, service_name: str) -> ServiceTokenIssuer:
        """The issuer of `service_name`, with its private key from the keys folder."""
        return cls(load_private_key(directory / service_key_file(service_name, public=False)), service_name)

    def token(self) -> str:
        now = self._clock()
        with self._lock:
            if now >= self._renew_at:
                claims = {
                    "iss": self._service_name,
                    "aud": SERVICE_AUDIENCE,
                    "sub": SERVICE_SUBJECT_PREFIX + self._service_name,
                    "iat": int(now),
                    "exp": int(now) + SERVICE_TOKEN_TTL_SECONDS,
                }
                self._token = jwt.encode(claims, self._key, algorithm=ALGORITHM)
                self._renew_at = now + SERVICE_TOKEN_TTL_SECONDS / 2
            return self._token


class ServiceTokenVerifier:
    """Checks a service token against the public key of the service it names (`iss`) and
    returns that service's name; a token of a service whose key it does not hold is refused."""

    def __init__(self, public_keys: Mapping[str, Ed25519PublicKey]) -> None:
        self._keys = dict(public_keys)

    @classmethod
    def from_keys_dir(cls, directory: pathlib.Path, services: Iterable[str]) -> ServiceTokenVerifier:
        """The public keys of `services` (the callers this process accepts) from the keys folder.
        A missing one stops the process at start (FileNotFoundError naming the file) rather than
        leaving it to refuse every call of that service."""
        keys = {}
        for service in sorted(set(services)):
            path = directory / service_key_file(service, public=True)
            if not path.is_file():
                raise FileNotFoundError(f"{path}: public key of {service}, whose service tokens this process accepts")
            keys[service] = load_public_key(path)
        return cls(keys)

    def verify(self, token: str) -> str:
        try:
            claimed = jwt.decode(token, options={"verify_signature": False}).get("iss")
            key = self._keys.get(claimed) if isinstance(claimed, str) else None
            if key is None:
                raise Unauthenticated("AUTH4011", "service token of an unknown service")
            claims = jwt.decode(
                token,
                key,
                algorithms=[ALGORITHM],
                audience=SERVICE_AUDIENCE,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "sub", "iss"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthenticated("AUTH4011", f"invalid service token: {type(exc).__name__}") from None
        subject = str(claims["sub"])
        if not subject.startswith(SERVICE_SUBJECT_PREFIX) or subject[len(SERVICE_SUBJECT_PREFIX) :] != claims["iss"]:
            raise Unauthenticated("AUTH4011", "invalid service token subject")
        return str(claims["iss"])


def read_secret(path: pathlib.Path) -> bytes:
    """An HMAC secret from its key file (signed image URLs, OAuth `state`): at least 32 bytes."""
    secret = path.read_bytes().strip()
    if len(secret) < 32:
        raise ValueError(f"{path}: a secret must be at least 32 bytes")
    return secret
