"""Every failure becomes an HTTP status + envelope code + Korean message here, in one place.

Services attach a reason code (google.rpc.ErrorInfo) to their errors; REASONS gives its
HTTP status and message. Errors without a known reason fall back on their gRPC status.
No stack trace, exception name or SQL ever reaches a client.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

import grpc
from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from gridam_gateway.envelope import JsonResponse, failure
from gridam_runtime.errors import CalleeError, error_info

log = logging.getLogger("gridam.gateway")

INTERNAL_MESSAGE = "서버 에러, 관리자에게 문의 바랍니다."

REASONS: dict[str, tuple[int, str]] = {
    # authentication
    "AUTH4001": (400, "아이디 또는 비밀번호가 올바르지 않습니다."),
    "AUTH4011": (401, "인증이 필요합니다. 다시 로그인해주세요."),
    "AUTH4012": (401, "로그인이 만료되었습니다. 다시 로그인해주세요."),
    "AUTH4013": (401, "보안을 위해 로그아웃되었습니다. 다시 로그인해주세요."),
    "AUTH4291": (429, "로그인 시도가 너무 많습니다. 잠시 후 다시 시도해주세요."),
    # phone verification
    "SMS4001": (400, "휴대폰 번호 형식이 올바르지 않습니다."),
    "SMS4002": (400, "인증번호가 일치하지 않습니다."),
    "SMS4003": (400, "인증번호가 만료되었거나 요청되지 않았습니다. 인증번호를 다시 받아주세요."),
    "SMS4291": (429, "인증 시도 횟수를 초과했습니다. 인증번호를 다시 받아주세요."),
    "SMS4292": (429, "인증번호를 너무 자주 요청했습니다. 잠시 후 다시 시도해주세요."),
    "SMS4293": (429, "오늘 받을 수 있는 인증번호 횟수를 초과했습니다."),
    "SMS4294": (429, "같은 곳에서 인증번호를 너무 많이 요청했습니다. 잠시 후 다시 시도해주세요."),
    "SMS5021": (502, "인증번호 문자를 보낼 수 없습니다. 잠시 후 다시 시도하거나 고객센터에 문의해주세요."),
    "SMS5031": (503, "인증번호 문자를 보내지 못했습니다. 잠시 후 다시 시도해주세요."),
    # users
    "USER4001": (400, "아이디는 영문 소문자, 숫자, '_', '.'로 4~20자여야 합니다."),
    "USER4002": (400, "비밀번호는 영문과 숫자를 포함해 8~64자여야 합니다."),
    "USER4003": (400, "닉네임은 1~20자여야 합니다."),
    "USER4004": (400, "소개는 150자 이하여야 합니다."),
    "USER4005": (400, "비밀번호 확인이 일치하지 않습니다."),
    "USER4006": (400, "휴대폰 인증이 필요합니다. 인증 후 10분 안에 가입해주세요."),
    "USER4007": (400, "현재 비밀번호가 올바르지 않습니다."),
    "USER4008": (400, "보안을 위해 다시 로그인한 뒤 탈퇴해주세요."),
    "USER4041": (404, "사용자를 찾을 수 없습니다."),
    "USER4091": (409, "이미 사용 중인 아이디입니다."),
    "USER4092": (409, "이미 가입된 휴대폰 번호입니다."),
    "USER4291": (429, "같은 곳에서 회원가입을 너무 많이 시도했습니다. 잠시 후 다시 시도해주세요."),
    "USER4292": (429, "이 휴대폰 번호로 회원가입을 너무 많이 시도했습니다. 잠시 후 다시 시도해주세요."),
    "USER4293": (429, "비밀번호 변경 시도가 너무 많습니다. 잠시 후 다시 시도해주세요."),
    # follows
    "FOLLOW4001": (400, "자기 자신은 팔로우할 수 없습니다."),
    "FOLLOW4291": (429, "팔로우를 너무 자주 바꿨습니다. 잠시 후 다시 시도해주세요."),
    # images
    "IMAGE4001": (400, "이미지 파일이 아니거나 손상된 파일입니다. JPEG, PNG, WEBP, GIF만 올릴 수 있습니다."),
    "IMAGE4002": (400, "이미지 파일이 필요합니다."),
    "IMAGE4131": (413, "이미지는 10MB 이하만 올릴 수 있습니다."),
    "IMAGE4031": (403, "이미지 주소가 만료되었거나 올바르지 않습니다."),
    "IMAGE4041": (404, "이미지를 찾을 수 없습니다."),
    "IMAGE4291": (429, "이미지를 너무 자주 올렸습니다. 잠시 후 다시 시도해주세요."),
    # social login
    "OAUTH4001": (400, "지원하지 않는 소셜 로그인입니다."),
    "OAUTH4002": (400, "로그인 요청이 만료되었거나 올바르지 않습니다. 다시 시도해주세요."),
    "OAUTH4003": (400, "소셜 로그인 인증에 실패했습니다. 다시 시도해주세요."),
    "OAUTH4004": (400, "로그인을 시작한 브라우저에서 다시 시도해주세요."),
    "OAUTH5021": (502, "소셜 로그인 서비스에 연결할 수 없습니다. 잠시 후 다시 시도해주세요."),
    # diaries
    "DIARY4001": (400, "제목은 1~100자로 입력해주세요."),
    "DIARY4002": (400, "내용은 1~5000자로 입력해주세요."),
    "DIARY4003": (400, "날짜는 YYYY-MM-DD 형식이어야 합니다."),
    "DIARY4004": (400, "일기 정보(request)가 필요합니다."),
    "DIARY4005": (400, "일기 정보(request)는 제목(title)과 내용(content)을 담은 JSON이어야 합니다."),
    "DIARY4006": (400, "일기 ID가 올바르지 않습니다."),
    "DIARY4007": (400, "검색어는 1~100자로 입력해주세요."),
    "DIARY4041": (404, "일기를 찾을 수 없습니다."),
    "DIARY4042": (404, "해당 날짜에 작성된 일기가 없습니다."),
    "DIARY4291": (429, "일기를 너무 많이 작성했습니다. 잠시 후 다시 시도해주세요."),
    # feed
    "FEED4001": (400, "피드 내용은 500자 이하로 입력해주세요."),
    "FEED4002": (400, "공개 범위는 PUBLIC, FOLLOWERS, PRIVATE 중 하나여야 합니다."),
    "FEED4003": (400, "반응은 좋아요, 공감해요, 슬퍼요, 힘내요 중 하나여야 합니다."),
    "FEED4004": (400, "댓글은 1자 이상 500자 이하로 입력해주세요."),
    "FEED4005": (400, "답글을 달 댓글이 이 피드에 없습니다."),
    "FEED4006": (400, "이 피드에는 더 이상 댓글을 달 수 없습니다."),
    "FEED4007": (400, "마음이 힘든 날의 카드예요. 정말 공유하려면 한 번 더 확인해 주세요."),
    "FEED4008": (400, "이 피드에 남길 수 있는 댓글 수를 넘었습니다."),
    "FEED4291": (429, "피드를 너무 많이 올렸습니다. 잠시 후 다시 시도해주세요."),
    "FEED4292": (429, "댓글을 너무 많이 남겼습니다. 잠시 후 다시 시도해주세요."),
    "FEED4293": (429, "반응과 좋아요를 너무 자주 눌렀습니다. 잠시 후 다시 시도해주세요."),
    # notifications
    "NOTICE4001": (400, "읽음 처리할 알림을 1개 이상 100개 이하로 지정하거나 all을 true로 보내주세요."),
    "FEED4031": (403, "본인의 피드만 삭제할 수 있습니다."),
    "FEED4041": (404, "존재하지 않는 피드입니다."),
    "FEED4042": (404, "존재하지 않는 피드입니다."),
    "FEED4043": (404, "존재하지 않는 댓글입니다."),
    # emotion cards
    "EMOTIONCARD4001": (404, "아직 감정카드가 생성되지 않았습니다. 잠시 후 다시 확인해주세요."),
    "EMOTIONCARD4031": (403, "이 사용자의 감정 카드는 비공개로 설정되어 있습니다."),
    "EMOTIONCARD4041": (404, "감정 카드를 찾을 수 없습니다."),
    "EMOTIONCARD4002": (404, "감정 카드를 찾을 수 없습니다."),
    "CARD4091": (409, "카드를 동시에 다시 만들고 있습니다. 잠시 후 다시 시도해주세요."),
    "CARD5031": (503, "카드를 그리는 서버가 바쁩니다. 잠시 후 다시 시도해주세요."),
    "CARD4291": (429, "카드를 너무 자주 다시 만들었습니다. 잠시 후 다시 시도해주세요."),
    # emotion analysis, statistics, word clouds
    "EMOTION4001": (400, "분석할 내용이 없습니다."),
    "EMOTION4041": (404, "아직 감정 분석이 완료되지 않았습니다. 잠시 후 다시 확인해주세요."),
    "STAT4001": (400, "연도와 월이 올바르지 않습니다. (월은 1~12, 한 해 전체는 0)"),
    "WORDCLOUD4031": (403, "본인의 워드클라우드만 생성할 수 있습니다."),
    "WORDCLOUD4291": (429, "워드클라우드를 너무 자주 만들었습니다. 잠시 후 다시 시도해주세요."),
    "AUTH4031": (403, "권한이 없습니다."),
    # exports and imports (docs/export-import.md)
    "EXPORT4091": (409, "이미 내보내기가 진행 중입니다. 끝난 뒤 다시 시도해주세요."),
    "EXPORT4041": (404, "내보내기 작업을 찾을 수 없습니다."),
    "IMPORT4001": (400, "ZIP 파일이 아니거나 손상된 파일입니다."),
    "IMPORT4002": (400, "GriDam이나 Day One에서 내보낸 파일이 아닙니다."),
    "IMPORT4003": (400, "지원하지 않는 버전의 내보내기 파일입니다."),
    "IMPORT4004": (400, "내보내기 파일의 내용이 올바르지 않습니다. (UTF-8 JSON이어야 합니다)"),
    "IMPORT4005": (400, "내보내기 파일 속 사진이 올바른 이미지가 아닙니다."),
    "IMPORT4006": (400, "제목이 100자, 내용이 5000자를 넘는 일기는 가져올 수 없습니다."),
    "IMPORT4007": (400, "가져올 ZIP 파일(file)이 필요합니다."),
    "IMPORT4131": (413, "압축을 풀면 너무 커지는 파일입니다."),
    "IMPORT4091": (409, "이미 가져오기가 진행 중입니다. 끝난 뒤 다시 시도해주세요."),
    "IMPORT4041": (404, "가져오기 작업을 찾을 수 없습니다."),
    # requests
    "COMMON4000": (400, "요청 값이 올바르지 않습니다."),
    "COMMON4001": (400, "요청 본문이 올바른 JSON이 아닙니다."),
    "COMMON4002": (400, "페이지 커서가 올바르지 않습니다."),
    "COMMON4005": (400, "파일 업로드 요청(multipart/form-data)의 형식이 올바르지 않습니다."),
    "COMMON4041": (404, "요청한 주소를 찾을 수 없습니다."),
    "COMMON4051": (405, "허용되지 않는 요청 방식입니다."),
    "COMMON4081": (408, "요청을 받는 데 시간이 너무 오래 걸렸습니다. 다시 시도해주세요."),
    "COMMON4131": (413, "요청 본문이 너무 큽니다."),
    "COMMON4151": (415, "지원하지 않는 요청 형식입니다."),
    "COMMON4311": (431, "요청 헤더가 너무 크거나 많습니다."),
}

# Fallbacks by gRPC status when a service error carries no known reason.
STATUS_FALLBACK: dict[grpc.StatusCode, tuple[int, str, str]] = {
    grpc.StatusCode.INVALID_ARGUMENT: (400, "COMMON4000", "요청 값이 올바르지 않습니다."),
    grpc.StatusCode.NOT_FOUND: (404, "COMMON4040", "요청한 대상을 찾을 수 없습니다."),
    grpc.StatusCode.ALREADY_EXISTS: (409, "COMMON4090", "이미 존재합니다."),
    grpc.StatusCode.ABORTED: (409, "COMMON4091", "요청이 충돌했습니다. 다시 시도해주세요."),
    grpc.StatusCode.PERMISSION_DENIED: (403, "COMMON4030", "권한이 없습니다."),
    grpc.StatusCode.UNAUTHENTICATED: (401, "AUTH4011", REASONS["AUTH4011"][1]),
    grpc.StatusCode.RESOURCE_EXHAUSTED: (429, "COMMON4290", "요청이 너무 많습니다. 잠시 후 다시 시도해주세요."),
    grpc.StatusCode.FAILED_PRECONDITION: (400, "COMMON4003", "지금은 처리할 수 없는 요청입니다."),
    grpc.StatusCode.UNAVAILABLE: (503, "COMMON5030", "서비스를 잠시 사용할 수 없습니다. 잠시 후 다시 시도해주세요."),
    grpc.StatusCode.DEADLINE_EXCEEDED: (504, "COMMON5040", "응답 시간이 초과되었습니다. 잠시 후 다시 시도해주세요."),
}


class BodyTooLarge(Exception):
    """Raised by EdgeMiddleware's receive() once a body passes its limit (413 COMMON4131)."""


