"""A bounded, seeded fuzz pass of anonymous requests over every route of the gateway (issue 19):
hostile path, query, header and body values, on both profiles. No request from a client
without a token may get a 5xx: every refusal is a 4xx in the error envelope.

The routes are read from the gateway's own OpenAPI schema (what an attacker sees), plus the
documentation routes it leaves out. A failure lists the requests that got a 5xx, with the seed
and case number, so that they can be replayed."""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from urllib.parse import quote

import httpx

from tests.support.api import Api

SEED = 19
CASES = 300

TEXT = [
    "", "0", "-1", "1", "42", "9" * 30, "2147483648", "9223372036854775808", "-9223372036854775809", "1e309", "0x10",
    "1.5", "NaN", "null", "true", "[]", "{}", "é", "\u202egnp.exe", "\u200b", "\u3164", "🙂👩\u200d💻", "\x00", "\x07\x85",
    "../../etc/passwd", "..%2F..%2F", "%00", "%ff%fe", "' OR 1=1 --", "<script>alert(1)</script>", "a" * 1000,
    "2026-02-30", "0000-00-00", "2026-12-07", "9999-99-99", "kakao", "naver", "google", "PUBLIC", "FOLLOWERS",
    "좋아요", "슬퍼요", "010-1234-5678", "01012345678", "user_1234", "Bearer x", "한글 문장입니다", "\t\r\n",
]
JSON_VALUES = [None, True, False, 0, -1, 2**63, 2**80, -(2**63) - 1, 1.5e308, [], {}, [[[[[]]]]], {"a": {"b": {"c": 1}}}, ["x"] * 50]
HEADERS = [
    ("X-Request-Id", [b"\xc3\xa9", b"a\tb", b"x" * 200, b"ok-id", b""]),
    ("Authorization", [b"Bearer", b"Bearer x.y.z", b"Basic YWxhZGRpbjpvcGVu", b"Bearer " + b"a" * 3000, b"\xff\xfe", b"bearer eyJhbGciOiJub25lIn0.e30."]),
    ("X-Forwarded-For", [b"10.9.8.7", b"not-an-ip", b"\xc3\xa9", b"1.2.3.4, 5.6.7.8", b"::1", b"999.999.999.999"]),
    ("X-Forwarded-Proto", [b"https", b"gopher", b"\xff"]),
    ("Cookie", [b"gridam_oauth_binding=\xc3\xa9", b"gridam_oauth_binding=" + b"b" * 5000, b"=;;==", b"__Host-gridam_oauth_binding=x"]),
    ("Content-Type", [b"application/json", b"text/plain", b"multipart/form-data", b"multipart/form-data; boundary=", b"application/x-www-form-urlencoded", b"application/json; charset=latin-1", b"\xff"]),
    ("Accept-Encoding", [b"gzip, br, zstd", b"*;q=x"]),
    ("Origin", [b"http://localhost:5173", b"null", b"https://evil.example"]),
    ("Range", [b"bytes=0-1", b"bytes=-"]),
]


@dataclass
class Route:
    method: str
    path: str
    path_params: list[str] = field(default_factory=list)
    query_params: list[str] = field(default_factory=list)
    body_fields: list[str] = field(default_factory=list)
    multipart: bool = False


def routes(api: Api) -> list[Route]:
    schema = api.get("/openapi.json").json()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            content = operation.get("requestBody", {}).get("content", {})
            body_fields: list[str] = []
            for media in content.values():
                ref = media.get("schema", {}).get("$ref", "")
                body_schema = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]] if ref else media.get("schema", {})
                body_fields += list(body_schema.get("properties", {}))
            found.append(Route(
                method.upper(), path,
                [p["name"] for p in params if p["in"] == "path"],
                [p["name"] for p in params if p["in"] == "query"],
                body_fields, "multipart/form-data" in content,
            ))
    # Not in the schema: the documentation and its assets.
    found += [Route("GET", "/docs"), Route("GET", "/docs/assets/{name}", ["name"])]
    return found


