"""Authentication endpoints (docs/web-api.md §1, decisions 1, 2, 8, 10, 15)."""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import PlainTextResponse

from gridam.user.v1 import user_service_pb2 as pb
from gridam_gateway.envelope import JsonResponse, envelope, ok
from gridam_gateway.errors import ApiError, ScreenMessageRoute
from gridam_gateway.schemas import LoginBody, ReissueBody, SignUpBody, SmsSendBody, SmsVerifyBody
from gridam_gateway.security import current_user
from gridam_runtime.context import Identity

router = APIRouter(prefix="/api/auth", tags=["auth"])
# The phone-verification and sign-up screens: client errors come back as HTTP 200 (decision 15).
sign_up_router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=ScreenMessageRoute)

PROVIDERS: dict[str, pb.OAuthProvider] = {"kakao": pb.O_AUTH_PROVIDER_KAKAO, "naver": pb.O_AUTH_PROVIDER_NAVER}
# Password hashing makes these slower than other calls.
LOGIN_TIMEOUT = 10.0
# The cookie holding the secret a social login's state is bound to.
OAUTH_BINDING_COOKIE = "gridam_oauth_binding"


def _tokens(pair: pb.TokenPair) -> dict[str, str]:
    return {"accessToken": pair.access_token, "refreshToken": pair.refresh_token}


def _provider(name: str) -> pb.OAuthProvider:
    if name not in PROVIDERS:
        raise ApiError("OAUTH4001")
    return PROVIDERS[name]


def _binding_cookie(request: Request) -> tuple[str, str, bool]:
    """Name, path and Secure flag of the browser-binding cookie. Over HTTPS a `__Host-` cookie
    (Secure, path /, no domain): no sibling subdomain or plain-HTTP response can plant one, so no
    one can put a binding of their own into a victim's browser."""
    if request.url.scheme == "https":
        return f"__Host-{OAUTH_BINDING_COOKIE}", "/", True
    return OAUTH_BINDING_COOKIE, "/api/auth/login", False


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


@router.post("/login", summary="아이디/비밀번호 로그인")
async def login(body: LoginBody, request: Request) -> JsonResponse:
    reply = await request.app.state.users.Login(
        pb.LoginRequest(login_id=body.loginId, password=body.password, client_address=_client_address(request)),
        timeout=LOGIN_TIMEOUT,
    )
    return ok(_tokens(reply.tokens), "로그인에 성공했습니다.")


@router.post("/logout", summary="로그아웃 (현재 세션 폐기)")
async def logout(request: Request, _: Identity = Depends(current_user)) -> JsonResponse:
    await request.app.state.users.Logout(pb.LogoutRequest())
    return ok(None, "로그아웃되었습니다.")


@router.post("/reissue", summary="토큰 재발급 (리프레시 토큰 회전)")
async def reissue(body: ReissueBody, request: Request) -> JsonResponse:
    # The bearer, possibly expired, is ignored: the refresh token decides (decision 1).
    reply = await request.app.state.users.ReissueTokens(pb.ReissueTokensRequest(refresh_token=body.refreshToken))
    tokens = _tokens(reply.tokens)
    return JsonResponse({**envelope(tokens, "토큰이 재발급되었습니다."), **tokens})


@router.get("/login/uri/{provider}", summary="소셜 로그인 주소 (text/plain)", response_class=PlainTextResponse)
async def oauth_uri(provider: str, request: Request) -> PlainTextResponse:
    # The browser starting the login keeps a secret (an HttpOnly cookie) its state is bound to:
    # only that browser can complete the login (a callback link carrying someone else's code and
    # state logs no one in). The web client calls the API on its own site, so the cookie is sent.
    binding = secrets.token_urlsafe(32)
    reply = await request.app.state.users.GetOAuthAuthorizationUrl(
        pb.GetOAuthAuthorizationUrlRequest(provider=_provider(provider), browser_binding=binding)
    )
    response = PlainTextResponse(reply.url)
    name, path, secure = _binding_cookie(request)
    response.set_cookie(name, binding, path=path, secure=secure, httponly=True, samesite="lax")
    return response


@router.get("/login/{provider}", summary="소셜 로그인 콜백 처리")
async def oauth_login(
    provider: str, request: Request, code: str = Query(max_length=2048), state: str = Query(max_length=512)
) -> JsonResponse:
    reply = await request.app.state.users.OAuthLogin(
        pb.OAuthLoginRequest(
            provider=_provider(provider),
            code=code,
            state=state,
            client_address=_client_address(request),
            browser_binding=request.cookies.get(_binding_cookie(request)[0], ""),
        ),
        timeout=LOGIN_TIMEOUT,
    )
    return ok(_tokens(reply.tokens), "로그인되었습니다.")


@sign_up_router.post("/sms/send", summary="휴대폰 인증번호 발송")
async def sms_send(body: SmsSendBody, request: Request) -> JsonResponse:
    await request.app.state.users.SendPhoneCode(
        pb.SendPhoneCodeRequest(phone_number=body.phoneNum, client_address=_client_address(request))
    )
    return ok(None, "인증번호가 전송되었습니다.")


@sign_up_router.post("/sms/verify", summary="휴대폰 인증번호 확인")
async def sms_verify(body: SmsVerifyBody, request: Request) -> JsonResponse:
    await request.app.state.users.VerifyPhoneCode(
        pb.VerifyPhoneCodeRequest(phone_number=body.phoneNum, code=body.certificationCode)
    )
    return ok(None, "인증 성공")


@sign_up_router.post("/signup", summary="회원가입 (서버에서 확인한 휴대폰 인증 필요)")
async def signup(body: SignUpBody, request: Request) -> JsonResponse:
    if body.password != body.checkPassword:
        raise ApiError("USER4005")
    if not body.auth:
        raise ApiError("USER4006")
    reply = await request.app.state.users.SignUp(
        pb.SignUpRequest(
            login_id=body.loginId,
            password=body.password,
            nickname=body.nickname,
            phone_number=body.phoneNum,
            client_address=_client_address(request),
        ),
        timeout=LOGIN_TIMEOUT,
    )
    return ok({"userId": reply.profile.user_id, "userName": reply.profile.nickname}, "회원가입에 성공했습니다.")