class ApiError(Exception):
    """An error the gateway itself detects (bad input, missing token, ...)."""

    def __init__(self, code: str, result: object = None) -> None:
        super().__init__(code)
        self.code = code
        self.result = result


def api_error_response(code: str, result: object = None, headers: dict[str, str] | None = None) -> JsonResponse:
    status, message = REASONS[code]
    return failure(status, code, message, result, headers)


def _callee(error: grpc.aio.AioRpcError) -> str:
    return error.callee if isinstance(error, CalleeError) else ""


def rpc_error_response(error: grpc.aio.AioRpcError) -> JsonResponse:
    """A service's failure. A service answers with a callee's status only when it is about the
    user's own request (gridam_runtime.interceptors); a fault between services reaches here as
    UNAVAILABLE (503) or INTERNAL (500), never as a callee's 400 or 401."""
    info = error_info(error)
    headers = None
    if info is not None and info.reason in REASONS:
        retry_after = info.metadata.get("retry_after_seconds")
        headers = {"Retry-After": retry_after} if retry_after else None
        return api_error_response(info.reason, headers=headers)
    fallback = STATUS_FALLBACK.get(error.code())
    if fallback is None:
        error_id = uuid.uuid4().hex[:12]
        log.error("service call failed", extra={
            "rpc.code": error.code().name, "error_id": error_id, "detail": error.details(), "callee": _callee(error),
        })
        return failure(500, "COMMON500", INTERNAL_MESSAGE, f"오류 번호: {error_id}")
    if error.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        log.warning(
            "service call failed",
            extra={"rpc.code": error.code().name, "detail": error.details(), "callee": _callee(error)},
        )
    status, code, message = fallback
    return failure(status, code, message)


