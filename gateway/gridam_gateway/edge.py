"""ASGI middleware at the very edge: request id, body-size limit, access log and HTTP RED
metrics. Written as plain ASGI (not BaseHTTPMiddleware) because it runs on every request."""

from __future__ import annotations

import logging
import time

from prometheus_client import Counter, Histogram

from gridam_gateway.errors import BodyTooLarge, api_error_response
from gridam_runtime import context

log = logging.getLogger("gridam.http")

REQUESTS = Counter("http_server_requests_total", "HTTP requests served.", ["method", "route", "status"])
LATENCY = Histogram(
    "http_server_request_duration_seconds",
    "Time to serve an HTTP request.",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class EdgeMiddleware:
    def __init__(self, app, *, max_json_bytes: int, max_upload_bytes: int, access_log: bool) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_upload_bytes = max_upload_bytes
        self.access_log = access_log
        # (method, route, status) -> its counter and histogram children, so the label lookups
        # (a lock and a tuple each in prometheus_client) happen once per combination.
        self._metrics: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        request_id = headers.get(b"x-request-id", b"").decode("latin-1")[:64] or context.new_request_id()
        context.request_id.set(request_id)
        context.bearer_token.set(None)
        begin = time.perf_counter()
        status = 500
        started = False

        async def send_with_id(message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", []), (b"x-request-id", request_id.encode("latin-1"))]
            await send(message)

        limit = (
            self.max_upload_bytes
            if headers.get(b"content-type", b"").startswith(b"multipart/form-data")
            else self.max_json_bytes
        )
        length = headers.get(b"content-length")
        try:
            if length is not None and (not length.isdigit() or int(length) > limit):
                raise BodyTooLarge
            received = 0

            async def limited_receive():
                nonlocal received
                message = await receive()
                if message["type"] == "http.request":
                    received += len(message.get("body", b""))
                    if received > limit:  # chunked bodies have no Content-Length to check up front
                        raise BodyTooLarge
                return message

            await self.app(scope, limited_receive, send_with_id)
        except BodyTooLarge:
            if started:
                raise
            await api_error_response("COMMON4131")(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - begin
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            children = self._metrics.get((method, route, status))
            if children is None:
                children = self._metrics[method, route, status] = (
                    REQUESTS.labels(method, route, str(status)),
                    LATENCY.labels(method, route),
                )
            children[0].inc()
            children[1].observe(elapsed)
            if self.access_log and log.isEnabledFor(logging.INFO):
                log.info(
                    "http",
                    extra={
                        "http.method": method,
                        "http.route": route,
                        "http.status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                    },
                )
