"""Kakao / Naver OAuth adapters against the in-repo TEST DOUBLE of the providers' HTTP endpoints.

Everything here talks to `tests/doubles/oauth_provider.py`, a stand-in that mimics the documented
request/response shapes of Kakao and Naver; none of it reaches the real providers.
"""

from __future__ import annotations

import socket
from collections.abc import Awaitable, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from gridam_runtime.errors import DomainError, InvalidArgument, Unavailable
from tests.doubles.oauth_provider import OAuthProviderDouble
from tests.support.user_layer import user_dependencies
from user_service.adapters.oauth import (
    KAKAO_AUTHORIZE_URL,
    KAKAO_TOKEN_URL,
    KAKAO_USERINFO_URL,
    NAVER_AUTHORIZE_URL,
    NAVER_TOKEN_URL,
    NAVER_USERINFO_URL,
    KakaoClient,
    NaverClient,
    OAuthEndpoints,
    OAuthIdentity,
    OAuthProviderClient,
)
from user_service.config import UserSettings
from user_service.service_layer.accounts import Accounts

CLIENTS: dict[str, type[OAuthProviderClient]] = {"kakao": KakaoClient, "naver": NaverClient}
SUBJECTS = {"kakao": "3141592653", "naver": "32742776-AbCdEf_naver-id"}
NICKNAMES = {"kakao": "하늘빛 고양이", "naver": "naver nick & co"}
TIMEOUT = httpx.Timeout(connect=2.0, read=5.0, write=2.0, pool=2.0)
SHORT_READ = httpx.Timeout(connect=2.0, read=0.3, write=2.0, pool=2.0)


@pytest.fixture(scope="module")
def double() -> Iterator[OAuthProviderDouble]:
    d = OAuthProviderDouble()
    d.start()
    yield d
    d.stop()


@pytest.fixture(autouse=True)
def _clean(double: OAuthProviderDouble) -> None:
    double.clear_faults()
    for provider in CLIENTS:
        double.set_default_user(provider, SUBJECTS[provider], NICKNAMES[provider])


@pytest.fixture
def make_client(double: OAuthProviderDouble) -> Iterator[Callable[..., OAuthProviderClient]]:
    made: list[OAuthProviderClient] = []

    def make(provider: str, *, timeout: httpx.Timeout = TIMEOUT, **overrides: str) -> OAuthProviderClient:
        client = CLIENTS[provider](OAuthEndpoints(**double.endpoint_kwargs(provider, **overrides)), timeout=timeout)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _secret(double: OAuthProviderDouble, provider: str) -> str:
    return double.clients[provider].client_secret


def _raises(exc_type: type[DomainError], reason: str, fn: Callable[[], object]) -> DomainError:
    with pytest.raises(exc_type) as info:
        fn()
    assert info.value.reason == reason
    return info.value


async def _refuses(exc_type: type[DomainError], reason: str, call: Awaitable[object]) -> None:
    with pytest.raises(exc_type) as info:
        await call
    assert info.value.reason == reason


both = pytest.mark.parametrize("provider", ["kakao", "naver"])


# --- configuration ------------------------------------------------------------------


def test_the_user_service_defaults_to_the_real_provider_endpoints() -> None:
    settings = UserSettings()
    assert (settings.kakao_authorize_url, settings.kakao_token_url, settings.kakao_userinfo_url) == (
        "https://kauth.kakao.com/oauth/authorize",
        "https://kauth.kakao.com/oauth/token",
        "https://kapi.kakao.com/v2/user/me",
    ) == (KAKAO_AUTHORIZE_URL, KAKAO_TOKEN_URL, KAKAO_USERINFO_URL)
    assert (settings.naver_authorize_url, settings.naver_token_url, settings.naver_userinfo_url) == (
        "https://nid.naver.com/oauth2.0/authorize",
        "https://nid.naver.com/oauth2.0/token",
        "https://openapi.naver.com/v1/nid/me",
    ) == (NAVER_AUTHORIZE_URL, NAVER_TOKEN_URL, NAVER_USERINFO_URL)


def test_the_client_secret_stays_out_of_the_endpoints_repr() -> None:
    endpoints = OAuthEndpoints("id", "top-secret", "https://a.example/cb", KAKAO_AUTHORIZE_URL, KAKAO_TOKEN_URL, KAKAO_USERINFO_URL)
    assert "top-secret" not in repr(endpoints)