def _value(rng: random.Random):
    return rng.choice(JSON_VALUES) if rng.random() < 0.3 else rng.choice(TEXT)


def _body(rng: random.Random, route: Route) -> tuple[dict, bytes | None]:
    """Headers and bytes of a hostile body for `route`."""
    choice = rng.random()
    if choice < 0.15:
        return {}, None
    if route.multipart or choice < 0.3:
        boundary = "fuzz" + str(rng.randrange(10**6))
        request = rng.choice([b'{"title": "t", "content": "\xff\xfe"}', b"not json", json.dumps({"title": _value(rng), "content": _value(rng)}).encode(), b"", b"[1, 2]"])
        image = rng.choice([b"GIF89a" + b"\x00" * 20, b"\xff\xd8\xff" + rng.randbytes(64), b"", b"<svg onload=alert(1)>"])
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="request"\r\n\r\n'.encode() + request,
            f'--{boundary}\r\nContent-Disposition: form-data; name="image"; filename="x.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode() + image,
        ]
        if rng.random() < 0.3:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="\xc3"\r\n\r\nx'.encode())
        ending = rng.choice([f"\r\n--{boundary}--\r\n", "", "\r\n--other--\r\n"]).encode()
        return {"Content-Type": f"multipart/form-data; boundary={boundary}"}, b"\r\n".join(parts) + ending
    if choice < 0.45:
        return {"Content-Type": "application/json"}, rng.choice([b"{", b"\xff\xfe{}", b"[]", b"null", b'{"a": "\\ud800"}', b"1" * 5000, b'{"loginId": "\\u0000"}'])
    fields = route.body_fields or ["loginId", "password", "content"]
    body = {name: _value(rng) for name in fields if rng.random() < 0.8}
    if rng.random() < 0.3:
        body = {"\ud800" if rng.random() < 0.5 else "junk": _value(rng), **body}
    return {"Content-Type": "application/json"}, json.dumps(body, ensure_ascii=rng.random() < 0.5).encode("utf-8", "surrogatepass")


def case(rng: random.Random, route: Route) -> tuple[str, str, dict, bytes | None]:
    method = route.method if rng.random() < 0.9 else rng.choice(["GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS"])
    path = route.path
    for name in route.path_params:
        path = re.sub(r"\{" + name + r"(:path)?\}", quote(str(_value(rng)), safe=""), path)
    query = [(name, str(_value(rng))) for name in route.query_params if rng.random() < 0.7]
    if rng.random() < 0.2:
        query.append((rng.choice(["cursor", "size", "exp", "sig", "x"]), str(_value(rng))))
    url = path + ("?" + "&".join(f"{quote(k)}={quote(v, safe='')}" for k, v in query) if query else "")
    headers = {"X-Forwarded-For": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}"}
    for name, values in rng.sample(HEADERS, rng.randrange(0, 4)):
        headers[name] = rng.choice(values)
    body_headers, body = _body(rng, route) if method in ("POST", "PATCH", "PUT", "DELETE") else ({}, None)
    return method, url, {**body_headers, **headers}, body


def test_no_anonymous_request_gets_a_server_error(api: Api):
    rng = random.Random(SEED)
    table = routes(api)
    assert len(table) > 40  # every route of the web API, not a schema that failed to load
    failures = []
    with httpx.Client(base_url=api.stack.http_url, timeout=60) as http:
        for number in range(CASES):
            method, url, headers, body = case(rng, rng.choice(table))
            reply = http.request(method, url, headers=headers, content=body)
            problem = ""
            if reply.status_code >= 500:
                problem = "server error"
            elif reply.status_code >= 400 and reply.headers.get("content-type", "").startswith("application/json"):
                envelope = reply.json()
                if envelope.get("success") is not False or not re.fullmatch(r"[A-Z]+\d{4}", envelope.get("code", "")):
                    problem = "not an error envelope"
            if problem:
                failures.append(f"#{number} {problem}: {method} {url} headers={headers!r} body={body!r:.300} -> {reply.status_code} {reply.text[:300]}")
    assert not failures, f"seed {SEED}:\n" + "\n".join(failures)
