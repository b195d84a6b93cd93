"""Sign-up, login, token rotation, logout and social login through the gateway (HTTP),
with the real user service behind it, on both profiles."""

from __future__ import annotations

import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridam_runtime.tokens import AUDIENCE, ISSUER
from tests.support.api import Api, client_address, new_login_id, new_phone
from tests.support.web import assert_error

# --- phone verification and sign-up ------------------------------------------------------
# Client errors on these screens are HTTP 200 with success: false (decision 15).


def test_one_client_address_gets_a_limited_number_of_codes(api: Api):
    headers = {"X-Forwarded-For": client_address()}
    for _ in range(20):  # GRIDAM_PHONE_MAX_SENDS_PER_ADDRESS, to twenty different numbers
        assert api.post("/api/auth/sms/send", json={"phoneNum": new_phone()}, headers=headers).json()["success"] is True
    assert_error(api.post("/api/auth/sms/send", json={"phoneNum": new_phone()}, headers=headers), 200, "SMS4294")
    other = {"X-Forwarded-For": client_address()}
    assert api.post("/api/auth/sms/send", json={"phoneNum": new_phone()}, headers=other).json()["success"] is True


def test_signup_needs_server_side_phone_verification(api: Api):
    phone = new_phone()
    body = {"loginId": new_login_id(), "password": "secret123", "checkPassword": "secret123", "nickname": "하루",
            "phoneNum": phone, "authCode": "123456", "auth": True}
    # The client claims `auth: true` but never verified: refused, no account made.
    assert_error(api.post("/api/auth/signup", json=body), 200, "USER4006")
    # A code was sent but not verified: still refused.
    api.post("/api/auth/sms/send", json={"phoneNum": phone})
    assert_error(api.post("/api/auth/signup", json=body), 200, "USER4006")
    api.post("/api/auth/sms/verify", json={"phoneNum": phone, "certificationCode": api.last_code(phone)})
    assert api.post("/api/auth/signup", json=body).json()["success"] is True
    # The verification is spent by the sign-up.
    body["loginId"] = new_login_id()
    assert_error(api.post("/api/auth/signup", json=body), 200, "USER4006")


def test_signup_with_auth_false_fails_even_after_verification(api: Api):
    phone = new_phone()
    api.verify_phone(phone)
    body = {"loginId": new_login_id(), "password": "secret123", "checkPassword": "secret123", "nickname": "하루",
            "phoneNum": phone, "auth": False}
    assert_error(api.post("/api/auth/signup", json=body), 200, "USER4006")


