"""ASGI middleware at the very edge: request id, security headers, body-size limit, access log
and HTTP RED metrics. Written as plain ASGI (not BaseHTTPMiddleware) because it runs on every
request."""

from __future__ import annotations

import logging
import re
import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

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


# A client's X-Request-Id is kept only when it looks like one (ids made here, UUIDs, trace ids):
# it goes into every service's gRPC metadata and logs, and gRPC refuses non-ASCII or a tab.
REQUEST_ID = re.compile(rb"[0-9A-Za-z._:-]{1,64}")

# On every response that does not set them itself. Cache-Control: API answers (tokens, diaries)
# are never stored by a browser or a proxy; signed images keep their own (private, max-age).
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-store"),
)


class EdgeMiddleware:
    def __init__(
        self, app: ASGIApp, *, max_json_bytes: int, max_upload_bytes: int, access_log: bool, large_uploads: dict[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_json_bytes = max_json_bytes
        self.max_upload_bytes = max_upload_bytes
        # Paths whose multipart bodies are streamed through rather than held: their own limits.
        self.large_uploads = large_uploads or {}
        self.access_log = access_log
        # (method, route, status) -> its counter and histogram children, so the label lookups
        # (a lock and a tuple each in prometheus_client) happen once per combination.
        self._metrics: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        given_id = headers.get(b"x-request-id", b"")
        request_id = given_id.decode("ascii") if REQUEST_ID.fullmatch(given_id) else context.new_request_id()
        context.request_id.set(request_id)
        context.bearer_token.set(None)
        begin = time.perf_counter()
        status = 500
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                started = True
                status = message["status"]
                sent = message.get("headers", [])
                present = {name for name, _ in sent}
                added = [header for header in SECURITY_HEADERS if header[0] not in present]
                message["headers"] = [*sent, (b"x-request-id", request_id.encode("ascii")), *added]
            await send(message)

        limit = (
            self.large_uploads.get(scope["path"], self.max_upload_bytes)
            if headers.get(b"content-type", b"").startswith(b"multipart/form-data")
            else self.max_json_bytes
        )
        length = headers.get(b"content-length")
        try:
            if length is not None and (not length.isdigit() or int(length) > limit):
                raise BodyTooLarge
            received = 0

            async def limited_receive() -> Message:
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
