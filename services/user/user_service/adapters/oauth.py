"""Kakao and Naver OAuth 2.0 authorization-code login adapters.

The user service uses these to build the provider's authorization URL
(`GET /api/auth/login/uri/{provider}`, web API §1.5 / decision 2) and to turn the
callback's `code` into the provider's stable user id (`GET /api/auth/login/{provider}`).

What an adapter does NOT do: it does not create or check the `state` (the service signs,
issues and verifies it before calling `fetch_identity`), and it does not keep the
provider's access token (it is used once, to read the user info, and dropped).

All provider endpoints come from configuration (`OAuthEndpoints`); the module constants
below are the real providers' documented endpoints, to be used as configuration defaults.
Tests point the adapters at `tests/doubles/oauth_provider.py`, a test double of these
HTTP endpoints, never at the real providers.

Calls are synchronous (the service layer runs them in worker threads) and go through one
`httpx.Client` per adapter with explicit timeouts. Failures become domain errors:

- `InvalidArgument("OAUTH4003", ...)`: the provider rejected the request: an unknown,
  expired or reused code, wrong client credentials, a redirect URI mismatch, a rejected
  access token (a 4xx, or an error JSON such as Naver's HTTP 200 `{"error": ...}`).
- `Unavailable("OAUTH5021", ...)`: the provider could not be asked or answered nonsense:
  connection failure, timeout, 5xx, 429, a redirect, non-JSON or malformed JSON.

The `detail` text never carries the client secret, the authorization code or the access
token (provider messages that echo them, like Kakao's "authorization code not found for
code=...", are redacted).
"""

from __future__ import annotations

import abc
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import httpx

from gridam_runtime.errors import InvalidArgument, Unavailable

__all__ = [
    "DEFAULT_TIMEOUT",
    "KAKAO_AUTHORIZE_URL",
    "KAKAO_TOKEN_URL",
    "KAKAO_USERINFO_URL",
    "NAVER_AUTHORIZE_URL",
    "NAVER_TOKEN_URL",
    "NAVER_USERINFO_URL",
    "OAUTH_REJECTED",
    "OAUTH_UNAVAILABLE",
    "KakaoClient",
    "NaverClient",
    "OAuthEndpoints",
    "OAuthIdentity",
    "OAuthProviderClient",
]

# --- Real provider endpoints (configuration defaults) --------------------------------
# Kakao Login REST API: https://developers.kakao.com/docs/latest/en/kakaologin/rest-api
KAKAO_AUTHORIZE_URL = "https://kauth.kakao.com/oauth/authorize"
KAKAO_TOKEN_URL = "https://kauth.kakao.com/oauth/token"
KAKAO_USERINFO_URL = "https://kapi.kakao.com/v2/user/me"
# Naver Login API: https://developers.naver.com/docs/login/api/api.md
# Naver member profile API: https://developers.naver.com/docs/login/profile/profile.md
NAVER_AUTHORIZE_URL = "https://nid.naver.com/oauth2.0/authorize"
NAVER_TOKEN_URL = "https://nid.naver.com/oauth2.0/token"
NAVER_USERINFO_URL = "https://openapi.naver.com/v1/nid/me"

# --- Web API error codes ------------------------------------------------------------
OAUTH_REJECTED = "OAUTH4003"
OAUTH_UNAVAILABLE = "OAUTH5021"

DEFAULT_TIMEOUT = httpx.Timeout(connect=3.0, read=5.0, write=5.0, pool=3.0)

_MAX_DETAIL_FIELD = 200
_REDACTED = "[redacted]"


@dataclass(frozen=True)
class OAuthEndpoints:
    """One provider's client registration and endpoint URLs, from configuration."""

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str
    authorize_url: str
    token_url: str
    userinfo_url: str


@dataclass(frozen=True)
class OAuthIdentity:
    """Who the provider says the user is."""

    provider: str  # "kakao" | "naver"
    subject: str  # the provider's stable user id, as a string
    nickname: str | None