def test_sms_codes_are_checked_and_attempts_limited(api: Api):
    phone = new_phone()
    reply = api.post("/api/auth/sms/send", json={"phoneNum": phone})
    assert reply.json() | {"timestamp": None} == {
        "timestamp": None, "success": True, "code": "COMMON200", "message": "인증번호가 전송되었습니다.", "result": None,
    }
    code = api.last_code(phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        assert_error(api.post("/api/auth/sms/verify", json={"phoneNum": phone, "certificationCode": wrong}), 200, "SMS4002")
    # Attempts exhausted: even the right code is refused now.
    assert_error(api.post("/api/auth/sms/verify", json={"phoneNum": phone, "certificationCode": code}), 200, "SMS4291")


def test_signup_rejects_taken_login_id_mismatched_passwords_and_bad_values(api: Api):
    user = api.signup()
    phone = new_phone()
    api.verify_phone(phone)
    base = {"password": "secret123", "checkPassword": "secret123", "nickname": "하루", "phoneNum": phone, "auth": True}
    assert_error(api.post("/api/auth/signup", json=base | {"loginId": user.login_id}), 200, "USER4091")
    assert_error(api.post("/api/auth/signup", json=base | {"loginId": new_login_id(), "checkPassword": "other123"}), 200, "USER4005")
    assert_error(api.post("/api/auth/signup", json=base | {"loginId": "a b"}), 200, "USER4001")
    assert_error(
        api.post("/api/auth/signup", json=base | {"loginId": new_login_id(), "password": "short", "checkPassword": "short"}),
        200, "USER4002",
    )
    # The number is still verified after the refused attempts and can be used once.
    assert api.post("/api/auth/signup", json=base | {"loginId": new_login_id()}).json()["success"] is True


# --- login and tokens ------------------------------------------------------------------


def test_wrong_password_and_unknown_login_id_are_400_auth4001(api: Api):
    user = api.signup()
    for login_id, password in ((user.login_id, "wrong-password1"), (new_login_id(), "secret123")):
        reply = api.post("/api/auth/login", json={"loginId": login_id, "password": password},
                         headers={"X-Forwarded-For": client_address()})
        body = assert_error(reply, 400, "AUTH4001")
        assert body["message"] == "아이디 또는 비밀번호가 올바르지 않습니다."


def test_login_gives_tokens_that_open_the_profile(api: Api):
    user = api.new_user(nickname="하루")
    profile = api.get("/api/users/profile", user).json()
    assert profile["success"] is True
    assert profile["result"] == {
        "userId": user.login_id, "profileImgUrl": "", "userName": "하루", "introduction": "",
        "followerCount": 0, "followingCount": 0, "diaryCount": 0,
    }


def test_repeated_wrong_passwords_lock_the_account_for_a_while(api: Api):
    user = api.signup()
    for _ in range(5):
        api.post("/api/auth/login", json={"loginId": user.login_id, "password": "nope12345"},
                 headers={"X-Forwarded-For": client_address()})
    reply = api.post("/api/auth/login", json={"loginId": user.login_id, "password": user.password},
                     headers={"X-Forwarded-For": client_address()})
    assert_error(reply, 429, "AUTH4291")
    assert int(reply.headers["Retry-After"]) > 0


def test_login_attempts_are_limited_per_client_address(api: Api):
    address = client_address()
    replies = [
        api.post("/api/auth/login", json={"loginId": new_login_id(), "password": "x1234567"},
                 headers={"X-Forwarded-For": address})
        for _ in range(6)
    ]
    assert [r.status_code for r in replies] == [400] * 5 + [429]
    assert replies[-1].json()["code"] == "AUTH4291"


def test_reissue_rotates_and_a_reused_refresh_token_revokes_the_family(api: Api):
    user = api.new_user()
    first_refresh = user.refresh_token
    reply = api.http.post("/api/auth/reissue", json={"refreshToken": first_refresh},
                          headers={"Authorization": "Bearer expired-or-garbage"})
    body = reply.json()
    assert reply.status_code == 200 and body["success"] is True and body["code"] == "COMMON200"
    assert body["accessToken"] == body["result"]["accessToken"] and body["refreshToken"] == body["result"]["refreshToken"]
    assert body["refreshToken"] != first_refresh
    new_access, new_refresh = body["accessToken"], body["refreshToken"]
    assert api.get("/api/users/profile", headers={"Authorization": f"Bearer {new_access}"}).status_code == 200

    # The old refresh token comes back: someone copied it. The whole family is revoked.
    assert_error(api.http.post("/api/auth/reissue", json={"refreshToken": first_refresh}), 401, "AUTH4013")
    assert_error(api.http.post("/api/auth/reissue", json={"refreshToken": new_refresh}), 401, "AUTH4012")
    assert_error(api.get("/api/users/profile", headers={"Authorization": f"Bearer {new_access}"}), 401, "AUTH4011")
    # Other sessions of the same user are untouched.
    other = api.login(user)
    assert api.get("/api/users/profile", other).status_code == 200


def test_logout_revokes_access_and_refresh_tokens(api: Api):
    user = api.new_user()
    reply = api.post("/api/auth/logout", user, json={"accessToken": user.access_token})
    assert reply.status_code == 200 and reply.json()["success"] is True
    assert_error(api.get("/api/users/profile", user), 401, "AUTH4011")
    assert_error(api.http.post("/api/auth/reissue", json={"refreshToken": user.refresh_token}), 401, "AUTH4012")


def _token(private_key, **claims) -> str:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "1", "lid": "someone", "sid": "s", "iat": now, "exp": now + 600}
    return jwt.encode(base | claims, private_key, algorithm="EdDSA")


def test_expired_garbage_forged_and_alg_none_tokens_get_401(api: Api, stack):
    user = api.new_user()
    real_key = (stack.data_dir / "keys" / "jwt-ed25519.pem").read_bytes()
    claims = jwt.decode(user.access_token, options={"verify_signature": False})
    expired = _token(real_key, sub=claims["sub"], lid=claims["lid"], sid=claims["sid"], iat=int(time.time()) - 7200,
                     exp=int(time.time()) - 3600)
    forged = _token(Ed25519PrivateKey.generate(), sub=claims["sub"], lid=claims["lid"], sid=claims["sid"])
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    public_pem = (stack.data_dir / "keys" / "jwt-ed25519.pub.pem").read_bytes()
    header, payload, _ = user.access_token.split(".")
    tampered = f"{header}.{payload[:-2]}xx.{user.access_token.split('.')[2]}"
    for token in (expired, forged, unsigned, tampered, "garbage", "a.b.c"):
        reply = api.get("/api/users/profile", headers={"Authorization": f"Bearer {token}"})
        assert_error(reply, 401, "AUTH4011")
    assert_error(api.get("/api/users/profile"), 401, "AUTH4011")
    # HS256 signed with the public key as the secret (algorithm confusion) is refused too.
    import base64
    import hashlib
    import hmac  # noqa: E401  (local: only this check builds a token by hand)
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}"
    confused = f"{signing_input}.{b64(hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest())}"
    assert_error(api.get("/api/users/profile", headers={"Authorization": f"Bearer {confused}"}), 401, "AUTH4011")


def test_public_endpoints_tolerate_a_stale_bearer(api: Api):
    user = api.signup()
    reply = api.post("/api/auth/login", json={"loginId": user.login_id, "password": user.password},
                     headers={"Authorization": "Bearer expired.token.here", "X-Forwarded-For": client_address()})
    assert reply.status_code == 200 and reply.json()["success"] is True