def _validation_result(exc: RequestValidationError) -> tuple[str, list[dict[str, str]]]:
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return "COMMON4001", []
    fields = []
    for e in errors:
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path")]
        fields.append({"field": ".".join(loc) or "body", "reason": _korean_reason(e.get("type", ""))})
    return "COMMON4000", fields


def _korean_reason(kind: str) -> str:
    if kind == "missing":
        return "필수 값입니다."
    if kind.endswith("_type") or kind.endswith("_parsing"):
        return "형식이 올바르지 않습니다."
    if "too_long" in kind or "too_short" in kind or "greater" in kind or "less" in kind:
        return "허용 범위를 벗어났습니다."
    return "값이 올바르지 않습니다."


async def _api_error(_: Request, exc: ApiError) -> JsonResponse:
    return api_error_response(exc.code, exc.result)


async def _rpc_error(_: Request, exc: grpc.aio.AioRpcError) -> JsonResponse:
    return rpc_error_response(exc)


async def _validation_error(_: Request, exc: RequestValidationError) -> JsonResponse:
    code, fields = _validation_result(exc)
    return api_error_response(code, fields or None)


async def _client_gone(_: Request, exc: ClientDisconnect) -> JsonResponse:
    # The client left, or was cut off as too slow (http_protocol.py), while sending its
    # body: nothing went wrong here, and no one reads this answer.
    return api_error_response("COMMON4081")


