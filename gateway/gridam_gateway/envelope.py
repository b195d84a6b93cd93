"""The response envelope of the web API (docs/web-api.md §0.2): timestamp, success, code,
message, result."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import orjson
from google.protobuf.timestamp_pb2 import Timestamp
from starlette.responses import Response

KST = datetime.timezone(datetime.timedelta(hours=9))


def local_time(stamp: Timestamp) -> str:
    """A protobuf Timestamp as Korean local time with its offset (§0.5, decision 17):
    2026-12-07T12:21:34+09:00, so a browser in any time zone reads the right instant."""
    # From the whole seconds: what Timestamp.ToDatetime and astimezone give, in less time.
    return datetime.datetime.fromtimestamp(stamp.seconds, KST).isoformat(timespec="seconds")


def _now() -> str:
    """Korean wall-clock time to the second, with its offset (decision 17)."""
    return datetime.datetime.now(KST).isoformat(timespec="seconds")


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def envelope(result: Any = None, message: str = "요청이 성공했습니다.", code: str = "COMMON200") -> dict[str, Any]:
    return {"timestamp": _now(), "success": True, "code": code, "message": message, "result": result}


def ok(result: Any = None, message: str = "요청이 성공했습니다.", code: str = "COMMON200") -> JsonResponse:
    return JsonResponse(envelope(result, message, code))


def failure(status: int, code: str, message: str, result: Any = None, headers: Mapping[str, str] | None = None) -> JsonResponse:
    body = {"timestamp": _now(), "success": False, "code": code, "message": message, "result": result}
    return JsonResponse(body, status_code=status, headers=headers)
