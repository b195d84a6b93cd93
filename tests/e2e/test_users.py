"""Profiles, avatars, passwords, follows and bad input through the gateway (HTTP)."""

from __future__ import annotations

import io
import pathlib
import time

import httpx
from PIL import Image

from gridam_domain.signed_urls import UrlSigner
from gridam_runtime.tokens import read_secret
from tests.support.api import Api
from tests.support.procfs import niceness
from tests.support.web import assert_error, jpeg_with_gps, stored_files

# --- profile ---------------------------------------------------------------------------


def test_nickname_and_introduction_change_only_the_callers_profile(api: Api):
    alice, bob = api.new_user(nickname="앨리스"), api.new_user(nickname="밥")
    assert api.patch("/api/users/nickname", bob, json={"nickname": "새이름"}).json()["success"] is True
    assert api.patch("/api/users/introduction", bob, json={"introduction": "안녕하세요"}).status_code == 200
    assert api.get(f"/api/users/profile/{alice.login_id}", bob).json()["result"]["userName"] == "앨리스"
    mine = api.get("/api/users/profile", bob).json()["result"]
    assert (mine["userName"], mine["introduction"]) == ("새이름", "안녕하세요")
    assert_error(api.patch("/api/users/nickname", bob, json={"nickname": "  "}), 400, "USER4003")
    assert_error(api.patch("/api/users/nickname", bob, json={"nickname": "가" * 21}), 400, "USER4003")
    assert_error(api.patch("/api/users/nickname", json={"nickname": "x"}), 401, "AUTH4011")


# --- avatar ----------------------------------------------------------------------------


def test_avatar_is_reencoded_without_exif_and_served_by_signed_url(api: Api, stack):
    user = api.new_user()
    reply = api.patch("/api/users/profile-image", user, files={"image": ("photo.png", jpeg_with_gps(), "image/png")})
    assert reply.status_code == 200, reply.text
    url = api.get("/api/users/profile", user).json()["result"]["profileImgUrl"]
    assert url.startswith("/api/media/avatars/") and "exp=" in url and "sig=" in url
    # The browser fetches it without a token.
    image = api.http.get(url)
    assert image.status_code == 200 and image.headers["content-type"] == "image/jpeg"
    assert image.headers["cache-control"].startswith("private, max-age=")
    decoded = Image.open(io.BytesIO(image.content))
    assert max(decoded.size) == 512 and not decoded.getexif()
    # Tampered signature, tampered path, missing signature, expired URL: 403, never the image.
    path, _, query = url.partition("?")
    assert_error(api.http.get(url[:-2] + "AA"), 403, "IMAGE4031")
    assert_error(api.http.get(path.replace("avatars/", "avatars/0") + "?" + query), 403, "IMAGE4031")
    assert_error(api.http.get(path), 403, "IMAGE4031")
    signer = UrlSigner(read_secret(stack.data_dir / "keys" / "media-url.key"), ttl_seconds=60, bucket_seconds=60)
    assert_error(api.http.get(signer.sign(path, now=time.time() - 3600)), 403, "IMAGE4031")
    # CORS lets the configured web origin read the bytes.
    cors = api.http.get(url, headers={"Origin": "http://localhost:5173"})
    assert cors.headers["access-control-allow-origin"] == "http://localhost:5173"


def test_non_image_and_oversized_uploads_are_refused_and_nothing_is_stored(api: Api, stack):
    user = api.new_user()
    before = stored_files(stack)
    assert_error(
        api.patch("/api/users/profile-image", user, files={"image": ("cat.jpg", b"<?php echo 1; ?>", "image/jpeg")}),
        400, "IMAGE4001",
    )
    truncated = jpeg_with_gps()[:2000]
    assert_error(api.patch("/api/users/profile-image", user, files={"image": ("a.jpg", truncated, "image/jpeg")}), 400, "IMAGE4001")
    big = b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024)
    assert api.patch("/api/users/profile-image", user, files={"image": ("big.jpg", big, "image/jpeg")}).status_code == 413
    huge = b"0" * (12 * 1024 * 1024)
    assert_error(api.patch("/api/users/profile-image", user, files={"image": ("huge.jpg", huge, "image/jpeg")}), 413, "COMMON4131")
    assert_error(api.patch("/api/users/profile-image", user, files={"other": ("x.jpg", b"x", "image/jpeg")}), 400, "IMAGE4002")
    assert_error(api.patch("/api/users/profile-image", user, json={"image": "x"}), 415, "COMMON4151")
    assert stored_files(stack) == before
    assert api.get("/api/users/profile", user).json()["result"]["profileImgUrl"] == ""


