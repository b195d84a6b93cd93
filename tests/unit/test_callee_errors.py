"""Errors keep their owner: what a service answers when a call it made failed
(gridam_runtime.interceptors.callee_failure). The callee's status reaches the caller's caller
only when its reason is about the user's own request; anything else is this service's failure:
UNAVAILABLE when it may pass, INTERNAL otherwise, with the callee named in the log only."""

from __future__ import annotations

import logging

import grpc
import pytest

from gridam_runtime.errors import (
    STATUS_DETAILS_KEY,
    USER_REQUEST_REASONS,
    CalleeError,
    DomainError,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
    error_info,
    to_status_details,
)
from gridam_runtime.interceptors import callee_failure

METHOD = "/gridam.card.v1.CardService/GetCardByDiary"
CALLEE = "gridam-diary/GetDiary"


def failed_call(
    error: DomainError | None, code: grpc.StatusCode = grpc.StatusCode.UNAVAILABLE, details: str = ""
) -> CalleeError:
    """A failed call to the diary service as the client raises it: with the callee's ErrorInfo
    (a GriDam service's DomainError) or without (gRPC's own failures: no instance, a deadline)."""
    trailers = grpc.aio.Metadata(*(((STATUS_DETAILS_KEY, to_status_details(error)),) if error else ()))
    status = error.status_code if error else code
    rpc = grpc.aio.AioRpcError(status, grpc.aio.Metadata(), trailers, details=error.detail if error else details)
    return CalleeError(rpc, CALLEE)


def test_a_reason_about_the_users_own_request_passes_unchanged():
    code, details, trailers = callee_failure(failed_call(NotFound("DIARY4041", "no such diary of the caller")), METHOD)
    assert (code, details) == (grpc.StatusCode.NOT_FOUND, "no such diary of the caller")
    passed = grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(*trailers), details=details)
    assert error_info(passed).reason == "DIARY4041"


@pytest.mark.parametrize("error", [
    Unauthenticated("AUTH4011", "invalid service token"),  # a service token (or key) misconfigured
    InvalidArgument("DIARY4003", "date must be YYYY-MM-DD"),  # a bad internal request
    InvalidArgument("EMOTION4001", "empty text"),
    NotFound("CARD4049", "a reason not on the list"),
])
def test_a_callee_refusing_this_services_request_is_an_internal_error(error, caplog):
    with caplog.at_level(logging.ERROR, logger="gridam.rpc"):
        code, details, trailers = callee_failure(failed_call(error), METHOD)
    assert code == grpc.StatusCode.INTERNAL and trailers == ()
    assert details.startswith("internal error (id ") and CALLEE not in details and error.reason not in details
    [record] = caplog.records
    logged = (record.callee, record.__dict__["callee.reason"], record.__dict__["rpc.method"])
    assert logged == (CALLEE, error.reason, METHOD)
    assert record.error_id in details


@pytest.mark.parametrize("failed", [
    failed_call(None, grpc.StatusCode.UNAVAILABLE, "no healthy instance of gridam-diary"),
    failed_call(None, grpc.StatusCode.DEADLINE_EXCEEDED, "Deadline Exceeded"),
    failed_call(ResourceExhausted("IMAGEGEN4291", "image queue full", retry_after_seconds=2)),
    failed_call(Unavailable("CARD5031", "the gpu-worker stayed busy")),
])
def test_a_callee_down_slow_or_full_makes_this_service_unavailable(failed, caplog):
    with caplog.at_level(logging.WARNING, logger="gridam.rpc"):
        code, details, trailers = callee_failure(failed, METHOD)
    assert (code, trailers) == (grpc.StatusCode.UNAVAILABLE, ())
    assert "gridam-diary" not in details
    assert caplog.records[-1].callee == CALLEE


def test_the_passed_on_reasons_are_only_not_found_reasons_of_the_users_objects():
    # Refusals of a caller (AUTH4011, AUTH4031) are never about the user's request once a service
    # has admitted it: the list holds objects that are not there or not theirs.
    assert USER_REQUEST_REASONS.isdisjoint({"AUTH4011", "AUTH4012", "AUTH4013", "AUTH4031"})
    assert all(reason[-4:-1] == "404" for reason in USER_REQUEST_REASONS)  # the web API says 404 for each
