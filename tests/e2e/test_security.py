"""The security review of issue 19 replayed through the gateway (HTTP, raw sockets) and the
internal gRPC port, on both profiles: what an attacker observed before the fixes, and the
defences that held (forged tokens, other people's objects, tampered image URLs), so that they
stay held. The service-layer replays of the same findings are unit tests:
test_account_abuse (2, 6, 10, 12), diary/test_write_limits (4, 12), card/test_card_regeneration_limit (3),
emotion/test_word_cloud_limit (5), test_text_policy (11), test_limits (the limiter)."""

from __future__ import annotations

import json
import re
import select
import socket
import time
from urllib.parse import urlsplit

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridam.user.v1 import user_service_pb2 as user_pb
from gridam.user.v1 import user_service_pb2_grpc
from gridam_devtools.devstack import SERVICES
from gridam_runtime.tokens import AUDIENCE, ISSUER
from tests.support.api import Api, client_address, new_login_id, new_phone
from tests.support.web import assert_error, diary_form, jpeg_with_gps, numeric_id, write

SOCKET_TIMEOUT_SECONDS = 120  # only so that a broken gateway cannot hang the test run


# --- finding 1: X-Request-Id ------------------------------------------------------------


@pytest.mark.parametrize("given", [b"\xc3\xa9", b"a\tb", b"x" * 65, b"<script>", b"id with spaces"])
def test_a_request_id_that_is_no_id_is_replaced_and_the_request_served(api: Api, given: bytes):
    """Before: `X-Request-Id: é` (or a tab) went into gRPC metadata and gave HTTP 500."""
    reply = api.post("/api/auth/login", json={"loginId": "nobody", "password": "wrong1234"},
                     headers={"X-Request-Id": given, "X-Forwarded-For": client_address()})
    assert_error(reply, 400, "AUTH4001")
    assert re.fullmatch("[0-9a-f]{32}", reply.headers["x-request-id"])


def test_a_well_formed_request_id_is_kept(api: Api):
    reply = api.get("/api/users/profile", headers={"X-Request-Id": "trace-42.a:b_c"})
    assert_error(reply, 401, "AUTH4011")
    assert reply.headers["x-request-id"] == "trace-42.a:b_c"


# --- finding 7: header size, header count, slow clients ------------------------------------


def _address(api: Api) -> tuple[str, int]:
    parts = urlsplit(api.stack.http_url)
    return parts.hostname, parts.port


def _answer(sock: socket.socket) -> tuple[int, dict]:
    """Status and JSON body of the one answer before the gateway closes the connection."""
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"connection: close" in head.lower()
    return int(head.split(b" ", 2)[1]), json.loads(body)


def _refused_head(api: Api, head: bytes) -> tuple[int, dict]:
    with socket.create_connection(_address(api), timeout=SOCKET_TIMEOUT_SECONDS) as sock:
        sock.sendall(head)
        return _answer(sock)


def test_headers_too_large_or_too_many_are_refused(api: Api):
    """Before: a 16 MiB header and 20,000 headers were accepted."""
    big = b"GET /healthz HTTP/1.1\r\nHost: gridam\r\nX-Big: " + b"a" * (20 * 1024) + b"\r\n\r\n"
    many = b"GET /healthz HTTP/1.1\r\nHost: gridam\r\n" + b"".join(b"X-H%d: v\r\n" % n for n in range(150)) + b"\r\n"
    for head in (big, many):
        status, body = _refused_head(api, head)
        assert (status, body["success"], body["code"]) == (431, False, "COMMON4311")
        assert body["message"] == "요청 헤더가 너무 크거나 많습니다."
    ordinary = b"GET /healthz HTTP/1.1\r\nHost: gridam\r\n" + b"".join(b"X-H%d: v\r\n" % n for n in range(40)) + b"\r\n"
    with socket.create_connection(_address(api), timeout=SOCKET_TIMEOUT_SECONDS) as sock:
        sock.sendall(ordinary)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200")


def test_a_client_dripping_its_headers_is_cut_off(api: Api):
    """Before: a client sending a byte every few seconds held its connection 45 s and more."""
    with socket.create_connection(_address(api), timeout=SOCKET_TIMEOUT_SECONDS) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gridam\r\nX-Slow: ")
        answered = False
        for _ in range(SOCKET_TIMEOUT_SECONDS * 2):  # a byte every half second while it listens
            if select.select([sock], [], [], 0.5)[0]:
                answered = True
                break
            sock.sendall(b"a")
        assert answered
        status, body = _answer(sock)
    assert (status, body["code"]) == (408, "COMMON4081")