# --- password --------------------------------------------------------------------------


def test_password_change_needs_the_current_password_and_revokes_other_sessions(api: Api):
    user = api.new_user()
    other_session = api.login(type(user)(user.login_id, user.password, user.phone))
    body = {"password": "wrong-one1", "changedPassword": "newpass123", "checkPassword": "newpass123"}
    assert_error(api.patch("/api/users/password", user, json=body), 400, "USER4007")
    assert_error(api.patch("/api/users/password", user, json=body | {"password": user.password, "checkPassword": "x"}), 400, "USER4005")
    assert api.patch("/api/users/password", user, json=body | {"password": user.password}).json()["success"] is True
    # This session goes on; the other one is revoked (access and refresh token).
    assert api.get("/api/users/profile", user).status_code == 200
    assert_error(api.get("/api/users/profile", other_session), 401, "AUTH4011")
    assert_error(api.http.post("/api/auth/reissue", json={"refreshToken": other_session.refresh_token}), 401, "AUTH4012")
    # The new password logs in, the old one does not.
    user.password = "newpass123"
    assert api.login(user).access_token
    assert_error(api.post("/api/auth/login", json={"loginId": user.login_id, "password": "secret123"},
                          headers={"X-Forwarded-For": "10.200.0.1"}), 400, "AUTH4001")


# --- follows ---------------------------------------------------------------------------


def test_follow_is_not_duplicated_and_counts_stay_right(api: Api):
    alice, bob = api.new_user(), api.new_user()
    first = api.post(f"/api/follows/{alice.login_id}", bob).json()
    second = api.post(f"/api/follows/{alice.login_id}", bob).json()
    assert first["success"] and first["result"]["created"] is True
    assert second["success"] and second["result"]["created"] is False
    assert api.get("/api/users/profile", alice).json()["result"]["followerCount"] == 1
    assert api.get("/api/users/profile", bob).json()["result"]["followingCount"] == 1
    followers = api.get("/api/follows/follower", alice).json()["result"]
    assert [f["userId"] for f in followers["followList"]] == [bob.login_id]
    assert (followers["hasNext"], followers["nextCursor"]) == (False, None)
    assert api.delete(f"/api/follows/{alice.login_id}", bob).json()["result"]["removed"] is True
    assert api.delete(f"/api/follows/{alice.login_id}", bob).json()["result"]["removed"] is False
    assert api.get("/api/users/profile", alice).json()["result"]["followerCount"] == 0
    assert_error(api.post(f"/api/follows/{bob.login_id}", bob), 400, "FOLLOW4001")
    assert_error(api.post("/api/follows/nobody-here", bob), 404, "USER4041")


def test_follow_lists_page_with_positive_cursors_newest_first(api: Api):
    star = api.new_user()
    fans = [api.new_user() for _ in range(5)]
    for fan in fans:
        api.post(f"/api/follows/{star.login_id}", fan)
    seen, cursor, pages = [], None, 0
    while True:
        params = {"size": 2} | ({"cursor": cursor} if cursor else {})
        page = api.get("/api/follows/follower", star, params=params).json()["result"]
        pages += 1
        seen += [f["userId"] for f in page["followList"]]
        if not page["hasNext"]:
            assert page["nextCursor"] is None
            break
        assert isinstance(page["nextCursor"], int) and page["nextCursor"] > 0
        cursor = page["nextCursor"]
    assert pages == 3 and seen == [f.login_id for f in reversed(fans)]
    following = api.get("/api/follows/following", fans[0]).json()["result"]["followList"]
    assert [f["userId"] for f in following] == [star.login_id]
    assert_error(api.get("/api/follows/follower", star, params={"cursor": 0}), 400, "COMMON4000")
    assert_error(api.get("/api/follows/follower", star, params={"cursor": "abc"}), 400, "COMMON4000")
    assert_error(api.get("/api/follows/follower", star, params={"size": 1000}), 400, "COMMON4000")


# --- bad input -------------------------------------------------------------------------


