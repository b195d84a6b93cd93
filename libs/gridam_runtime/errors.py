"""Domain errors shared by every service.

A service raises one of these; the server interceptor turns it into a gRPC status whose
details carry a `google.rpc.ErrorInfo` with `reason` = the error code of the web API
(e.g. "AUTH4001"). The gateway maps that reason to an HTTP status and a Korean message
in one table (gridam_gateway.errors), so services never speak HTTP or Korean.
The `detail` text is for logs and other services, never shown to end users.
"""

from __future__ import annotations

import grpc
from google.rpc import error_details_pb2, status_pb2

ERROR_DOMAIN = "gridam.app"
STATUS_DETAILS_KEY = "grpc-status-details-bin"

# The reasons a callee gives about the user's own request, asked with the user's token: the
# object they named is not there or not theirs. Only these pass through the calling service
# unchanged (interceptors.py); any other error of a callee (a refused token, a malformed internal
# request, a rate limit of the callee's) is the caller's failure, not the user's. A new call
# between services whose answer the user must see adds its reason here.
USER_REQUEST_REASONS = frozenset({
    "DIARY4041",  # the card service asking the diary service about the caller's diary
    "DIARY4042",
    "EMOTIONCARD4041",  # the diary service asking the card service about the card to post
    "EMOTION4041",
    "FEED4041",
    "USER4041",
})


class DomainError(Exception):
    """An expected failure with a stable reason code."""

    status_code: grpc.StatusCode = grpc.StatusCode.FAILED_PRECONDITION

    def __init__(self, reason: str, detail: str = "", *, retry_after_seconds: int | None = None) -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail or reason
        self.retry_after_seconds = retry_after_seconds


class InvalidArgument(DomainError):
    status_code = grpc.StatusCode.INVALID_ARGUMENT


class NotFound(DomainError):
    status_code = grpc.StatusCode.NOT_FOUND


class AlreadyExists(DomainError):
    status_code = grpc.StatusCode.ALREADY_EXISTS


class PermissionDenied(DomainError):
    status_code = grpc.StatusCode.PERMISSION_DENIED


class Unauthenticated(DomainError):
    status_code = grpc.StatusCode.UNAUTHENTICATED


class Aborted(DomainError):
    status_code = grpc.StatusCode.ABORTED


class ResourceExhausted(DomainError):
    status_code = grpc.StatusCode.RESOURCE_EXHAUSTED


class FailedPrecondition(DomainError):
    status_code = grpc.StatusCode.FAILED_PRECONDITION


class Unavailable(DomainError):
    status_code = grpc.StatusCode.UNAVAILABLE


def to_status_details(error: DomainError) -> bytes:
    """Serialized google.rpc.Status for the `grpc-status-details-bin` trailer."""
    info = error_details_pb2.ErrorInfo(reason=error.reason, domain=ERROR_DOMAIN)
    if error.retry_after_seconds is not None:
        info.metadata["retry_after_seconds"] = str(error.retry_after_seconds)
    status = status_pb2.Status(code=error.status_code.value[0], message=error.detail)
    status.details.add().Pack(info)
    return status.SerializeToString()


class CalleeError(grpc.aio.AioRpcError):
    """A failed outgoing call (clients.py), naming the callee for the log: "gridam-diary/GetDiary"."""

    def __init__(self, error: grpc.aio.AioRpcError, callee: str) -> None:
        super().__init__(
            error.code(),
            error.initial_metadata(),
            error.trailing_metadata(),
            error.details(),
            error.debug_error_string(),
        )
        self.callee = callee


def error_info(call: grpc.aio.AioRpcError) -> error_details_pb2.ErrorInfo | None:
    """The ErrorInfo a GriDam service attached to a failed call, if any."""
    for key, value in call.trailing_metadata() or ():
        if key == STATUS_DETAILS_KEY and isinstance(value, bytes):  # a "-bin" key's value is bytes
            status = status_pb2.Status.FromString(value)
            for detail in status.details:
                info = error_details_pb2.ErrorInfo()
                if detail.Unpack(info) and info.domain == ERROR_DOMAIN:  # False: another type of detail
                    return info
    return None
