"""A thin HTTP client of the web API as the frontend uses it, plus sign-up through the
real SMS flow (the code is read from the dev SMS outbox file)."""

from __future__ import annotations

import itertools
import json
import pathlib
import uuid
from dataclasses import dataclass

import httpx

from gridam_devtools.devstack import DevStack

_addresses = itertools.count(1)


def client_address() -> str:
    """A fresh client address per login or sign-up, so the per-address limits only bite where tested."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def new_login_id() -> str:
    return "u" + uuid.uuid4().hex[:12]


def new_phone() -> str:
    return "010" + str(uuid.uuid4().int)[:8]


@dataclass
class User:
    login_id: str
    password: str
    phone: str
    access_token: str = ""
    refresh_token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


class Api:
    def __init__(self, stack: DevStack) -> None:
        self.stack = stack
        self.http = httpx.Client(base_url=stack.http_url, timeout=30)

    @property
    def outbox(self) -> pathlib.Path:
        return self.stack.data_dir / "sms-outbox.jsonl"

    def last_code(self, phone: str) -> str:
        lines = [json.loads(line) for line in self.outbox.read_text().splitlines()]
        return [m for m in lines if m["phone"] == phone][-1]["code"]

    def verify_phone(self, phone: str) -> None:
        sent = self.http.post("/api/auth/sms/send", json={"phoneNum": phone}, headers={"X-Forwarded-For": client_address()})
        assert sent.json()["success"], sent.text
        reply = self.http.post("/api/auth/sms/verify", json={"phoneNum": phone, "certificationCode": self.last_code(phone)})
        assert reply.json()["success"], reply.text

    def signup(self, login_id: str | None = None, password: str = "secret123", nickname: str = "그리담") -> User:
        user = User(login_id or new_login_id(), password, new_phone())
        self.verify_phone(user.phone)
        reply = self.http.post(
            "/api/auth/signup",
            json={"loginId": user.login_id, "password": password, "checkPassword": password, "nickname": nickname,
                  "phoneNum": user.phone, "authCode": "ignored", "auth": True},
            headers={"X-Forwarded-For": client_address()},
        )
        assert reply.status_code == 200 and reply.json()["success"], reply.text
        return user

    def login(self, user: User) -> User:
        reply = self.http.post(
            "/api/auth/login",
            json={"loginId": user.login_id, "password": user.password},
            headers={"X-Forwarded-For": client_address()},
        )
        assert reply.status_code == 200, reply.text
        user.access_token = reply.json()["result"]["accessToken"]
        user.refresh_token = reply.json()["result"]["refreshToken"]
        return user

    def new_user(self, **kwargs) -> User:
        return self.login(self.signup(**kwargs))

    def request(self, method: str, path: str, user: User | None = None, *, headers=None, **kwargs) -> httpx.Response:
        merged = {**(user.headers if user else {}), **(headers or {})}
        return self.http.request(method, path, headers=merged, **kwargs)

    def get(self, path: str, user: User | None = None, **kwargs) -> httpx.Response:
        return self.request("GET", path, user, **kwargs)

    def post(self, path: str, user: User | None = None, **kwargs) -> httpx.Response:
        return self.request("POST", path, user, **kwargs)

    def patch(self, path: str, user: User | None = None, **kwargs) -> httpx.Response:
        return self.request("PATCH", path, user, **kwargs)

    def delete(self, path: str, user: User | None = None, **kwargs) -> httpx.Response:
        return self.request("DELETE", path, user, **kwargs)