def test_a_client_pausing_in_its_body_is_cut_off(api: Api):
    head = b"POST /api/auth/login HTTP/1.1\r\nHost: gridam\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    with socket.create_connection(_address(api), timeout=SOCKET_TIMEOUT_SECONDS) as sock:
        sock.sendall(head + b'{"loginId": ')
        status, body = _answer(sock)
    assert (status, body["code"]) == (408, "COMMON4081")


# --- finding 8: security headers -----------------------------------------------------------


def test_api_answers_are_never_stored_nor_sniffed(api: Api):
    """Before: API JSON, tokens included, had no Cache-Control: no-store and no nosniff."""
    user = api.signup()
    login = api.post("/api/auth/login", json={"loginId": user.login_id, "password": user.password},
                     headers={"X-Forwarded-For": client_address()})
    reissue = api.post("/api/auth/reissue", json={"refreshToken": login.json()["result"]["refreshToken"]})
    for reply in (login, reissue, api.get("/api/users/profile"), api.get("/healthz")):
        assert reply.headers["cache-control"] == "no-store"
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["referrer-policy"] == "no-referrer"


def test_a_signed_image_keeps_its_own_caching(api: Api):
    user = api.new_user()
    api.patch("/api/users/profile-image", user, files={"image": ("me.jpg", jpeg_with_gps(), "image/jpeg")})
    url = api.get("/api/users/profile", user).json()["result"]["profileImgUrl"]
    image = api.http.get(url)
    assert image.status_code == 200 and image.headers["cache-control"].startswith("private, max-age=")
    assert image.headers["x-content-type-options"] == "nosniff"


# --- finding 9: /docs ----------------------------------------------------------------------


def test_the_docs_load_nothing_from_elsewhere_and_cannot_be_framed(api: Api):
    """Before: /docs had no CSP nor frame protection and loaded Swagger UI from a public CDN."""
    page = api.get("/docs")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert "://" not in page.text and "<script>" not in page.text  # nothing from elsewhere, no inline script
    for src in re.findall(r'(?:src|href)="([^"]+)"', page.text):
        asset = api.get(src)
        assert asset.status_code == 200 and asset.content, src
    assert "SwaggerUIBundle" in api.get("/docs/assets/swagger-ui-bundle.js").text
    assert_error(api.get("/docs/assets/..%2Fcore.py"), 404, "COMMON4041")
    assert api.get("/openapi.json").json()["info"]["title"] == "GriDam API"


# --- finding 2 and 10: sign-up -------------------------------------------------------------


def test_one_address_gets_a_bounded_number_of_sign_ups(api: Api):
    """Before: each sign-up hashed its password before the verification was checked, without
    limit (24 of them took the user service from 137 to 531 MB)."""
    headers = {"X-Forwarded-For": client_address()}
    body = {"password": "secret123", "checkPassword": "secret123", "nickname": "홍수", "auth": True}
    for _ in range(10):
        reply = api.post("/api/auth/signup", json=body | {"loginId": new_login_id(), "phoneNum": new_phone()}, headers=headers)
        assert_error(reply, 200, "USER4006")  # the sign-up screen's failures are HTTP 200 (decision 15)
    reply = api.post("/api/auth/signup", json=body | {"loginId": new_login_id(), "phoneNum": new_phone()}, headers=headers)
    refused = assert_error(reply, 200, "USER4291")
    assert refused["message"] == "같은 곳에서 회원가입을 너무 많이 시도했습니다. 잠시 후 다시 시도해주세요."
    assert 0 < int(reply.headers["retry-after"]) <= 3600


# --- finding 11: text ----------------------------------------------------------------------


def test_a_diary_request_field_that_is_not_utf8_is_refused(api: Api):
    """Before: invalid UTF-8 in the multipart `request` field was stored as Latin-1 garbage."""
    user = api.new_user()
    raw = '{"title": "제목", "content": "내용'.encode() + b"\xff\xfe" + b'"}'
    reply = api.post("/api/diary", user, files={"request": (None, raw)})
    assert_error(reply, 400, "COMMON4001")
    assert api.get("/api/diary/list", user).json()["result"] == []


def test_hidden_characters_leave_diaries_and_nicknames_that_hide_refused(api: Api):
    user = api.new_user()
    diary_id = write(api, user, title="제목\u202e\x85", content="오늘\x00은\x07 맑음\u200b\x9b")
    [diary] = [d for d in api.get("/api/diary/list", user).json()["result"] if d["diaryId"] == diary_id]
    assert (diary["title"], diary["content"]) == ("제목", "오늘은 맑음")
    for nickname in ("abc\u202egnp.exe", "\u3164", "\u200b"):
        assert_error(api.patch("/api/users/nickname", user, json={"nickname": nickname}), 400, "USER4003")


