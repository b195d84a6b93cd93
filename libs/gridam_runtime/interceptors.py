"""The one server call chain every service runs, in this order:

1. request id   - taken from `x-request-id` metadata or created, kept in a context variable;
2. identity     - the caller's bearer token is kept for `Authenticator` and forwarded on
                  outgoing calls;
3. deadline     - the caller's deadline is kept so outgoing calls never outlive it;
4. access       - the caller is checked against the method's access option (access.py)
                  before the handler runs;
5. bounds       - the request is checked against its message's buf.validate rules
                  (validation.py): INVALID_ARGUMENT with the field's reason before the
                  handler runs;
6. errors       - DomainError -> its status code plus an ErrorInfo with the reason code;
                  a failed outgoing call -> passed on unchanged only when its reason is about
                  the user's own request (errors.USER_REQUEST_REASONS); otherwise UNAVAILABLE
                  (a dependency down, slow or full) or INTERNAL (a fault between services),
                  the callee named in the log, never in the answer;
                  anything else -> INTERNAL with an error id, the traceback only in the log;
7. RED metrics  - started / handled{code} counters and a latency histogram per method;
8. access log   - one JSON line per call (method, code, duration, request id).

The chain wraps each unary-unary method handler once, when the service registers it
(`HandlerChain.registrar(server)` stands in for the server during registration), rather
than as a grpc.aio ServerInterceptor, which gRPC runs as extra coroutines on every call.
Registration reads each method's access rule, so a method without one stops the server
before it listens, and its request's bounds, so a message without any costs nothing per call. Streaming methods (health Watch) pass through untouched: only gRPC's
own, public, services have any.
"""

from __future__ import annotations

import errno
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, cast

import grpc
import redis.exceptions
import sqlalchemy.exc
from prometheus_client import Counter, Histogram

from gridam_runtime import context
from gridam_runtime.errors import STATUS_DETAILS_KEY, USER_REQUEST_REASONS, CalleeError, DomainError, error_info, to_status_details

if TYPE_CHECKING:
    from gridam_runtime.access import Rule
    from gridam_runtime.auth import Authenticator
    from gridam_runtime.validation import RequestRules

log = logging.getLogger("gridam.rpc")

# Redis or the database unreachable, or the connection lost mid-call (a restart, a failover), or the
# media store full: the call may succeed when tried again, so UNAVAILABLE (the gateway's 503), not
# INTERNAL (a bug, 500).
STORE_UNREACHABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, sqlalchemy.exc.OperationalError)
STORE_FULL = (errno.ENOSPC, errno.EDQUOT)


def store_unavailable(exc: Exception) -> bool:
    return isinstance(exc, STORE_UNREACHABLE) or (isinstance(exc, OSError) and exc.errno in STORE_FULL)

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

# A callee's failure the caller may try again later, or another instance may not have.
TRANSIENT = frozenset(
    {grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.RESOURCE_EXHAUSTED}
)
Trailers = tuple[tuple[str, str | bytes], ...]

Behavior = Callable[[Any, grpc.aio.ServicerContext[Any, Any]], Awaitable[Any]]


class HandlerRegistry(Protocol):
    """What a generated `add_*Servicer_to_server` function calls on the server it is given: a
    grpc.aio.Server, or the chain's registrar standing in for one."""

    def add_registered_method_handlers(
        self, service_name: str, handlers: Mapping[str, grpc.RpcMethodHandler[Any, Any]], /
    ) -> None: ...

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler], /) -> None: ...


def callee_failure(error: grpc.aio.AioRpcError, method: str) -> tuple[grpc.StatusCode, str, Trailers]:
    """What the method `method` answers when a call it made failed with `error`: (code, details,
    trailing metadata). The callee's own status only when its reason is about the user's own
    request (their object is not there, or not theirs); any other failure of a callee is this
    method's, not the user's: UNAVAILABLE when transient, else INTERNAL, logged with the callee."""
    info = error_info(error)
    if info is not None and info.reason in USER_REQUEST_REASONS:
        details = tuple((k, v) for k, v in error.trailing_metadata() or () if k == STATUS_DETAILS_KEY)
        return error.code(), error.details() or "", details
    callee = error.callee if isinstance(error, CalleeError) else "unknown"
    facts = {"rpc.method": method, "callee": callee, "callee.code": error.code().name,
             "callee.reason": info.reason if info is not None else "", "detail": (error.details() or "")[:300]}
    if error.code() in TRANSIENT:
        log.warning("callee unavailable", extra=facts)
        return grpc.StatusCode.UNAVAILABLE, "a service this one needs is unavailable", ()
    error_id = uuid.uuid4().hex[:12]
    log.error("callee failed", extra={**facts, "error_id": error_id})
    return grpc.StatusCode.INTERNAL, f"internal error (id {error_id})", ()