class OAuthProviderClient(abc.ABC):
    """One OAuth 2.0 authorization-code provider. Synchronous and thread-safe."""

    name: str

    def __init__(
        self,
        endpoints: OAuthEndpoints,
        http: httpx.Client | None = None,
        *,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self.endpoints = endpoints
        self._timeout = timeout if timeout is not None else DEFAULT_TIMEOUT
        self._owns_http = http is None
        self._http = http if http is not None else httpx.Client(timeout=self._timeout, follow_redirects=False)

    # --- public API -------------------------------------------------------------------

    def authorization_url(self, state: str) -> str:
        """The provider's authorization URL for the browser (response_type=code)."""
        params = {
            "response_type": "code",
            "client_id": self.endpoints.client_id,
            "redirect_uri": self.endpoints.redirect_uri,
            "state": state,
        }
        parts = urlsplit(self.endpoints.authorize_url)
        # Keep any fixed query parameters the configured URL already has; ours win.
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in params]
        query.extend(params.items())
        return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote, safe="")))

    def fetch_identity(self, code: str, state: str) -> OAuthIdentity:
        """Exchange the authorization code for an access token, then read the user info.

        The caller must already have verified `state`; it is passed on to providers that
        want it in the token request (Naver)."""
        if not code:
            raise InvalidArgument(OAUTH_REJECTED, f"{self.name}: empty authorization code")
        access_token = self._exchange_code(code, state)
        body = self._call(
            "user info",
            "GET",
            self.endpoints.userinfo_url,
            headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            sensitive=(code, access_token),
        )
        return self._parse_identity(body, sensitive=(code, access_token))

    def close(self) -> None:
        """Close the HTTP client if this adapter created it."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> OAuthProviderClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- provider specifics -----------------------------------------------------------

    def _token_form(self, code: str, state: str) -> dict[str, str]:
        form = {
            "grant_type": "authorization_code",
            "client_id": self.endpoints.client_id,
            "redirect_uri": self.endpoints.redirect_uri,
            "code": code,
        }
        if self.endpoints.client_secret:
            form["client_secret"] = self.endpoints.client_secret
        return form

    @abc.abstractmethod
    def _parse_identity(self, body: dict[str, Any], *, sensitive: tuple[str, ...]) -> OAuthIdentity:
        """Turn the user-info JSON object into an identity, or raise a domain error."""

    # --- shared machinery -------------------------------------------------------------

    def _exchange_code(self, code: str, state: str) -> str:
        body = self._call(
            "token",
            "POST",
            self.endpoints.token_url,
            data=self._token_form(code, state),
            headers={"Accept": "application/json"},
            sensitive=(code,),
        )
        if "error" in body:  # Naver answers errors with HTTP 200 and an error object.
            raise self._rejected("token", body, sensitive=(code,))
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise Unavailable(OAUTH_UNAVAILABLE, f"{self.name} token endpoint: answer has no access_token")
        token_type = body.get("token_type")
        if token_type is not None and (not isinstance(token_type, str) or token_type.lower() != "bearer"):
            raise Unavailable(
                OAUTH_UNAVAILABLE,
                f"{self.name} token endpoint: unexpected token_type {self._clip(str(token_type), (code, token))!r}",
            )
        return token

    def _call(
        self,
        what: str,
        method: str,
        url: str,
        *,
        sensitive: tuple[str, ...],
        **kwargs: Any,
    ) -> dict[str, Any]:
        """One request; returns the JSON object of a 2xx answer or raises a domain error."""
        where = f"{self.name} {what} endpoint"
        try:
            response = self._http.request(method, url, timeout=self._timeout, **kwargs)
        except httpx.TimeoutException as exc:
            raise Unavailable(OAUTH_UNAVAILABLE, f"{where}: timed out ({type(exc).__name__})") from None
        except httpx.HTTPError as exc:  # connection refused, DNS, protocol errors, bad URL...
            raise Unavailable(OAUTH_UNAVAILABLE, f"{where}: request failed ({type(exc).__name__})") from None
        except httpx.InvalidURL:
            raise Unavailable(OAUTH_UNAVAILABLE, f"{where}: invalid endpoint URL in configuration") from None

        status = response.status_code
        if status >= 500 or status == 429:
            raise Unavailable(OAUTH_UNAVAILABLE, f"{where}: HTTP {status}")
        if 400 <= status < 500:
            raise self._rejected(what, self._json_or_none(response), status=status, sensitive=sensitive)
        if not 200 <= status < 300:
            raise Unavailable(OAUTH_UNAVAILABLE, f"{where}: unexpected HTTP {status}")
        body = self._json_or_none(response)
        if body is None:
            raise Unavailable(OAUTH_UNAVAILABLE, f"{where}: HTTP {status} with a body that is not a JSON object")
        return body

    @staticmethod
    def _json_or_none(response: httpx.Response) -> dict[str, Any] | None:
        try:
            body = json.loads(response.content)
        except (ValueError, UnicodeDecodeError):
            return None
        return body if isinstance(body, dict) else None

    def _rejected(
        self,
        what: str,
        body: dict[str, Any] | None,
        *,
        status: int | None = None,
        sensitive: tuple[str, ...],
    ) -> InvalidArgument:
        parts = [f"{self.name} {what} endpoint rejected the request"]
        if status is not None:
            parts.append(f"HTTP {status}")
        if body:
            # OAuth error fields, Kakao's KOE code / API code + msg, Naver's resultcode + message.
            for key in ("error", "error_code", "error_description", "code", "msg", "resultcode", "message"):
                if key in body and body[key] not in (None, ""):
                    parts.append(f"{key}={self._clip(str(body[key]), sensitive)!r}")
        return InvalidArgument(OAUTH_REJECTED, "; ".join(parts))

    def _clip(self, text: str, sensitive: tuple[str, ...] = ()) -> str:
        """Provider text made safe for a detail: secrets, codes and tokens removed, length capped."""
        for value in (self.endpoints.client_secret, *sensitive):
            if value:
                text = text.replace(value, _REDACTED)
        if len(text) > _MAX_DETAIL_FIELD:
            text = text[:_MAX_DETAIL_FIELD] + "..."
        return text

    def _malformed(self, why: str) -> Unavailable:
        return Unavailable(OAUTH_UNAVAILABLE, f"{self.name} user info endpoint: {why}")


class KakaoClient(OAuthProviderClient):
    """Kakao Login (REST API).

    Token: `POST` form `grant_type, client_id (REST API key), redirect_uri, code[, client_secret]`
    → `{"token_type": "bearer", "access_token": ..., ...}`; errors are 4xx with
    `{"error": ..., "error_description": ..., "error_code": "KOE..."}`.
    User info: `GET` with a bearer → `{"id": <Long>, "kakao_account": {"profile": {"nickname": ...}},
    "properties": {"nickname": ...}}`; the nickname is only there when the user agreed to share it.
    """

    name = "kakao"

    def _parse_identity(self, body: dict[str, Any], *, sensitive: tuple[str, ...]) -> OAuthIdentity:
        raw_id = body.get("id")
        if isinstance(raw_id, bool) or not isinstance(raw_id, (int, str)):
            raise self._malformed("answer has no numeric id")
        subject = str(raw_id)
        if not subject.isdigit():
            raise self._malformed("answer has no numeric id")

        nickname: str | None = None
        account = body.get("kakao_account")
        if isinstance(account, dict):
            profile = account.get("profile")
            if isinstance(profile, dict):
                nickname = _str_or_none(profile.get("nickname"))
        if nickname is None:  # older apps still get the nickname in `properties`
            properties = body.get("properties")
            if isinstance(properties, dict):
                nickname = _str_or_none(properties.get("nickname"))
        return OAuthIdentity(provider=self.name, subject=subject, nickname=nickname)


class NaverClient(OAuthProviderClient):
    """Naver Login.

    Token: `POST` form `grant_type, client_id, client_secret, code, state` (plus `redirect_uri`)
    → `{"access_token": ..., "token_type": "bearer", "expires_in": "3600", ...}`; errors often come
    back as HTTP 200 with `{"error": ..., "error_description": ...}`.
    User info: `GET` with a bearer → `{"resultcode": "00", "message": "success",
    "response": {"id": "<string>", "nickname": ...}}`; `id` is unique per application.
    """

    name = "naver"

    def _token_form(self, code: str, state: str) -> dict[str, str]:
        form = super()._token_form(code, state)
        form["state"] = state
        return form

    def _parse_identity(self, body: dict[str, Any], *, sensitive: tuple[str, ...]) -> OAuthIdentity:
        resultcode = body.get("resultcode")
        if resultcode != "00":
            if resultcode is None:
                raise self._malformed("answer has no resultcode")
            if str(resultcode) == "500":  # Naver's "internal server error" result code
                raise Unavailable(OAUTH_UNAVAILABLE, f"{self.name} user info endpoint: resultcode 500")
            raise self._rejected("user info", body, sensitive=sensitive)
        response = body.get("response")
        if not isinstance(response, dict):
            raise self._malformed("answer has no response object")
        subject = response.get("id")
        if not isinstance(subject, str) or not subject:
            raise self._malformed("answer has no id")
        return OAuthIdentity(provider=self.name, subject=subject, nickname=_str_or_none(response.get("nickname")))


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and value else None
