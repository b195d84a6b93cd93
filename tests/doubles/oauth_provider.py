"""TEST DOUBLE of the Kakao and Naver OAuth 2.0 / user-info HTTP endpoints.

This is NOT Kakao and NOT Naver. It is a small in-process HTTP server that mimics the
request and response shapes of the real providers' authorization, token and user-info
endpoints, as their public documentation describes them, so that the user service's OAuth
adapters can be tested without network access (the real providers cannot be reached from
our machines). Passing tests against it prove the adapters speak the documented shapes;
they are not tests against the real providers.

Routes (under the base URL returned by `start()`):

    /kakao/oauth/authorize     GET   mirrors https://kauth.kakao.com/oauth/authorize
    /kakao/oauth/token         POST  mirrors https://kauth.kakao.com/oauth/token
    /kakao/v2/user/me          GET   mirrors https://kapi.kakao.com/v2/user/me (POST too)
    /naver/oauth2.0/authorize  GET   mirrors https://nid.naver.com/oauth2.0/authorize
    /naver/oauth2.0/token      POST  mirrors https://nid.naver.com/oauth2.0/token (GET too)
    /naver/v1/nid/me           GET   mirrors https://openapi.naver.com/v1/nid/me

Behaviour modelled (and where it is a guess):

- authorize: checks `response_type=code`, the client id and the registered redirect URI
  (Naver also requires `state`), then 302-redirects to `redirect_uri?code=...&state=...`
  for the provider's default user (`set_default_user`). With no default user it redirects
  with `error=access_denied`, as when a user cancels. Bad client / redirect URI → 400 page.
- token: checks grant_type, client_id, client_secret, redirect_uri and the code. Codes are
  single use and expire. Kakao answers errors with 4xx and
  `{"error", "error_description", "error_code": "KOE..."}` (KOE320's description echoes the
  code, as the real one does). Naver answers errors with HTTP 200 and
  `{"error", "error_description"}` (the exact Naver error strings are a best guess).
- user info: checks `Authorization: Bearer <token>`. Kakao: `{"id": <number>,
  "kakao_account": {"profile": {"nickname"}}, "properties": {"nickname"}}`, 401
  `{"msg", "code": -401}` on a bad token. Naver: `{"resultcode": "00", "message": "success",
  "response": {"id", "nickname"}}`, 401 `{"resultcode": "024", ...}` on a bad token.

Misbehaviour switches for error-path tests: `fail_next(...)` (and the shortcuts
`fail_next_token_with`, `fail_next_userinfo_with`, `malformed_next`), `delay_next(...)`,
and `set_persistent_fault(...)` / `clear_faults()`.

Typical use:

    double = OAuthProviderDouble()
    base_url = double.start()
    code = double.issue_code("kakao", "1234567890", "하늘")
    client = KakaoClient(OAuthEndpoints(**double.endpoint_kwargs("kakao")))
    ...
    double.stop()
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

__all__ = [
    "PROVIDERS",
    "ClientRegistration",
    "OAuthProviderDouble",
    "RecordedRequest",
]

# How often the server thread looks for shutdown (the stdlib default, 0.5 s, is what each stop waited).
POLL_SECONDS = 0.05
PROVIDERS = ("kakao", "naver")
ENDPOINTS = ("authorize", "token", "userinfo")

_PATHS = {
    ("kakao", "/kakao/oauth/authorize"): "authorize",
    ("kakao", "/kakao/oauth/token"): "token",
    ("kakao", "/kakao/v2/user/me"): "userinfo",
    ("naver", "/naver/oauth2.0/authorize"): "authorize",
    ("naver", "/naver/oauth2.0/token"): "token",
    ("naver", "/naver/v1/nid/me"): "userinfo",
}
_URL_OF = {(provider, endpoint): path for (provider, path), endpoint in _PATHS.items()}


@dataclass(frozen=True)
class ClientRegistration:
    """An app registered with the (fake) provider."""

    client_id: str
    client_secret: str
    redirect_uri: str


DEFAULT_CLIENTS = {
    "kakao": ClientRegistration(
        client_id="test-kakao-rest-api-key",
        client_secret="test-kakao-client-secret-DO-NOT-LEAK",
        redirect_uri="http://localhost:5173/login/oauth/kakao/callback",
    ),
    "naver": ClientRegistration(
        client_id="test-naver-client-id",
        client_secret="test-naver-client-secret-DO-NOT-LEAK",
        redirect_uri="http://localhost:5173/login/oauth/naver/callback",
    ),
}


@dataclass(frozen=True)
class RecordedRequest:
    """One request the double received (for assertions)."""

    provider: str
    endpoint: str  # "authorize" | "token" | "userinfo" | "unknown"
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]


@dataclass
class _User:
    subject: str
    nickname: str | None


@dataclass
class _Grant:
    provider: str
    user: _User
    client_id: str
    redirect_uri: str | None
    state: str | None
    expires_at: float


@dataclass
class _Fault:
    status: int = 500
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    delay_s: float = 0.0
    passthrough: bool = False  # only delay, then answer normally


@dataclass
class _State:
    codes: dict[str, _Grant] = field(default_factory=dict)
    tokens: dict[str, tuple[str, _User]] = field(default_factory=dict)
    default_users: dict[str, _User] = field(default_factory=dict)
    one_shot: dict[tuple[str, str], deque[_Fault]] = field(default_factory=dict)
    persistent: dict[tuple[str, str], _Fault] = field(default_factory=dict)
    requests: list[RecordedRequest] = field(default_factory=list)


class OAuthProviderDouble:
    """TEST DOUBLE of Kakao's and Naver's OAuth/user-info HTTP endpoints (not the real providers).

    Runs a `ThreadingHTTPServer` on 127.0.0.1 with an OS-chosen port. Thread-safe.
    """

    def __init__(
        self,
        clients: dict[str, ClientRegistration] | None = None,
        *,
        code_ttl_s: float = 600.0,
    ) -> None:
        self.clients: dict[str, ClientRegistration] = dict(DEFAULT_CLIENTS)
        if clients:
            self.clients.update(clients)
        self.code_ttl_s = code_ttl_s
        self._lock = threading.Lock()
        self._state = _State()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url: str | None = None

    # --- lifecycle ------------------------------------------------------------------

    def start(self) -> str:
        """Start serving; returns the base URL, e.g. `http://127.0.0.1:54321`."""
        if self._server is not None:
            raise RuntimeError("already started")
        self._stopping.clear()
        server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(POLL_SECONDS,), name="oauth-provider-double", daemon=True)
        self._thread.start()
        host, port = server.server_address[:2]
        self.base_url = f"http://{host}:{port}"
        return self.base_url

    def stop(self) -> None:
        """Stop serving (wakes up delayed answers first)."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> OAuthProviderDouble:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # --- configuration ----------------------------------------------------------------

    def url(self, provider: str, endpoint: str) -> str:
        """Full URL of one endpoint ("authorize" | "token" | "userinfo")."""
        _check(provider, endpoint)
        if self.base_url is None:
            raise RuntimeError("start() the double first")
        return self.base_url + _URL_OF[(provider, endpoint)]

    def endpoint_kwargs(self, provider: str, **overrides: str) -> dict[str, str]:
        """Keyword arguments for the adapter's `OAuthEndpoints`, pointing at this double."""
        reg = self.clients[provider]
        kwargs = {
            "client_id": reg.client_id,
            "client_secret": reg.client_secret,
            "redirect_uri": reg.redirect_uri,
            "authorize_url": self.url(provider, "authorize"),
            "token_url": self.url(provider, "token"),
            "userinfo_url": self.url(provider, "userinfo"),
        }
        kwargs.update(overrides)
        return kwargs

    def set_default_user(self, provider: str, subject: str, nickname: str | None = None) -> None:
        """The user who "logs in" when the browser hits the authorize endpoint."""
        _check(provider)
        _check_subject(provider, subject)
        with self._lock:
            self._state.default_users[provider] = _User(subject, nickname)

    def issue_code(
        self,
        provider: str,
        subject: str,
        nickname: str | None = None,
        *,
        state: str | None = None,
        redirect_uri: str | None = None,
        ttl_s: float | None = None,
    ) -> str:
        """Register a single-use authorization code for a user, as if they had just consented.

        Kakao subjects must be decimal digits (Kakao member ids are numbers). `state`, when
        given, must come back in a Naver token request. `redirect_uri` defaults to the
        registered one."""
        _check(provider)
        _check_subject(provider, subject)
        reg = self.clients[provider]
        return self._new_code(
            provider,
            _User(subject, nickname),
            client_id=reg.client_id,
            redirect_uri=redirect_uri or reg.redirect_uri,
            state=state,
            ttl_s=self.code_ttl_s if ttl_s is None else ttl_s,
        )

    def revoke_tokens(self, provider: str | None = None) -> None:
        """Forget issued access tokens, so user-info calls get the provider's 401."""
        with self._lock:
            for token, (p, _) in list(self._state.tokens.items()):
                if provider is None or p == provider:
                    del self._state.tokens[token]

    # --- misbehaviour -----------------------------------------------------------------

    def fail_next(
        self,
        endpoint: str,
        status: int = 500,
        body: bytes | str | dict[str, Any] | list[Any] | None = None,
        *,
        provider: str | None = None,
        content_type: str | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` requests to `endpoint` (of `provider`, or of both) get this answer
        instead of the normal one. A dict/list body is sent as JSON; None → a short text."""
        fault = _fault(status, body, content_type)
        self._push(endpoint, provider, fault, times)

    def fail_next_token_with(self, status: int, body: Any = None, *, provider: str | None = None) -> None:
        """Shortcut: the next token request answers `status` (with `body`)."""
        self.fail_next("token", status, body, provider=provider)

    def fail_next_userinfo_with(self, status: int, body: Any = None, *, provider: str | None = None) -> None:
        """Shortcut: the next user-info request answers `status` (with `body`)."""
        self.fail_next("userinfo", status, body, provider=provider)

    def malformed_next(self, endpoint: str, *, provider: str | None = None, body: bytes | None = None) -> None:
        """The next request to `endpoint` gets HTTP 200, `Content-Type: application/json`,
        and a body that is not valid JSON (truncated object by default)."""
        self.fail_next(
            endpoint,
            200,
            body if body is not None else b'{"access_token": "trunc',
            provider=provider,
            content_type="application/json;charset=UTF-8",
        )

    def delay_next(self, endpoint: str, seconds: float, *, provider: str | None = None) -> None:
        """The next request to `endpoint` is answered normally, but only after `seconds`."""
        self._push(endpoint, provider, _Fault(delay_s=seconds, passthrough=True), 1)

    def set_persistent_fault(
        self,
        endpoint: str,
        status: int = 500,
        body: Any = None,
        *,
        provider: str | None = None,
        content_type: str | None = None,
    ) -> None:
        """Every request to `endpoint` gets this answer until `clear_faults()` (one-shot
        faults still go first)."""
        fault = _fault(status, body, content_type)
        with self._lock:
            for p in _providers(provider):
                _check(p, endpoint)
                self._state.persistent[(p, endpoint)] = fault

    def clear_faults(self) -> None:
        """Drop all one-shot and persistent faults and delays."""
        with self._lock:
            self._state.one_shot.clear()
            self._state.persistent.clear()

    # --- inspection -------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far, oldest first."""
        with self._lock:
            return list(self._state.requests)

    def requests_to(self, provider: str, endpoint: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.provider == provider and r.endpoint == endpoint]

    # --- internals ----------------------------------------------------------------------

    def _push(self, endpoint: str, provider: str | None, fault: _Fault, times: int) -> None:
        with self._lock:
            for p in _providers(provider):
                _check(p, endpoint)
                queue = self._state.one_shot.setdefault((p, endpoint), deque())
                queue.extend([fault] * times)

    def _take_fault(self, provider: str, endpoint: str) -> _Fault | None:
        with self._lock:
            queue = self._state.one_shot.get((provider, endpoint))
            if queue:
                fault = queue.popleft()
                # A fault aimed at "both providers" is consumed by whichever asks first.
                return fault
            return self._state.persistent.get((provider, endpoint))

    def _new_code(
        self,
        provider: str,
        user: _User,
        *,
        client_id: str,
        redirect_uri: str | None,
        state: str | None,
        ttl_s: float,
    ) -> str:
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._state.codes[code] = _Grant(
                provider, user, client_id, redirect_uri, state, time.monotonic() + ttl_s
            )
        return code

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._state.requests.append(request)

    # Route handlers return (status, headers, body).

    def _authorize(self, provider: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        reg = self.clients[provider]
        if query.get("client_id") != reg.client_id:
            return _page(400, "unknown client_id (Kakao: KOE101)")
        if query.get("redirect_uri") != reg.redirect_uri:
            return _page(400, "redirect_uri is not registered (Kakao: KOE006)")
        if query.get("response_type") != "code":
            return _page(400, "response_type must be code")
        state = query.get("state")
        if provider == "naver" and not state:
            return _page(400, "state is required")
        with self._lock:
            user = self._state.default_users.get(provider)
        params: dict[str, str] = {}
        if user is None:
            params["error"] = "access_denied"
            params["error_description"] = "User denied access"
        else:
            params["code"] = self._new_code(
                provider,
                user,
                client_id=reg.client_id,
                redirect_uri=reg.redirect_uri,
                state=state,
                ttl_s=self.code_ttl_s,
            )
        if state is not None:
            params["state"] = state
        return 302, {"Location": _with_query(reg.redirect_uri, params)}, b""

    def _token(self, provider: str, form: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        reg = self.clients[provider]
        if form.get("grant_type") != "authorization_code":
            return self._token_error(provider, 400, "unsupported_grant_type", "grant_type mismatched", "KOE001")
        if form.get("client_id") != reg.client_id:
            return self._token_error(provider, 401, "invalid_client", "Bad client credentials", "KOE101")
        if form.get("client_secret", "") != reg.client_secret:
            return self._token_error(provider, 401, "invalid_client", "Bad client credentials", "KOE010")
        code = form.get("code", "")
        with self._lock:
            grant = self._state.codes.pop(code, None)  # single use: gone after the first try
        if grant is None or grant.provider != provider or grant.expires_at < time.monotonic():
            if provider == "kakao":
                return self._token_error(
                    provider, 400, "invalid_grant", f"authorization code not found for code={code}", "KOE320"
                )
            return self._token_error(provider, 200, "invalid_request", "no valid data in session", None)
        if grant.client_id != form.get("client_id"):
            return self._token_error(provider, 400, "invalid_grant", "client_id mismatched", "KOE320")
        redirect_uri = form.get("redirect_uri")
        if provider == "kakao" and redirect_uri != grant.redirect_uri:
            return self._token_error(provider, 400, "invalid_grant", "Redirect URI mismatch.", "KOE303")
        if provider == "naver":
            if redirect_uri is not None and redirect_uri != grant.redirect_uri:
                return self._token_error(provider, 200, "invalid_request", "redirect_uri mismatch", None)
            if not form.get("state") or (grant.state is not None and form.get("state") != grant.state):
                return self._token_error(provider, 200, "invalid_request", "state mismatch", None)

        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._state.tokens[access_token] = (provider, grant.user)
        refresh_token = secrets.token_urlsafe(32)
        if provider == "kakao":
            body: dict[str, Any] = {
                "token_type": "bearer",
                "access_token": access_token,
                "expires_in": 21599,
                "refresh_token": refresh_token,
                "refresh_token_expires_in": 5183999,
                "scope": "profile_nickname",
            }
        else:
            body = {
                "access_token": access_token,
                "refresh_token": refresh_token,
                "token_type": "bearer",
                "expires_in": "3600",  # Naver sends it as a string
            }
        return _json(200, body)

    @staticmethod
    def _token_error(
        provider: str, status: int, error: str, description: str, kakao_code: str | None
    ) -> tuple[int, dict[str, str], bytes]:
        if provider == "kakao":
            body = {"error": error, "error_description": description}
            if kakao_code:
                body["error_code"] = kakao_code
            return _json(status, body)
        return _json(200, {"error": error, "error_description": description})

    def _userinfo(self, provider: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        auth = headers.get("authorization", "")
        scheme, _, token = auth.partition(" ")
        with self._lock:
            entry = self._state.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        if entry is None or entry[0] != provider:
            if provider == "kakao":
                return _json(401, {"msg": "this access token does not exist", "code": -401})
            return _json(401, {"resultcode": "024", "message": "Authentication failed / 인증에 실패했습니다."})
        user = entry[1]
        if provider == "kakao":
            account: dict[str, Any]
            if user.nickname is None:
                account = {"profile_nickname_needs_agreement": True}
                properties: dict[str, Any] = {}
            else:
                account = {
                    "profile_nickname_needs_agreement": False,
                    "profile": {"nickname": user.nickname, "is_default_nickname": False},
                }
                properties = {"nickname": user.nickname}
            body: dict[str, Any] = {
                "id": int(user.subject),
                "connected_at": "2026-11-24T05:00:00Z",
                "properties": properties,
                "kakao_account": account,
            }
        else:
            response: dict[str, Any] = {"id": user.subject}
            if user.nickname is not None:
                response["nickname"] = user.nickname
            body = {"resultcode": "00", "message": "success", "response": response}
        return _json(200, body)


def _make_handler(double: OAuthProviderDouble) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "OAuthProviderDouble/1.0"
        protocol_version = "HTTP/1.0"

        def do_GET(self) -> None:  # noqa: N802 (stdlib naming)
            self._handle()

        def do_POST(self) -> None:  # noqa: N802 (stdlib naming)
            self._handle()

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet
            pass

        def _handle(self) -> None:
            parts = urlsplit(self.path)
            query = _flat(parse_qs(parts.query, keep_blank_values=True))
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            form: dict[str, str] = {}
            if raw and "application/x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
                form = _flat(parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True))
            headers = {k.lower(): v for k, v in self.headers.items()}
            provider = parts.path.split("/")[1] if parts.path.count("/") >= 2 else ""
            endpoint = _PATHS.get((provider, parts.path), "unknown")
            double._record(
                RecordedRequest(provider, endpoint, self.command, parts.path, query, form, headers)
            )
            if endpoint == "unknown":
                self._send(*_page(404, "no such route in the OAuth provider double"))
                return

            fault = double._take_fault(provider, endpoint)
            if fault is not None:
                if fault.delay_s:
                    double._stopping.wait(fault.delay_s)
                if not fault.passthrough:
                    self._send(fault.status, {"Content-Type": fault.content_type}, fault.body)
                    return

            allowed = {"authorize": ("GET",), "token": ("POST",), "userinfo": ("GET", "POST")}[endpoint]
            if provider == "naver" and endpoint == "token":
                allowed = ("GET", "POST")
            if self.command not in allowed:
                self._send(*_page(405, "method not allowed"))
                return
            if endpoint == "authorize":
                self._send(*double._authorize(provider, query))
            elif endpoint == "token":
                # Naver also takes the parameters in the query string.
                self._send(*double._token(provider, {**query, **form}))
            else:
                self._send(*double._userinfo(provider, headers))

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout tests)
                pass

    return Handler


def _check(provider: str, endpoint: str | None = None) -> None:
    if provider not in PROVIDERS:
        raise ValueError(f"provider must be one of {PROVIDERS}, not {provider!r}")
    if endpoint is not None and endpoint not in ENDPOINTS:
        raise ValueError(f"endpoint must be one of {ENDPOINTS}, not {endpoint!r}")


def _check_subject(provider: str, subject: str) -> None:
    if not subject:
        raise ValueError("subject must not be empty")
    if provider == "kakao" and not subject.isdigit():
        raise ValueError("Kakao member ids are numbers: give the subject as decimal digits")


def _providers(provider: str | None) -> tuple[str, ...]:
    return PROVIDERS if provider is None else (provider,)


def _flat(multi: dict[str, list[str]]) -> dict[str, str]:
    return {k: v[0] for k, v in multi.items() if v}


def _fault(status: int, body: Any, content_type: str | None) -> _Fault:
    if isinstance(body, (dict, list)):
        return _Fault(status, json.dumps(body).encode(), content_type or "application/json;charset=UTF-8")
    if body is None:
        body = f"{status} fault injected by the OAuth provider double"
    if isinstance(body, str):
        body = body.encode()
    return _Fault(status, body, content_type or "text/plain; charset=utf-8")


def _json(status: int, body: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json;charset=UTF-8"}, json.dumps(body, ensure_ascii=False).encode()


def _page(status: int, text: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "text/plain; charset=utf-8"}, text.encode()


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return urlunsplit(parts._replace(query=query))