# --- finding 12: the internal port -----------------------------------------------------------


def test_the_user_service_tells_no_user_of_others_follows(api: Api):
    """Before: GetFollowRelation answered any pair to any user token."""
    alice, bob, carol = api.new_user(), api.new_user(), api.new_user()
    assert api.post(f"/api/follows/{alice.login_id}", carol).json()["success"] is True
    user_service = next(s for s in SERVICES if s.key == "USER")
    question = user_pb.GetFollowRelationRequest(follower_id=numeric_id(carol), followee_id=numeric_id(alice))
    with grpc.insecure_channel(api.stack.address(user_service)) as channel:
        stub = user_service_pb2_grpc.UserServiceStub(channel)
        with pytest.raises(grpc.RpcError) as refused:
            stub.GetFollowRelation(question, metadata=[("authorization", f"Bearer {bob.access_token}")], timeout=10)
        assert refused.value.code() == grpc.StatusCode.PERMISSION_DENIED
        answer = stub.GetFollowRelation(question, metadata=[("authorization", f"Bearer {carol.access_token}")], timeout=10)
        assert answer.following is True


# --- the limiter through the gateway (findings 3-6) ----------------------------------------


def test_a_limit_answers_429_in_korean_with_retry_after(api: Api):
    """GRIDAM_LIMIT_WORD_CLOUD_GENERATIONS is 2/3600 in the test stacks (conftest)."""
    user = api.new_user()
    for _ in range(2):
        assert api.post(f"/api/v1/word-cloud/generate/{user.login_id}", user).status_code == 200
    reply = api.post(f"/api/v1/word-cloud/generate/{user.login_id}", user)
    body = assert_error(reply, 429, "WORDCLOUD4291")
    assert body["message"] == "워드클라우드를 너무 자주 만들었습니다. 잠시 후 다시 시도해주세요."
    assert 3500 < int(reply.headers["retry-after"]) <= 3600


# --- defences that held ------------------------------------------------------------------


def _forged_tokens(user) -> list[str]:
    claims = jwt.decode(user.access_token, options={"verify_signature": False})
    header, payload, signature = user.access_token.split(".")
    return [
        jwt.encode(claims, key=None, algorithm="none"),  # no signature at all
        jwt.encode(claims, Ed25519PrivateKey.generate(), algorithm="EdDSA"),  # someone else's key
        f"{header}.{payload}.{signature[:-4]}AAAA",  # the real token, tampered
        jwt.encode(claims | {"sub": str(int(claims["sub"]) + 1)}, "s" * 32, algorithm="HS256"),
        jwt.encode(claims | {"exp": int(time.time()) - 3600, "iss": ISSUER, "aud": AUDIENCE}, Ed25519PrivateKey.generate(), algorithm="EdDSA"),
    ]


def test_forged_tokens_are_refused(api: Api):
    user = api.new_user()
    for token in _forged_tokens(user):
        assert_error(api.get("/api/users/profile", headers={"Authorization": f"Bearer {token}"}), 401, "AUTH4011")


def test_other_people_s_objects_are_not_found(api: Api):
    owner, mallory = api.new_user(), api.new_user()
    diary_id = write(api, owner)
    assert_error(api.get(f"/api/diary/{diary_id}/analysis", mallory), 404, "DIARY4041")
    assert_error(api.delete(f"/api/diary/{diary_id}", mallory), 404, "DIARY4041")
    assert_error(api.patch(f"/api/diary?diaryId={diary_id}", mallory, files=diary_form("t", "c")), 404, "EMOTIONCARD4001")
    assert api.get("/api/diary/list", owner).json()["result"][0]["diaryId"] == diary_id


def test_tampered_image_urls_are_refused(api: Api):
    user = api.new_user()
    api.patch("/api/users/profile-image", user, files={"image": ("me.jpg", jpeg_with_gps(), "image/jpeg")})
    url = api.get("/api/users/profile", user).json()["result"]["profileImgUrl"]
    exp = re.search(r"exp=(\d+)", url)[1]
    for tampered in (url.replace("sig=", "sig=A"), url.replace(f"exp={exp}", f"exp={int(exp) + 60}"), url.split("?")[0]):
        assert_error(api.http.get(tampered), 403, "IMAGE4031")
