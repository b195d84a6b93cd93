"""UrlSigner: signed, expiring image URLs (web-api.md decision 13)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from gridam_domain.signed_urls import UrlSigner, max_age

SECRET = b"s" * 32
PATH = "/api/images/avatars/ab/" + "ab" * 32 + ".jpg"
NOW = 1_764_000_123.4  # some instant in Nov 2025


@pytest.fixture
def signer() -> UrlSigner:
    return UrlSigner(SECRET)


def split(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    query = parse_qs(parts.query, strict_parsing=True)
    assert set(query) == {"exp", "sig"}
    return parts.path, query["exp"][0], query["sig"][0]


# -- signing ----------------------------------------------------------------------------------
def test_url_shape(signer):
    url = signer.sign(PATH, now=NOW)
    assert url.startswith(PATH + "?exp=")
    path, exp, sig = split(url)
    assert path == PATH
    assert exp.isdigit() and "=" not in sig and len(sig) == 43
    # The documented construction: urlsafe base64 HMAC-SHA256 over "path\nexp", no padding.
    expected = base64.urlsafe_b64encode(hmac.new(SECRET, f"{PATH}\n{exp}".encode(), hashlib.sha256).digest())
    assert sig == expected.rstrip(b"=").decode()


def test_roundtrip(signer):
    path, exp, sig = split(signer.sign(PATH, now=NOW))
    assert signer.verify(path, exp, sig, now=NOW)
    assert signer.verify(path, exp, sig, now=NOW + 3599)


def test_roundtrip_with_the_real_clock(signer):
    path, exp, sig = split(signer.sign(PATH))
    assert signer.verify(path, exp, sig)
    assert 3600 <= max_age(int(exp)) <= 3600 + 600


def test_expiry_is_rounded_up_to_a_bucket_at_least_ttl_ahead(signer):
    exp = int(split(signer.sign(PATH, now=NOW))[1])
    assert exp % 600 == 0
    assert NOW + 3600 <= exp < NOW + 3600 + 600


def test_same_url_within_a_bucket_new_one_after(signer):
    """Browser caching: repeated API calls hand out the identical URL for a while."""
    start = 1_764_000_000  # a bucket boundary
    assert start % 600 == 0
    urls = {signer.sign(PATH, now=start + offset) for offset in (0.5, 1, 60, 300, 599, 599.9)}
    assert len(urls) == 1
    assert signer.sign(PATH, now=start + 600.5) not in urls


def test_exact_boundary_is_not_shortened(signer):
    exp = int(split(signer.sign(PATH, now=1_764_000_000))[1])
    assert exp == 1_764_000_000 + 3600


def test_custom_ttl_and_bucket():
    signer = UrlSigner(SECRET, ttl_seconds=60, bucket_seconds=1)
    exp = int(split(signer.sign(PATH, now=1000.2))[1])
    assert exp == 1061


def test_different_paths_get_different_signatures(signer):
    other = PATH.replace("ab/", "cd/", 1)
    assert split(signer.sign(PATH, now=NOW))[2] != split(signer.sign(other, now=NOW))[2]


@pytest.mark.parametrize("path", ["relative/x.jpg", "", "/a b.jpg", "/a?b", "/a#b", "/a%2e%2e/b", "/a\nb", "/ä.jpg", None])
def test_unsignable_paths_are_refused(signer, path):
    with pytest.raises(ValueError):
        signer.sign(path)  # type: ignore[arg-type]  # the wrong type on purpose


# -- verification failures ----------------------------------------------------------------------------
def test_expired_url_is_refused(signer):
    path, exp, sig = split(signer.sign(PATH, now=NOW))
    assert signer.verify(path, exp, sig, now=int(exp) - 1)
    assert not signer.verify(path, exp, sig, now=int(exp))
    assert not signer.verify(path, exp, sig, now=int(exp) + 86400)


def test_tampered_path_is_refused(signer):
    path, exp, sig = split(signer.sign(PATH, now=NOW))
    for other in (path.replace("ab/", "cd/", 1), path + "x", path[:-1], path.upper(), "/api/images/avatars/other.jpg"):
        assert not signer.verify(other, exp, sig, now=NOW)


def test_tampered_expiry_is_refused(signer):
    """Pushing the expiry further out invalidates the signature."""
    path, exp, sig = split(signer.sign(PATH, now=NOW))
    for other in (str(int(exp) + 600), str(int(exp) - 1), "0" + exp, exp + "0", " " + exp, "+" + exp):
        assert not signer.verify(path, other, sig, now=NOW)


def test_tampered_signature_is_refused(signer):
    path, exp, sig = split(signer.sign(PATH, now=NOW))
    flipped = sig[:-1] + ("A" if sig[-1] != "A" else "B")
    for other in (flipped, sig[:-1], sig + "=", sig + "A", sig.upper() if sig.upper() != sig else sig.lower(), "", " " + sig[1:]):
        assert not signer.verify(path, exp, other, now=NOW)


def test_signature_from_another_secret_is_refused(signer):
    forger = UrlSigner(b"f" * 32)
    path, exp, sig = split(forger.sign(PATH, now=NOW))
    assert not signer.verify(path, exp, sig, now=NOW)


GARBAGE = [None, "", "abc", "-1", "1e10", "0x10", "１２３", "٣٤٥", "1" * 5000, "\x00", "☃", "\udcff", 123, 1.5, b"123", ["1"], object()]


@pytest.mark.parametrize("value", GARBAGE)
def test_garbage_never_raises_and_never_verifies(signer, value):
    path, exp, sig = split(signer.sign(PATH, now=NOW))
    assert signer.verify(path, value, sig, now=NOW) is False  # type: ignore[arg-type]  # the wrong type on purpose
    assert signer.verify(path, exp, value, now=NOW) is False  # type: ignore[arg-type]  # the wrong type on purpose
    assert signer.verify(value, exp, sig, now=NOW) is False  # type: ignore[arg-type]  # the wrong type on purpose
    assert signer.verify(value, value, value, now=NOW) is False  # type: ignore[arg-type]  # the wrong type on purpose


def test_missing_parameters_are_refused(signer):
    path, exp, sig = split(signer.sign(PATH, now=NOW))
    assert not signer.verify(path, None, sig, now=NOW)
    assert not signer.verify(path, exp, None, now=NOW)
    assert not signer.verify(path, None, None, now=NOW)


# -- max_age ------------------------------------------------------------------------------------------
def test_max_age(signer):
    assert max_age(1000, 400) == 600
    assert max_age(1000, 400.9) == 599  # never beyond the expiry
    assert max_age(1000, 1000) == 0
    assert max_age(1000, 5000) == 0
    assert signer.max_age(1000, 400) == 600
    assert UrlSigner.max_age(1000, now=999.5) == 0
    assert 0 < max_age(int(time.time()) + 100) <= 100


def test_max_age_of_a_fresh_url_covers_the_ttl(signer):
    exp = int(split(signer.sign(PATH, now=NOW))[1])
    assert 3600 <= signer.max_age(exp, NOW) < 3600 + 600


# -- construction ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", [b"", b"x" * 31])
def test_short_secret_is_refused(secret):
    with pytest.raises(ValueError):
        UrlSigner(secret)


def test_secret_must_be_bytes():
    with pytest.raises(TypeError):
        UrlSigner("s" * 64)  # type: ignore[arg-type]  # the wrong type on purpose


@pytest.mark.parametrize("kwargs", [{"ttl_seconds": 0}, {"ttl_seconds": -5}, {"bucket_seconds": 0}])
def test_bad_durations_are_refused(kwargs):
    with pytest.raises(ValueError):
        UrlSigner(SECRET, **kwargs)


def test_32_byte_secret_is_enough():
    assert UrlSigner(b"\x00" * 32).sign("/x", now=0) == UrlSigner(bytearray(32)).sign("/x", now=0)