# --- authorization URL ----------------------------------------------------------------


@both
def test_authorization_url_carries_encoded_parameters(provider: str) -> None:
    redirect = "https://gridam.example/login/oauth/cb?x=1&y=two words"
    state = "s t&a=t/e+%é#frag"
    endpoints = OAuthEndpoints("client id&x=1", "top-secret", redirect, "https://idp.example/oauth/authorize", "", "")
    with CLIENTS[provider](endpoints) as client:
        url = client.authorization_url(state)

    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == (
        "https", "idp.example", "/oauth/authorize", ""
    )
    query = parse_qs(parts.query, keep_blank_values=True, strict_parsing=True)
    assert query == {
        "response_type": ["code"],
        "client_id": ["client id&x=1"],
        "redirect_uri": [redirect],
        "state": [state],
    }
    # Percent-encoded, not raw: nothing in the values can break the query apart.
    assert "redirect_uri=https%3A%2F%2Fgridam.example%2Flogin%2Foauth%2Fcb%3Fx%3D1%26y%3Dtwo%20words" in parts.query
    assert "state=s%20t%26a%3Dt%2Fe%2B%25%C3%A9%23frag" in parts.query
    assert "top-secret" not in url


def test_authorization_url_keeps_fixed_query_of_configured_url() -> None:
    endpoints = OAuthEndpoints("cid", "sec", "https://a.example/cb", "https://idp.example/auth?prompt=login", "", "")
    with KakaoClient(endpoints) as client:
        query = parse_qs(urlsplit(client.authorization_url("st")).query)
    assert query["prompt"] == ["login"] and query["state"] == ["st"] and query["client_id"] == ["cid"]


# --- happy paths -----------------------------------------------------------------------


