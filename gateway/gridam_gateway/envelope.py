"""The response envelope of the web API (docs/web-api.md §0.2): timestamp, success, code,
message, result."""

from __future__ import annotations

import datetime
from typing import Any

import orjson
from starlette.responses import Response

KST = datetime.timezone(datetime.timedelta(hours=9))


def _now() -> str:
    return datetime.datetime.now(KST).replace(tzinfo=None).isoformat(timespec="seconds")


class JsonResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def envelope(result: Any = None, message: str = "요청이 성공했습니다.", code: str = "COMMON200") -> dict[str, Any]:
    return {"timestamp": _now(), "success": True, "code": code, "message": message, "result": result}


def ok(result: Any = None, message: str = "요청이 성공했습니다.", code: str = "COMMON200") -> JsonResponse:
    return JsonResponse(envelope(result, message, code))


def failure(status: int, code: str, message: str, result: Any = None, headers: dict[str, str] | None = None) -> JsonResponse:
    body = {"timestamp": _now(), "success": False, "code": code, "message": message, "result": result}
    return JsonResponse(body, status_code=status, headers=headers)
