"""Signed, expiring URLs for images (web-api.md, decision 13).

Browsers fetch images with ``<img src>`` and a plain ``fetch``, so no bearer token comes along.
Every URL the API hands out for a private image is therefore signed::

    /api/images/diary/ab/ab12…ef.jpg?exp=1764000600&sig=3q2-7w…

``sig`` is HMAC-SHA256 with a server secret over ``"<path>\\n<exp>"``, encoded as URL-safe base64
without padding; ``exp`` is a Unix time. The gateway calls `UrlSigner.verify` with the request
path (exactly as it will compare it, e.g. Starlette's ``request.url.path``) and the two query
values, and answers 403 unless it returns True; `UrlSigner.max_age` gives the ``Cache-Control:
private, max-age=…`` that never outlives the URL.

Stable URLs: the expiry is *rounded up* to a multiple of ``bucket_seconds`` at least
``ttl_seconds`` ahead. Every response within the same bucket window (10 minutes by default) thus
hands out the *same* URL for an object, so the browser cache keeps working across page loads and
API calls; each URL stays valid for between ``ttl_seconds`` and ``ttl_seconds + bucket_seconds``.

Signed paths are limited to URL-safe characters (no ``%``, ``?``, ``#``, spaces or control
characters), so the path a browser sends back is byte-for-byte the one that was signed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import re
import time

MIN_SECRET_BYTES = 32
_PATH_RE = re.compile(r"/[A-Za-z0-9._~!$'()*+,;=:@/-]*")
_MAX_PATH_LENGTH = 2048
_SIG_LENGTH = 43  # base64 of 32 bytes without padding
_MAX_EXP_DIGITS = 12  # Unix times up to year 33658; longer values are garbage


def max_age(exp: int, now: float | None = None) -> int:
    """Whole seconds until ``exp`` (never negative): the ``max-age`` for ``Cache-Control``."""
    current = time.time() if now is None else now
    return max(0, math.floor(exp - current))


class UrlSigner:
    """Signs paths into expiring URLs and verifies them.

    ``secret``: at least 32 random bytes, shared by whoever signs and whoever verifies (the
    gateway). Rotating it invalidates every URL handed out, which only costs a re-fetch of the
    JSON that carried them.
    """

    def __init__(self, secret: bytes, *, ttl_seconds: int = 3600, bucket_seconds: int = 600) -> None:
        if not isinstance(secret, (bytes, bytearray)):
            raise TypeError("secret must be bytes")
        if len(secret) < MIN_SECRET_BYTES:
            raise ValueError(f"secret must be at least {MIN_SECRET_BYTES} bytes")
        if ttl_seconds < 1:
            raise ValueError("ttl_seconds must be positive")
        if bucket_seconds < 1:
            raise ValueError("bucket_seconds must be positive")
        self._secret = bytes(secret)
        self.ttl_seconds = int(ttl_seconds)
        self.bucket_seconds = int(bucket_seconds)

    def expiry(self, *, now: float | None = None) -> int:
        """The ``exp`` a URL signed at ``now`` gets: the first multiple of ``bucket_seconds`` that
        is at least ``ttl_seconds`` ahead."""
        current = time.time() if now is None else now
        earliest = math.ceil(current + self.ttl_seconds)
        return -(-earliest // self.bucket_seconds) * self.bucket_seconds

    def sign(self, path: str, *, now: float | None = None) -> str:
        """``path?exp=<unix>&sig=<signature>`` for a path such as ``/api/images/avatars/ab/….jpg``.

        Raises ValueError for a path that is not absolute or has characters outside the URL-safe
        set (see the module docstring).
        """
        if not _valid_path(path):
            raise ValueError(f"path cannot be signed: {path!r}")
        exp = self.expiry(now=now)
        return f"{path}?exp={exp}&sig={self._signature(path, exp)}"

    def verify(self, path: str, exp: str | None, sig: str | None, *, now: float | None = None) -> bool:
        """True only for an untampered, unexpired signature of ``path``; never raises.

        ``exp`` and ``sig`` are the raw query-parameter values (None when absent). The URL is
        valid while ``now < exp``.
        """
        try:
            if not _valid_path(path):
                return False
            if not isinstance(exp, str) or not isinstance(sig, str):
                return False
            if not (0 < len(exp) <= _MAX_EXP_DIGITS and exp.isascii() and exp.isdigit()):
                return False
            expires = int(exp)
            if str(expires) != exp:  # leading zeros: not something we produced
                return False
            if len(sig) != _SIG_LENGTH or not sig.isascii():
                return False
            expected = self._signature(path, expires)
            # Compare before looking at the clock so timing says nothing about the signature.
            valid = hmac.compare_digest(expected.encode("ascii"), sig.encode("ascii"))
            current = time.time() if now is None else now
            return valid and current < expires
        except Exception:  # noqa: BLE001 - garbage input must read as "not valid", never as a 500
            return False

    max_age = staticmethod(max_age)

    def _signature(self, path: str, exp: int) -> str:
        message = f"{path}\n{exp}".encode("ascii")
        digest = hmac.new(self._secret, message, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _valid_path(path: object) -> bool:
    return isinstance(path, str) and len(path) <= _MAX_PATH_LENGTH and _PATH_RE.fullmatch(path) is not None