@both
def test_browser_flow_authorize_redirect_then_code_to_identity(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    client = make_client(provider)
    state = "signed.state-value/with+chars"
    # The browser follows the authorization URL; the (fake) provider redirects back with code+state.
    answer = httpx.get(client.authorization_url(state), follow_redirects=False)
    assert answer.status_code == 302
    location = urlsplit(answer.headers["location"])
    registered = urlsplit(double.clients[provider].redirect_uri)
    assert (location.scheme, location.netloc, location.path) == (registered.scheme, registered.netloc, registered.path)
    callback = parse_qs(location.query)
    assert callback["state"] == [state]

    identity = client.fetch_identity(callback["code"][0], callback["state"][0])

    assert identity == OAuthIdentity(provider=provider, subject=SUBJECTS[provider], nickname=NICKNAMES[provider])


@both
def test_issued_code_to_identity(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    subject = {"kakao": "987654321012", "naver": "naver-user-42"}[provider]
    code = double.issue_code(provider, subject, "김그리담", state="st-1")
    identity = make_client(provider).fetch_identity(code, "st-1")
    assert identity.provider == provider
    assert identity.subject == subject and isinstance(identity.subject, str)
    assert identity.nickname == "김그리담"


@both
def test_missing_nickname_is_none(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    subject = {"kakao": "42", "naver": "no-nick"}[provider]
    code = double.issue_code(provider, subject, None, state="st")
    assert make_client(provider).fetch_identity(code, "st") == OAuthIdentity(provider, subject, None)


@both
def test_token_request_shape(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    code = double.issue_code(provider, SUBJECTS[provider], None, state="the-state")
    make_client(provider).fetch_identity(code, "the-state")

    token_req = double.requests_to(provider, "token")[-1]
    reg = double.clients[provider]
    assert token_req.method == "POST"
    assert token_req.headers["content-type"].startswith("application/x-www-form-urlencoded")
    assert token_req.query == {}  # the secret and the code travel in the body, never in the URL
    expected = {
        "grant_type": "authorization_code",
        "client_id": reg.client_id,
        "client_secret": reg.client_secret,
        "redirect_uri": reg.redirect_uri,
        "code": code,
    }
    if provider == "naver":
        expected["state"] = "the-state"
    assert token_req.form == expected

    info_req = double.requests_to(provider, "userinfo")[-1]
    assert info_req.method == "GET"
    assert info_req.headers["authorization"].startswith("Bearer ")


# --- the provider rejects: OAUTH4003 ------------------------------------------------------


@both
def test_reused_code_is_rejected(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    client = make_client(provider)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    client.fetch_identity(code, "st")

    err = _raises(InvalidArgument, "OAUTH4003", lambda: client.fetch_identity(code, "st"))
    assert code not in err.detail  # Kakao echoes the code in error_description; it is redacted
    assert _secret(double, provider) not in err.detail


@both
def test_unknown_code_is_rejected(provider: str, make_client: Callable[..., OAuthProviderClient]) -> None:
    _raises(InvalidArgument, "OAUTH4003", lambda: make_client(provider).fetch_identity("never-issued", "st"))


@both
def test_wrong_client_secret_is_rejected(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    wrong = f"wrong-{provider}-secret-XYZ"
    client = make_client(provider, client_secret=wrong)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")

    err = _raises(InvalidArgument, "OAUTH4003", lambda: client.fetch_identity(code, "st"))
    assert wrong not in err.detail and wrong not in str(err)
    assert _secret(double, provider) not in err.detail


def test_kakao_redirect_uri_mismatch_is_rejected(
    double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    code = double.issue_code("kakao", "1", "n")
    client = make_client("kakao", redirect_uri="https://evil.example/cb")
    err = _raises(InvalidArgument, "OAUTH4003", lambda: client.fetch_identity(code, "st"))
    assert "KOE303" in err.detail


def test_naver_state_mismatch_is_rejected(
    double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    code = double.issue_code("naver", "abc", "n", state="issued-state")
    _raises(InvalidArgument, "OAUTH4003", lambda: make_client("naver").fetch_identity(code, "other-state"))


@both
def test_empty_code_is_rejected_without_calling_the_provider(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    before = len(double.requests)
    _raises(InvalidArgument, "OAUTH4003", lambda: make_client(provider).fetch_identity("", "st"))
    assert len(double.requests) == before


@both
def test_rejected_access_token_at_user_info(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    double.fail_next_userinfo_with(
        401,
        {"msg": "this access token does not exist", "code": -401}
        if provider == "kakao"
        else {"resultcode": "024", "message": "Authentication failed"},
        provider=provider,
    )
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    _raises(InvalidArgument, "OAUTH4003", lambda: make_client(provider).fetch_identity(code, "st"))


def test_naver_error_resultcode_with_http_200_is_rejected(
    double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    double.fail_next_userinfo_with(200, {"resultcode": "024", "message": "Authentication failed"}, provider="naver")
    code = double.issue_code("naver", "abc", "n", state="st")
    err = _raises(InvalidArgument, "OAUTH4003", lambda: make_client("naver").fetch_identity(code, "st"))
    assert "024" in err.detail


@both
def test_injected_token_error_json_is_rejected(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    double.fail_next_token_with(400, {"error": "invalid_grant", "error_description": "expired"}, provider=provider)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    err = _raises(InvalidArgument, "OAUTH4003", lambda: make_client(provider).fetch_identity(code, "st"))
    assert "invalid_grant" in err.detail


# --- the provider cannot be asked: OAUTH5021 ---------------------------------------------


@both
@pytest.mark.parametrize("endpoint", ["token", "userinfo"])
@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_provider_server_errors_are_unavailable(
    provider: str,
    endpoint: str,
    status: int,
    double: OAuthProviderDouble,
    make_client: Callable[..., OAuthProviderClient],
) -> None:
    double.fail_next(endpoint, status, provider=provider)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    err = _raises(Unavailable, "OAUTH5021", lambda: make_client(provider).fetch_identity(code, "st"))
    assert str(status) in err.detail


@both
@pytest.mark.parametrize("endpoint", ["token", "userinfo"])
@pytest.mark.parametrize(
    "body",
    [b'{"access_token": "trunc', b"<html>maintenance</html>", b"", b"[1, 2, 3]", b'"just a string"', b"\xff\xfe"],
    ids=["truncated", "html", "empty", "array", "string", "not-utf8"],
)
def test_malformed_answers_are_unavailable(
    provider: str,
    endpoint: str,
    body: bytes,
    double: OAuthProviderDouble,
    make_client: Callable[..., OAuthProviderClient],
) -> None:
    double.malformed_next(endpoint, provider=provider, body=body)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    _raises(Unavailable, "OAUTH5021", lambda: make_client(provider).fetch_identity(code, "st"))


@both
@pytest.mark.parametrize(
    ("endpoint", "body"),
    [
        ("token", {"token_type": "bearer"}),  # no access_token
        ("token", {"access_token": "", "token_type": "bearer"}),
        ("token", {"access_token": "t", "token_type": "mac"}),
        ("userinfo", {}),
        ("userinfo", {"id": None, "resultcode": "00", "response": None}),
    ],
    ids=["no-token", "empty-token", "not-bearer", "empty-object", "no-id"],
)
def test_json_without_required_fields_is_unavailable(
    provider: str,
    endpoint: str,
    body: dict[str, object],
    double: OAuthProviderDouble,
    make_client: Callable[..., OAuthProviderClient],
) -> None:
    double.fail_next(endpoint, 200, body, provider=provider)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    _raises(Unavailable, "OAUTH5021", lambda: make_client(provider).fetch_identity(code, "st"))


def test_kakao_non_numeric_id_is_unavailable(
    double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    double.fail_next_userinfo_with(200, {"id": True, "kakao_account": {}}, provider="kakao")
    code = double.issue_code("kakao", "1", "n")
    _raises(Unavailable, "OAUTH5021", lambda: make_client("kakao").fetch_identity(code, "st"))


@both
def test_redirect_from_token_endpoint_is_unavailable(
    provider: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    double.fail_next_token_with(302, "moved", provider=provider)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    _raises(Unavailable, "OAUTH5021", lambda: make_client(provider).fetch_identity(code, "st"))


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A local port that is bound (so nobody else takes it) but not listening: connections are refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


@both
@pytest.mark.parametrize("endpoint", ["token_url", "userinfo_url"])
def test_unreachable_provider_is_unavailable(
    provider: str,
    endpoint: str,
    closed_port: int,
    double: OAuthProviderDouble,
    make_client: Callable[..., OAuthProviderClient],
) -> None:
    client = make_client(provider, **{endpoint: f"http://127.0.0.1:{closed_port}/nowhere"})
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    err = _raises(Unavailable, "OAUTH5021", lambda: client.fetch_identity(code, "st"))
    assert _secret(double, provider) not in err.detail


@both
@pytest.mark.parametrize("endpoint", ["token", "userinfo"])
def test_slow_provider_times_out_as_unavailable(
    provider: str, endpoint: str, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    double.delay_next(endpoint, 2.0, provider=provider)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    client = make_client(provider, timeout=SHORT_READ)
    err = _raises(Unavailable, "OAUTH5021", lambda: client.fetch_identity(code, "st"))
    assert "timed out" in err.detail


# --- no secrets in error details ------------------------------------------------------------


@both
@pytest.mark.parametrize(
    ("endpoint", "status"),
    [("token", 400), ("token", 401), ("token", 200), ("token", 500), ("userinfo", 401), ("userinfo", 200)],
)
def test_error_detail_never_contains_secret_code_or_token_even_when_echoed(
    provider: str,
    endpoint: str,
    status: int,
    double: OAuthProviderDouble,
    make_client: Callable[..., OAuthProviderClient],
) -> None:
    secret = _secret(double, provider)
    code = double.issue_code(provider, SUBJECTS[provider], "n", state="st")
    echo = f"client_secret={secret} code={code}"
    body = (
        {"error": "invalid_client", "error_description": echo, "error_code": echo}
        if endpoint == "token"
        else {"resultcode": "024", "message": echo, "msg": echo, "code": -401}
    )
    double.fail_next(endpoint, status, body, provider=provider)

    with pytest.raises(DomainError) as info:
        make_client(provider).fetch_identity(code, "st")

    err = info.value
    assert err.reason in ("OAUTH4003", "OAUTH5021")
    for text in (err.detail, str(err), repr(err)):
        assert secret not in text
        assert code not in text
    # Where the provider's text makes it into the detail, it is there redacted. (A 500 is reported
    # by status only; Kakao never answers user info with HTTP 200 and an error, so that is "malformed".)
    if status != 500 and not (provider == "kakao" and endpoint == "userinfo" and status == 200):
        assert "[redacted]" in err.detail


def test_access_token_echoed_by_user_info_is_redacted() -> None:
    """The access token never reaches the test, so this one uses an httpx mock transport, not the double."""
    access_token = "AT-very-secret-access-token"

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/token":
            return httpx.Response(200, json={"access_token": access_token, "token_type": "bearer"})
        assert request.headers["authorization"] == f"Bearer {access_token}"
        return httpx.Response(401, json={"msg": f"this access token does not exist: {access_token}", "code": -401})

    endpoints = OAuthEndpoints(
        "cid", "csecret", "https://a.example/cb", "https://p/authorize", "https://p/token", "https://p/me"
    )
    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        client = KakaoClient(endpoints, http=http)
        err = _raises(InvalidArgument, "OAUTH4003", lambda: client.fetch_identity("c0de", "st"))
    assert access_token not in err.detail and "[redacted]" in err.detail


# --- the signed state of a social login --------------------------------------------------


def _non_ascii_signature(state: str) -> str:
    return state[:-1] + "é"


def _superscript_expiry(state: str) -> str:  # '²'.isdigit() holds, int('²') fails
    provider, nonce, _expiry, binding, signature = state.split(".")
    return f"{provider}.{nonce}.².{binding}.{signature}"


BROWSER = "a-browser-binding-of-enough-characters"


@pytest.mark.parametrize("spoil", [_non_ascii_signature, _superscript_expiry])
async def test_a_malformed_state_is_an_invalid_state(
    spoil: Callable[[str], str], tmp_path, make_client: Callable[..., OAuthProviderClient]
) -> None:
    with user_dependencies(UserSettings(data_dir=tmp_path), oauth_providers={"kakao": make_client("kakao")}) as (deps, _):
        accounts = Accounts(deps)
        state = parse_qs(urlsplit(await accounts.oauth_authorization_url("kakao", BROWSER)).query)["state"][0]
        await _refuses(InvalidArgument, "OAUTH4002", accounts.oauth_login("kakao", "c0de", spoil(state), "", BROWSER))


async def test_a_state_completes_a_login_only_in_the_browser_it_was_issued_to(
    tmp_path, double: OAuthProviderDouble, make_client: Callable[..., OAuthProviderClient]
) -> None:
    with user_dependencies(UserSettings(data_dir=tmp_path), oauth_providers={"kakao": make_client("kakao")}) as (deps, _):
        accounts = Accounts(deps)
        await _refuses(InvalidArgument, "OAUTH4004", accounts.oauth_authorization_url("kakao", "short"))
        state = parse_qs(urlsplit(await accounts.oauth_authorization_url("kakao", BROWSER)).query)["state"][0]
        assert BROWSER not in state  # the state, seen by the provider, carries a digest only
        code = double.issue_code("kakao", "424242", "닉네임")
        for other_browser in ("", "another-browser-binding-of-enough-characters", BROWSER[:-1]):
            await _refuses(InvalidArgument, "OAUTH4004", accounts.oauth_login("kakao", code, state, "", other_browser))
        tokens, created = await accounts.oauth_login("kakao", code, state, "", BROWSER)
        assert created and tokens.access_token


# --- lifecycle --------------------------------------------------------------------------


def test_close_closes_only_an_owned_http_client(double: OAuthProviderDouble) -> None:
    endpoints = OAuthEndpoints(**double.endpoint_kwargs("kakao"))
    owned = KakaoClient(endpoints)
    owned.close()
    assert owned._http.is_closed

    shared = httpx.Client()
    try:
        borrowed = NaverClient(OAuthEndpoints(**double.endpoint_kwargs("naver")), http=shared)
        borrowed.close()
        assert not shared.is_closed
        code = double.issue_code("naver", "abc", "n", state="st")
        assert NaverClient(OAuthEndpoints(**double.endpoint_kwargs("naver")), http=shared).fetch_identity(
            code, "st"
        ) == OAuthIdentity("naver", "abc", "n")
    finally:
        shared.close()


def test_default_timeouts_are_explicit() -> None:
    with KakaoClient(OAuthEndpoints("id", "s", "https://a.example/cb", KAKAO_AUTHORIZE_URL, KAKAO_TOKEN_URL, KAKAO_USERINFO_URL)) as client:
        timeout = client._http.timeout
    assert (timeout.connect, timeout.read) == (3.0, 5.0)
