"""The few calls GriDam makes to a Consul agent's HTTP API (discovery.py uses them).

A client of its own rather than py-consul: discovery needs the answers' headers (the blocking
index, the content hash of an agent-local query, `X-Consul-Results-Filtered-By-ACLs`) and a
403 told apart from any other failure, and it must send the ACL token GriDam is configured with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

_CONNECT_TIMEOUT_S = 2.0
_REQUEST_TIMEOUT_S = 5.0  # beyond a blocking query's wait


class ConsulError(Exception):
    """Consul answered with an error status."""

    def __init__(self, status: int, text: str, what: str) -> None:
        super().__init__(f"{what}: Consul answered {status}: {text.strip() or '(no message)'}")
        self.status = status


class ConsulDenied(ConsulError):
    """403: the ACL token is missing, unknown, or lacks a permission the call needs."""


@dataclass(frozen=True)
class HealthAnswer:
    """`/v1/health/service/<name>`: every registered instance with its checks."""

    index: int
    entries: list[dict[str, Any]]
    # Consul left out instances the token may not read (it says so only to a non-anonymous token).
    filtered_by_acls: bool
    # ACLs are on and deny what no policy allows (so an anonymous caller sees nothing).
    default_deny: bool


def go_duration(seconds: float) -> str:
    return f"{seconds:g}s"


class ConsulAgent:
    """The HTTP API of the Consul agent at `host:port`, every call made with `token` (if any)."""

    def __init__(self, host: str, port: int, token: str = "") -> None:
        self._http = httpx.AsyncClient(
            base_url=f"http://{host}:{port}",
            headers={"X-Consul-Token": token} if token else {},
            timeout=httpx.Timeout(_REQUEST_TIMEOUT_S, connect=_CONNECT_TIMEOUT_S),
        )

    async def register(self, payload: dict[str, Any]) -> None:
        await self._call("PUT", "/v1/agent/service/register", f"registering {payload['ID']!r}", json=payload)

    async def deregister(self, instance_id: str) -> None:
        """Remove the instance from this agent; one that is already gone counts as removed."""
        await self._call(
            "PUT", f"/v1/agent/service/deregister/{instance_id}", f"deregistering {instance_id!r}", missing_ok=True
        )

    async def local_service(self, instance_id: str, content_hash: str, wait_s: float) -> str | None:
        """The content hash of the instance as this agent holds it, or None when the agent does
        not have it. Given the last hash, blocks up to `wait_s` until the instance changes."""
        params = {"hash": content_hash, "wait": go_duration(wait_s)} if content_hash else {}
        reply = await self._call(
            "GET", f"/v1/agent/service/{instance_id}", f"reading {instance_id!r}", params=params,
            wait_s=wait_s, missing_ok=True,
        )
        if reply.status_code == 404:
            return None
        content_hash_now: str = reply.headers.get("X-Consul-ContentHash", "")
        return content_hash_now

    async def health(self, service_name: str, index: int, wait_s: float) -> HealthAnswer:
        """Every instance of the service with its checks; with an index, blocks up to `wait_s`
        until the answer may have changed."""
        params = {"index": str(index), "wait": go_duration(wait_s)} if index else {}
        reply = await self._call(
            "GET", f"/v1/health/service/{service_name}", f"looking up {service_name!r}", params=params, wait_s=wait_s
        )
        return HealthAnswer(
            index=int(reply.headers.get("X-Consul-Index") or 0),
            entries=reply.json() or [],
            filtered_by_acls=reply.headers.get("X-Consul-Results-Filtered-By-ACLs") == "true",
            default_deny=reply.headers.get("X-Consul-Default-Acl-Policy") == "deny",
        )

    async def close(self) -> None:
        await self._http.aclose()

    async def _call(
        self, method: str, path: str, what: str, *, wait_s: float = 0.0, missing_ok: bool = False, **kwargs: Any
    ) -> httpx.Response:
        # Consul adds up to wait/16 of jitter to a blocking query's wait.
        timeout = httpx.Timeout(_REQUEST_TIMEOUT_S + wait_s * 17 / 16, connect=_CONNECT_TIMEOUT_S)
        reply = await self._http.request(method, path, timeout=timeout, **kwargs)
        if reply.is_success or (missing_ok and reply.status_code == 404):
            return reply
        error = ConsulDenied if reply.status_code == 403 else ConsulError
        raise error(reply.status_code, reply.text, what)