class HandlerChain:
    def __init__(self, *, access_log: bool = True) -> None:
        self._access_log = access_log
        self.rules: list[Rule] = []  # of every method registered, for the authenticator's keys
        self.authenticator: Authenticator | None = None  # set once registration is over (server.py)

    @property
    def service_callers(self) -> frozenset[str]:
        """Every service whose tokens some registered method accepts."""
        return frozenset().union(*(rule.services for rule in self.rules))

    @property
    def takes_user_tokens(self) -> bool:
        return any(rule.takes_user_tokens for rule in self.rules)

    def registrar(self, server: grpc.aio.Server) -> _Registrar:
        """What to pass to an `add_*Servicer_to_server` function instead of the server."""
        return _Registrar(server, self)

    def wrap(self, method: str, handler: grpc.RpcMethodHandler[Any, Any]) -> grpc.RpcMethodHandler[Any, Any]:
        """`handler` of the full method name `method` ("/package.Service/Method") with the chain;
        access.MissingAccess when the method declares no access rule."""
        # Imported when a service registers, not with this module: the CDC processes load the
        # runtime's server through the shared command line, but never serve, and their image has
        # neither the generated protos nor the token libraries.
        from gridam_runtime import access, validation

        rule = access.rule_for(method)
        if handler.unary_unary is None:
            if rule != access.ANYONE:
                raise access.MissingAccess(f"{method}: the call chain checks access on unary methods only")
            return handler
        self.rules.append(rule)
        # A grpc.aio server's handlers are coroutine functions of an aio ServicerContext; the stubs'
        # RpcMethodHandler, shared with the threaded server, types them as the synchronous kind.
        behavior = cast(Behavior, handler.unary_unary)
        return grpc.unary_unary_rpc_method_handler(
            self._wrap(method, behavior, None if rule == access.ANYONE else rule, validation.rules_for(method)),
            request_deserializer=handler.request_deserializer,
            response_serializer=handler.response_serializer,
        )

    def _wrap(self, method: str, behavior: Behavior, rule: Rule | None, bounds: RequestRules | None) -> Behavior:
        service_name, _, method_name = method.lstrip("/").rpartition("/")
        started = STARTED.labels(service_name, method_name)
        latency = LATENCY.labels(service_name, method_name)
        handled: dict[grpc.StatusCode, Any] = {}  # code -> counter child, filled on first use
        access_log = self._access_log
        request_id_header, authorization_header = context.REQUEST_ID_HEADER, context.AUTHORIZATION_HEADER
        set_request_id, set_token, set_deadline = context.request_id.set, context.bearer_token.set, context.deadline.set
        clock, monotonic, ok = time.perf_counter, time.monotonic, grpc.StatusCode.OK

        async def handle(request: Any, ctx: grpc.aio.ServicerContext[Any, Any]) -> Any:
            request_id = auth = None
            for key, value in ctx.invocation_metadata() or ():
                # Both are text headers (a value is bytes only under a "-bin" key).
                if key == request_id_header and isinstance(value, str):
                    request_id = value
                elif key == authorization_header and isinstance(value, str):
                    auth = value
            set_request_id(request_id or context.new_request_id())
            set_token(auth[7:] if auth and auth[:7].lower() == "bearer " else None)
            remaining = ctx.time_remaining()
            set_deadline(monotonic() + remaining if remaining is not None and remaining < _NO_DEADLINE_THRESHOLD else None)
            started.inc()
            begin = clock()
            code = ok
            try:
                if rule is not None:
                    # From memory (verified tokens and revocations are kept), so on the event loop.
                    rule.admit(self.authenticator)
                if bounds is not None:  # after access: a caller not let in learns nothing of the bounds
                    bounds.check(request)
                return await behavior(request, ctx)
            except DomainError as exc:
                code = exc.status_code
                await ctx.abort(code, exc.detail, trailing_metadata=((STATUS_DETAILS_KEY, to_status_details(exc)),))
            except grpc.aio.AbortError:
                code = ctx.code() or grpc.StatusCode.UNKNOWN
                raise
            except grpc.aio.AioRpcError as exc:  # a call this method made failed
                code, details, trailers = callee_failure(exc, method)
                await ctx.abort(code, details, trailing_metadata=trailers)
            except Exception as exc:
                if store_unavailable(exc):
                    code = grpc.StatusCode.UNAVAILABLE
                    log.warning("store unavailable", extra={"rpc.method": method, "error": f"{type(exc).__name__}: {exc}"[:300]})
                    await ctx.abort(code, "a store this service needs is unreachable or full")
                code = grpc.StatusCode.INTERNAL
                error_id = uuid.uuid4().hex[:12]
                log.exception("unhandled error", extra={"rpc.method": method, "error_id": error_id})
                await ctx.abort(code, f"internal error (id {error_id})")
            finally:
                elapsed = clock() - begin
                latency.observe(elapsed)
                counter = handled.get(code)
                if counter is None:
                    counter = handled[code] = HANDLED.labels(service_name, method_name, code.name)
                counter.inc()
                if access_log and log.isEnabledFor(logging.INFO):
                    log.info(
                        "rpc",
                        extra={"rpc.method": method, "rpc.code": code.name, "duration_ms": round(elapsed * 1000, 2)},
                    )

        return handle


class _Registrar:
    """Passes a service's handlers on to the server, each wrapped by the chain."""

    def __init__(self, server: grpc.aio.Server, chain: HandlerChain) -> None:
        self._server = server
        self._chain = chain

    def add_registered_method_handlers(
        self, service_name: str, handlers: Mapping[str, grpc.RpcMethodHandler[Any, Any]]
    ) -> None:
        self._server.add_registered_method_handlers(
            service_name,
            {name: self._chain.wrap(f"/{service_name}/{name}", handler) for name, handler in handlers.items()},
        )

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        """Not passed on. Generated code registers each service both ways, and the server serves
        the registered methods (to every client, by their path); a generic handler names its
        methods only when called, too late to check at registration that each has an access rule."""
