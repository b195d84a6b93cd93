"""A TEST DOUBLE of Consul's HTTP API, not Consul.

See `ConsulHttpApiDouble`. Results of tests run against it are results against this double,
never against a real Consul agent.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

_NODE = {
    "ID": "00000000-0000-0000-0000-000000000001",
    "Node": "consul-api-double",
    "Address": "127.0.0.1",
    "Datacenter": "dc1",
    "TaggedAddresses": {},
    "Meta": {},
}
_SERF_CHECK = {
    "Node": _NODE["Node"],
    "CheckID": "serfHealth",
    "Name": "Serf Health Status",
    "Status": "passing",
    "Notes": "",
    "Output": "Agent alive and reachable",
    "ServiceID": "",
    "ServiceName": "",
    "ServiceTags": [],
    "Type": "",
}
_DEFAULT_WAIT_S = 300.0  # Consul: 5 minutes by default, at most 10
_MAX_WAIT_S = 600.0
_DEFAULT_CHECK_TIMEOUT_S = 10.0
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)")
_DURATION_UNIT_S = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Seconds in a Go duration string such as "2s", "200ms" or "1m30s"."""
    if text == "0":
        return 0.0
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"invalid duration {text!r}")
    return sum(float(n) * _DURATION_UNIT_S[u] for n, u in parts)


def _normalized(body: dict[str, Any]) -> dict[str, Any]:
    # Consul decodes JSON keys case-insensitively and accepts snake_case; py-consul sends
    # e.g. "name", "checks", "grpc", "DeregisterCriticalServiceAfter".
    return {k.lower().replace("_", ""): v for k, v in body.items()}


@dataclass(frozen=True)
class _GrpcCheck:
    target: str
    service: str
    interval_s: float
    timeout_s: float
    deregister_after_s: float | None


@dataclass
class _Instance:
    id: str
    name: str
    address: str
    port: int
    tags: list[str]
    meta: dict[str, str]
    check: _GrpcCheck | None
    status: str
    output: str = ""
    critical_since: float | None = None
    stop: threading.Event = field(default_factory=threading.Event)


class _BadRequest(Exception):
    pass