def test_malformed_json_wrong_types_invalid_utf8_and_oversized_bodies(api: Api):
    headers = {"Content-Type": "application/json"}
    assert_error(api.post("/api/auth/login", content=b'{"loginId": "a", ', headers=headers), 400, "COMMON4001")
    assert_error(api.post("/api/auth/login", content=b'{"loginId": "\xff\xfe", "password": "x"}', headers=headers), 400, "COMMON4001")
    body = assert_error(api.post("/api/auth/login", json={"loginId": 123, "password": ["x"]}), 400, "COMMON4000")
    assert {f["field"] for f in body["result"]} == {"loginId", "password"}
    assert_error(api.post("/api/auth/login", json={"loginId": "a"}), 400, "COMMON4000")
    assert_error(api.post("/api/auth/login", content=b"x" * (65 * 1024), headers=headers), 413, "COMMON4131")


def chunks(total: int, size: int = 16 * 1024):
    """A body sent chunked (Transfer-Encoding: chunked): no Content-Length to check up front."""
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


def chunked_upload(field: str, total: int, boundary: str = "gridam"):
    """A well-formed multipart body with one `total`-byte JPEG-looking file, sent chunked."""
    yield (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="big.jpg"\r\n'
           "Content-Type: image/jpeg\r\n\r\n").encode()
    yield b"\xff\xd8\xff"
    yield from chunks(total)
    yield f"\r\n--{boundary}--\r\n".encode()


def test_oversized_chunked_bodies_and_broken_uploads_get_their_own_errors(api: Api, stack):
    user = api.new_user()
    before = stored_files(stack)
    json_headers = {"Content-Type": "application/json"}
    assert_error(api.post("/api/auth/login", content=chunks(65 * 1024), headers=json_headers), 413, "COMMON4131")
    upload_headers = {"Content-Type": "multipart/form-data; boundary=gridam"}
    assert_error(api.patch("/api/users/profile-image", user, content=chunked_upload("image", 11 * 1024 * 1024),
                           headers=upload_headers), 413, "COMMON4131")
    # A multipart body that is not one (no boundary) is not called "bad JSON".
    broken = {"Content-Type": "multipart/form-data"}
    assert_error(api.patch("/api/users/profile-image", user, content=b"--x\r\n", headers=broken), 400, "COMMON4005")
    assert stored_files(stack) == before


def test_unknown_routes_and_methods_use_the_envelope(api: Api):
    assert_error(api.get("/api/nothing-here"), 404, "COMMON4041")
    assert_error(api.http.put("/api/auth/login", json={}), 405, "COMMON4051")


def test_health_readiness_openapi_and_cors_preflight(api: Api):
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").status_code == 200
    spec = api.get("/openapi.json").json()
    assert {"/api/auth/login", "/api/users/profile", "/api/follows/{user_id}"} <= set(spec["paths"])
    assert api.get("/docs").status_code == 200
    preflight = api.http.options(
        "/api/users/profile",
        headers={"Origin": "http://localhost:5173", "Access-Control-Request-Method": "GET",
                 "Access-Control-Request-Headers": "authorization"},
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert preflight.headers["access-control-allow-credentials"] == "true"
    evil = api.http.options("/api/users/profile", headers={"Origin": "https://evil.example",
                                                           "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in evil.headers


def test_prometheus_metrics_of_gateway_and_user_service(api: Api, stack):
    user = api.new_user()
    api.get("/api/users/profile", user)
    gateway = httpx.get(f"http://127.0.0.1:{stack.metrics_port('gateway')}/metrics").text
    assert 'http_server_requests_total{method="GET",route="/api/users/profile",status="200"}' in gateway
    # The API's port, the one the Ingress reaches, serves no metrics.
    assert api.get("/metrics").status_code == 404
    service = httpx.get(f"http://127.0.0.1:{stack.env['GRIDAM_METRICS_PORT']}/metrics").text
    assert 'grpc_server_handled_total{grpc_code="OK",grpc_method="GetProfile",grpc_service="gridam.user.v1.UserService"}' in service
    assert "grpc_server_handling_seconds_bucket" in service


def test_gateway_and_user_service_run_grpc_aio_poller_five_steps_nicer(api: Api, stack):
    """gridam_runtime.tweaks (the poller): in each process exactly one thread, grpc.aio's poller, runs
    below the others (the gateway starts gRPC with its first call, made here)."""
    api.get("/api/users/profile", api.new_user())
    for name in ("gateway", "user-service"):
        proc = pathlib.Path(f"/proc/{stack.process(name).process.pid}")
        main = niceness(proc / "stat")
        threads = [niceness(stat) for stat in proc.glob("task/*/stat")]
        assert threads.count(min(19, main + 5)) == 1, (name, threads)
        assert threads.count(main) == len(threads) - 1, (name, threads)