# --- social login --------------------------------------------------------------------


def test_kakao_login_creates_an_account_once_and_logs_in_again(api: Api, oauth_provider):
    reply = api.get("/api/auth/login/uri/kakao")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/plain")
    url = reply.text
    query = parse_qs(urlsplit(url).query)
    assert url.startswith(oauth_provider.url("kakao", "authorize")) and query["response_type"] == ["code"]
    state = query["state"][0]
    subject = str(int(time.time() * 1000))
    code = oauth_provider.issue_code("kakao", subject, "카카오친구")
    login = api.get("/api/auth/login/kakao", params={"code": code, "state": state})
    assert login.status_code == 200, login.text
    tokens = login.json()["result"]
    profile = api.get("/api/users/profile", headers={"Authorization": f"Bearer {tokens['accessToken']}"}).json()["result"]
    assert profile["userName"] == "카카오친구" and profile["userId"].startswith("kakao_")
    # Second login with the same Kakao account: same GriDam account.
    again = api.get("/api/auth/login/kakao", params={"code": oauth_provider.issue_code("kakao", subject, "x"), "state": state})
    token = again.json()["result"]["accessToken"]
    assert api.get("/api/users/profile", headers={"Authorization": f"Bearer {token}"}).json()["result"]["userId"] == profile["userId"]


def test_a_social_login_completes_only_in_the_browser_that_started_it(api: Api, oauth_provider):
    """Login CSRF: a callback link carrying someone else's code and state logs no one in."""
    attacker, victim = (
        httpx.Client(base_url=api.stack.http_url, timeout=30, headers={"X-Forwarded-For": client_address()}) for _ in range(2)
    )
    with attacker, victim:
        started = attacker.get("/api/auth/login/uri/kakao")
        cookie = started.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/api/auth/login" in cookie
        state = parse_qs(urlsplit(started.text).query)["state"][0]
        code = oauth_provider.issue_code("kakao", str(time.time_ns()), "공격자")
        link = {"code": code, "state": state}
        assert_error(victim.get("/api/auth/login/kakao", params=link), 400, "OAUTH4004")
        victim.get("/api/auth/login/uri/kakao")  # a login of the victim's own, started meanwhile
        assert_error(victim.get("/api/auth/login/kakao", params=link), 400, "OAUTH4004")
        assert attacker.get("/api/auth/login/kakao", params=link).json()["success"] is True


def test_over_https_the_binding_is_a_host_cookie_a_subdomain_cannot_plant(api: Api, oauth_provider):
    # HTTPS as a TLS-terminating proxy reports it (the test stack trusts 127.0.0.1's forwarded headers).
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": client_address()}
    with httpx.Client(base_url=api.stack.http_url, timeout=30, headers=https) as browser:
        started = browser.get("/api/auth/login/uri/kakao")
        [cookie] = SimpleCookie(started.headers["set-cookie"]).values()
        assert cookie.key == "__Host-gridam_oauth_binding"
        assert cookie["secure"] and cookie["httponly"] and cookie["path"] == "/" and not cookie["domain"]
        link = {"code": oauth_provider.issue_code("kakao", str(time.time_ns()), "보안"),
                "state": parse_qs(urlsplit(started.text).query)["state"][0]}
        # The same secret under the plain name (as a sibling subdomain could set it) is not read.
        planted = {"Cookie": f"gridam_oauth_binding={cookie.value}"}
        assert_error(browser.get("/api/auth/login/kakao", params=link, headers=planted), 400, "OAUTH4004")
        own = {"Cookie": f"{cookie.key}={cookie.value}"}  # a Secure cookie: sent by hand over the test's plain HTTP
        assert browser.get("/api/auth/login/kakao", params=link, headers=own).json()["success"] is True


def test_naver_login_and_oauth_failures(api: Api, oauth_provider):
    state = parse_qs(urlsplit(api.get("/api/auth/login/uri/naver").text).query)["state"][0]
    subject = f"naver-{time.time_ns()}"
    code = oauth_provider.issue_code("naver", subject, "네이버친구", state=state)
    assert api.get("/api/auth/login/naver", params={"code": code, "state": state}).json()["success"] is True
    # A reused code, a forged state, a state of the other provider, an unknown provider.
    assert_error(api.get("/api/auth/login/naver", params={"code": code, "state": state}), 400, "OAUTH4003")
    assert_error(api.get("/api/auth/login/naver", params={"code": "c", "state": state[:-3] + "abc"}), 400, "OAUTH4002")
    assert_error(api.get("/api/auth/login/kakao", params={"code": "c", "state": state}), 400, "OAUTH4002")
    assert_error(api.get("/api/auth/login/uri/google"), 400, "OAUTH4001")
    assert_error(api.get("/api/auth/login/naver", params={"code": "c"}), 400, "COMMON4000")
