"""The one server interceptor chain every service runs, in this order:

1. request id   - taken from `x-request-id` metadata or created, kept in a context variable;
2. identity     - the caller's bearer token is kept for `Authenticator` and forwarded on
                  outgoing calls (verification happens where a method needs a user);
3. deadline     - the caller's deadline is kept so outgoing calls never outlive it;
4. errors       - DomainError -> its status code plus an ErrorInfo with the reason code;
                  anything else -> INTERNAL with an error id, the traceback only in the log;
5. RED metrics  - started / handled{code} counters and a latency histogram per method;
6. access log   - one JSON line per call (method, code, duration, request id).

Only unary-unary methods are wrapped; streaming ones (health Watch, reflection) pass
through untouched.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import grpc
from prometheus_client import Counter, Histogram

from gridam_runtime import context
from gridam_runtime.errors import STATUS_DETAILS_KEY, DomainError, to_status_details

log = logging.getLogger("gridam.rpc")

STARTED = Counter("grpc_server_started_total", "RPCs started on the server.", ["grpc_service", "grpc_method"])
HANDLED = Counter(
    "grpc_server_handled_total", "RPCs completed on the server.", ["grpc_service", "grpc_method", "grpc_code"]
)
LATENCY = Histogram(
    "grpc_server_handling_seconds",
    "Time to handle an RPC on the server.",
    ["grpc_service", "grpc_method"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)

# time_remaining() of a call without a deadline is huge rather than None (grpc/grpc#9423).
_NO_DEADLINE_THRESHOLD = 10 * 365 * 24 * 3600


class ServerInterceptor(grpc.aio.ServerInterceptor):
    def __init__(self, *, access_log: bool = True) -> None:
        self._access_log = access_log
        self._wrapped: dict[str, grpc.RpcMethodHandler] = {}

    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[grpc.RpcMethodHandler]],
        handler_call_details: grpc.HandlerCallDetails,
    ) -> grpc.RpcMethodHandler:
        method = handler_call_details.method
        wrapped = self._wrapped.get(method)
        if wrapped is not None:
            return wrapped
        handler = await continuation(handler_call_details)
        if handler is None or handler.unary_unary is None:
            return handler
        wrapped = grpc.unary_unary_rpc_method_handler(
            self._wrap(method, handler.unary_unary),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )
        self._wrapped[method] = wrapped
        return wrapped

    def _wrap(self, method: str, behavior: Callable[[Any, grpc.aio.ServicerContext], Awaitable[Any]]):
        service_name, _, method_name = method.lstrip("/").rpartition("/")
        started = STARTED.labels(service_name, method_name)
        latency = LATENCY.labels(service_name, method_name)
        handled = {}  # grpc code name -> counter child, filled lazily

        async def handle(request: Any, ctx: grpc.aio.ServicerContext) -> Any:
            metadata = {m.key: m.value for m in ctx.invocation_metadata() or ()}
            context.request_id.set(metadata.get(context.REQUEST_ID_HEADER) or context.new_request_id())
            auth = metadata.get(context.AUTHORIZATION_HEADER, "")
            context.bearer_token.set(auth[7:] if auth[:7].lower() == "bearer " else None)
            remaining = ctx.time_remaining()
            context.deadline.set(
                time.monotonic() + remaining if remaining is not None and remaining < _NO_DEADLINE_THRESHOLD else None
            )
            started.inc()
            begin = time.perf_counter()
            code = grpc.StatusCode.OK
            try:
                return await behavior(request, ctx)
            except DomainError as exc:
                code = exc.status_code
                await ctx.abort(code, exc.detail, trailing_metadata=((STATUS_DETAILS_KEY, to_status_details(exc)),))
            except grpc.aio.AbortError:
                code = ctx.code() or grpc.StatusCode.UNKNOWN
                raise
            except Exception:
                code = grpc.StatusCode.INTERNAL
                error_id = uuid.uuid4().hex[:12]
                log.exception("unhandled error", extra={"rpc.method": method, "error_id": error_id})
                await ctx.abort(code, f"internal error (id {error_id})")
            finally:
                elapsed = time.perf_counter() - begin
                latency.observe(elapsed)
                counter = handled.get(code.name)
                if counter is None:
                    counter = handled[code.name] = HANDLED.labels(service_name, method_name, code.name)
                counter.inc()
                if self._access_log:
                    log.info(
                        "rpc",
                        extra={"rpc.method": method, "rpc.code": code.name, "duration_ms": round(elapsed * 1000, 2)},
                    )

        return handle