async def _body_too_large(_: Request, exc: BodyTooLarge) -> JsonResponse:
    return api_error_response("COMMON4131")


async def _http_error(_: Request, exc: HTTPException) -> JsonResponse:
    # FastAPI raises a bare 400 when a body cannot be read or decoded at all: a chunked body
    # past the limit (EdgeMiddleware raised inside FastAPI's read), invalid UTF-8. (Multipart
    # bodies are read by uploads.read_form, which answers COMMON4005 itself.)
    if isinstance(exc.__cause__, BodyTooLarge):
        return api_error_response("COMMON4131")
    code = {400: "COMMON4001", 404: "COMMON4041", 405: "COMMON4051"}.get(exc.status_code)
    if code is None:
        return failure(exc.status_code, f"COMMON{exc.status_code}0", "요청을 처리할 수 없습니다.", headers=exc.headers)
    return api_error_response(code)


async def _unexpected(_: Request, exc: Exception) -> JsonResponse:
    error_id = uuid.uuid4().hex[:12]
    log.error("unhandled error", exc_info=exc, extra={"error_id": error_id})
    return failure(500, "COMMON500", INTERNAL_MESSAGE, f"오류 번호: {error_id}")


# Starlette's type for an exception handler: one that takes any exception.
Handler = Callable[[Request, Exception], Awaitable[Response]]
E = TypeVar("E", bound=Exception)