class ConsulHttpApiDouble:
    """A TEST DOUBLE of Consul's HTTP API, not Consul.

    Serves, on 127.0.0.1, only what GriDam's discovery uses:

    - ``PUT /v1/agent/service/register`` (gRPC checks only: ``GRPC`` "host:port[/service]",
      ``Interval``, ``Timeout``, ``DeregisterCriticalServiceAfter``),
    - ``PUT /v1/agent/service/deregister/<id>``,
    - ``GET /v1/health/service/<name>`` with ``passing`` and blocking ``index`` + ``wait``,
      answering with the ``X-Consul-Index`` header.

    Each registered check really calls ``grpc.health.v1.Health/Check`` on its target at its
    interval. Like Consul, a new check starts "critical" until it first passes; a failing
    check (NOT_SERVING, unknown service, connection refused, timeout) turns "critical" and
    the instance drops out of ``?passing``. One index counts every change of registrations
    or check statuses and wakes blocked queries; like Consul's, a blocked query may return
    without a change to its own answer.

    Differences from Consul, on purpose: intervals below 1s are not raised to 1s, and
    ``DeregisterCriticalServiceAfter`` is applied exactly rather than by a 30s reaper,
    so tests run fast. One node, one datacenter, no ACLs, no other endpoints or parameters.

    Test controls: ``first_index``, ``start(port)`` to bring an "agent" back on a known port,
    ``restore_index()`` and ``wait_for_blocked_queries()``. Threads only, so it can be
    started from sync and async fixtures alike.
    """

    def __init__(self, *, first_index: int = 1) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._parked = threading.Condition(self._lock)
        self._blocked_queries = 0
        self._index = first_index
        self._instances: dict[str, _Instance] = {}
        self._stopping = False
        self._restores = 0
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    def start(self, port: int = 0) -> int:
        """Serve on 127.0.0.1 (`port` 0 picks a free one); returns the bound port."""
        double = self

        class Handler(_Handler):
            consul = double

        self._server = _Server(("127.0.0.1", port), Handler)
        thread = threading.Thread(target=self._server.serve_forever, name="consul-api-double", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self._server.server_address[1]

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            for instance in self._instances.values():
                instance.stop.set()
            self._changed.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=_DEFAULT_CHECK_TIMEOUT_S)

    def restore_index(self, index: int) -> None:
        """Simulate a snapshot restore: the index drops to `index`, blocked queries return."""
        with self._lock:
            self._index = index
            self._restores += 1
            self._changed.notify_all()

    def wait_for_blocked_queries(self, count: int, timeout: float) -> None:
        """Wait until `count` blocking queries are parked waiting for a change."""
        with self._lock:
            if not self._parked.wait_for(lambda: self._blocked_queries >= count, timeout):
                raise TimeoutError(f"fewer than {count} blocking queries after {timeout}s")

    # --- the API ---------------------------------------------------------------------

    def register(self, body: dict[str, Any]) -> None:
        svc = _normalized(body)
        name = svc.get("name")
        if not name:
            raise _BadRequest("Missing service name")
        checks = list(svc.get("checks") or [])
        if svc.get("check"):
            checks.append(svc["check"])
        if len(checks) > 1:
            raise _BadRequest("this test double supports at most one check per service")
        instance = _Instance(
            id=svc.get("id") or name,
            name=name,
            address=svc.get("address") or "",
            port=int(svc.get("port") or 0),
            tags=list(svc.get("tags") or []),
            meta=dict(svc.get("meta") or {}),
            check=self._grpc_check(_normalized(checks[0])) if checks else None,
            status="critical" if checks else "passing",
        )
        if instance.check is not None:
            instance.critical_since = time.monotonic()
        with self._lock:
            previous = self._instances.get(instance.id)
            if previous is not None:
                previous.stop.set()
            self._instances[instance.id] = instance
            self._bump()
        if instance.check is not None:
            thread = threading.Thread(
                target=self._run_checks, args=(instance,), name=f"grpc-check:{instance.id}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def deregister(self, service_id: str) -> bool:
        with self._lock:
            instance = self._instances.pop(service_id, None)
            if instance is None:
                return False
            instance.stop.set()
            self._bump()
            return True

    def health_service(
        self, name: str, *, passing: bool, index: int | None, wait_s: float
    ) -> tuple[int, list[dict[str, Any]]]:
        deadline = time.monotonic() + wait_s
        with self._lock:
            if index is not None and index > 0:
                # Like Consul: block while the index is not past the one the client has seen.
                restores = self._restores
                self._blocked_queries += 1
                self._parked.notify_all()
                while self._index <= index and not self._stopping and self._restores == restores:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self._changed.wait(remaining)
                self._blocked_queries -= 1
            entries = [
                self._entry(i)
                for i in self._instances.values()
                if i.name == name and (not passing or i.status == "passing")
            ]
            return self._index, entries

    # --- internals -------------------------------------------------------------------

    @staticmethod
    def _grpc_check(check: dict[str, Any]) -> _GrpcCheck:
        url = check.get("grpc")
        if not url:
            raise _BadRequest("this test double supports only gRPC checks")
        if check.get("grpcusetls"):
            raise _BadRequest("this test double does not support GRPCUseTLS")
        target, _, service = url.partition("/")
        try:
            interval_s = parse_duration(check.get("interval") or "")
            timeout_s = parse_duration(check["timeout"]) if check.get("timeout") else _DEFAULT_CHECK_TIMEOUT_S
            deregister = check.get("deregistercriticalserviceafter")
            deregister_after_s = parse_duration(deregister) if deregister else None
        except ValueError as exc:
            raise _BadRequest(str(exc)) from None
        if interval_s <= 0:
            raise _BadRequest("Interval must be > 0 for gRPC checks")
        return _GrpcCheck(target, service, interval_s, timeout_s, deregister_after_s)

    def _bump(self) -> None:
        self._index += 1
        self._changed.notify_all()

    def _entry(self, i: _Instance) -> dict[str, Any]:
        checks = [dict(_SERF_CHECK)]
        if i.check is not None:
            checks.append(
                {
                    "Node": _NODE["Node"],
                    "CheckID": f"service:{i.id}",
                    "Name": f"Service '{i.name}' check",
                    "Status": i.status,
                    "Notes": "",
                    "Output": i.output,
                    "ServiceID": i.id,
                    "ServiceName": i.name,
                    "ServiceTags": list(i.tags),
                    "Type": "grpc",
                }
            )
        return {
            "Node": dict(_NODE),
            "Service": {
                "ID": i.id,
                "Service": i.name,
                "Tags": list(i.tags),
                "Address": i.address,
                "Meta": dict(i.meta),
                "Port": i.port,
                "Weights": {"Passing": 1, "Warning": 1},
                "EnableTagOverride": False,
            },
            "Checks": checks,
        }

    def _run_checks(self, instance: _Instance) -> None:
        check = instance.check
        assert check is not None
        while not instance.stop.is_set():
            status, output = self._probe(check)
            with self._lock:
                if instance.stop.is_set():
                    return
                now = time.monotonic()
                if status == "critical" and instance.critical_since is None:
                    instance.critical_since = now
                elif status == "passing":
                    instance.critical_since = None
                instance.output = output
                if status != instance.status:
                    instance.status = status
                    self._bump()
                if (
                    check.deregister_after_s is not None
                    and instance.critical_since is not None
                    and now - instance.critical_since >= check.deregister_after_s
                ):
                    del self._instances[instance.id]
                    self._bump()
                    return
            instance.stop.wait(check.interval_s)

    @staticmethod
    def _probe(check: _GrpcCheck) -> tuple[str, str]:
        with grpc.insecure_channel(check.target) as channel:
            stub = health_pb2_grpc.HealthStub(channel)
            try:
                reply = stub.Check(health_pb2.HealthCheckRequest(service=check.service), timeout=check.timeout_s)
            except grpc.RpcError as exc:
                return "critical", f"gRPC check {check.target}/{check.service}: {exc.code().name}: {exc.details()}"
        serving = reply.status == health_pb2.HealthCheckResponse.SERVING
        state = health_pb2.HealthCheckResponse.ServingStatus.Name(reply.status)
        return ("passing" if serving else "critical"), f"gRPC check {check.target}/{check.service}: {state}"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up on a blocking query (closed its watch) is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    consul: ConsulHttpApiDouble
    protocol_version = "HTTP/1.0"  # one request per connection: nothing outlives stop()

    def do_PUT(self) -> None:
        url = urlsplit(self.path)
        try:
            if url.path == "/v1/agent/service/register":
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"null")
                except json.JSONDecodeError as exc:
                    raise _BadRequest(f"Request decode failed: {exc}") from None
                if not isinstance(body, dict):
                    raise _BadRequest("Request decode failed: expected a JSON object")
                self.consul.register(body)
                self._send(HTTPStatus.OK, b"")
            elif url.path.startswith("/v1/agent/service/deregister/"):
                service_id = unquote(url.path.removeprefix("/v1/agent/service/deregister/"))
                if self.consul.deregister(service_id):
                    self._send(HTTPStatus.OK, b"")
                else:
                    self._send(HTTPStatus.NOT_FOUND, f'Unknown service ID "{service_id}"'.encode())
            else:
                self._send(HTTPStatus.NOT_FOUND, b"not implemented by the Consul HTTP API test double")
        except _BadRequest as exc:
            self._send(HTTPStatus.BAD_REQUEST, str(exc).encode())

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if not url.path.startswith("/v1/health/service/"):
            self._send(HTTPStatus.NOT_FOUND, b"not implemented by the Consul HTTP API test double")
            return
        name = unquote(url.path.removeprefix("/v1/health/service/"))
        query = parse_qs(url.query, keep_blank_values=True)
        unsupported = set(query) - {"passing", "index", "wait"}
        if unsupported:
            self._send(HTTPStatus.BAD_REQUEST, f"unsupported by this test double: {sorted(unsupported)}".encode())
            return
        try:
            passing = query.get("passing", ["false"])[-1].lower() in ("", "1", "true")
            index = int(query["index"][-1]) if "index" in query else None
            wait_s = min(parse_duration(query["wait"][-1]), _MAX_WAIT_S) if "wait" in query else _DEFAULT_WAIT_S
        except ValueError as exc:
            self._send(HTTPStatus.BAD_REQUEST, str(exc).encode())
            return
        current, entries = self.consul.health_service(name, passing=passing, index=index, wait_s=wait_s)
        self._send(
            HTTPStatus.OK,
            json.dumps(entries).encode(),
            {"Content-Type": "application/json", "X-Consul-Index": str(current)},
        )

    def _send(self, status: HTTPStatus, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        pass