def _handling(kind: type[E], handle: Callable[[Request, E], Awaitable[Response]]) -> tuple[type[Exception], Handler]:
    """`kind` and its handler `handle`, as a handler of any exception. Starlette (and error_response)
    call the handler of a class only with an instance of it, so `handle` always gets an `E`."""

    async def handler(request: Request, exc: Exception) -> Response:
        if not isinstance(exc, kind):
            raise TypeError(f"the handler of {kind.__name__} was given {type(exc).__name__}") from exc
        return await handle(request, exc)

    return kind, handler


HANDLERS: dict[type[Exception], Handler] = dict(
    [
        _handling(ApiError, _api_error),
        _handling(grpc.aio.AioRpcError, _rpc_error),
        _handling(RequestValidationError, _validation_error),
        _handling(ClientDisconnect, _client_gone),
        _handling(BodyTooLarge, _body_too_large),
        _handling(HTTPException, _http_error),
        _handling(Exception, _unexpected),
    ]
)


async def error_response(request: Request, exc: Exception) -> Response:
    """The answer the app's handlers give `exc` (the most specific handler of its class)."""
    handler = next(
        HANDLERS[kind] for kind in type(exc).__mro__ if issubclass(kind, Exception) and kind in HANDLERS
    )
    return await handler(request, exc)


class ScreenMessageRoute(APIRoute):
    """Decision 15: the sign-up screens show `message` only from an HTTP 200 answer, so their
    routes answer every client error (4xx: bad input, a wrong code, a rate limit with its
    Retry-After) with HTTP 200 and the same envelope (`success: false`, code, Korean message).
    Server faults keep their status."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as exc:  # noqa: BLE001 - mapped exactly as the app's handlers do
                response = await error_response(request, exc)
            if 400 <= response.status_code < 500:
                response.status_code = 200
            return response

        return answer


def install(app: FastAPI) -> None:
    for kind, handler in HANDLERS.items():
        app.add_exception_handler(kind, handler)
