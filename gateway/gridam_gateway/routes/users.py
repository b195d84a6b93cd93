"""Users, profile and settings endpoints (docs/web-api.md §6, decision 14)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from gridam.user.v1 import user_service_pb2 as pb
from gridam_gateway.envelope import JsonResponse, local_time, ok
from gridam_gateway.errors import ApiError
from gridam_gateway.media import media_url
from gridam_gateway.profiles import forget_own_profile
from gridam_gateway.schemas import AccountDeletionBody, IntroductionBody, NicknameBody, PasswordChangeBody
from gridam_gateway.security import SignedInRoute, authenticate
from gridam_gateway.uploads import read_image_part

router = APIRouter(prefix="/api/users", tags=["users"], route_class=SignedInRoute)

IMAGE_UPLOAD_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["image"],
                    "properties": {"image": {"type": "string", "format": "binary", "description": "JPEG/PNG/WEBP/GIF, 10MB 이하"}},
                }
            }
        },
    }
}


def user_info(request: Request, profile: pb.Profile) -> dict[str, object]:
    return {
        "userId": profile.user_id,
        "profileImgUrl": media_url(request, profile.avatar_key),
        "userName": profile.nickname,
        "introduction": profile.introduction,
        "followerCount": profile.follower_count,
        "followingCount": profile.following_count,
        "diaryCount": profile.diary_count,
    }


@router.get("/profile", summary="내 프로필 (로그인 확인)")
async def my_profile(request: Request) -> JsonResponse:
    reply = await request.app.state.users.GetProfile(pb.GetProfileRequest())
    return ok(user_info(request, reply.profile))


@router.get("/profile/{user_id}", summary="다른 사용자의 프로필")
async def profile(user_id: str, request: Request) -> JsonResponse:
    reply = await request.app.state.users.GetProfile(pb.GetProfileRequest(user_id=user_id[:40]))
    return ok(user_info(request, reply.profile))


@router.patch("/nickname", summary="닉네임 변경")
async def change_nickname(body: NicknameBody, request: Request) -> JsonResponse:
    reply = await request.app.state.users.UpdateProfile(pb.UpdateProfileRequest(nickname=body.nickname))
    forget_own_profile(request.app.state.profile_summaries, reply.profile.user_id)
    return ok(user_info(request, reply.profile), "닉네임이 변경되었습니다.")


@router.patch("/introduction", summary="소개 변경 (웹 API 확장)")
async def change_introduction(body: IntroductionBody, request: Request) -> JsonResponse:
    reply = await request.app.state.users.UpdateProfile(pb.UpdateProfileRequest(introduction=body.introduction))
    return ok(user_info(request, reply.profile), "소개가 변경되었습니다.")


@router.patch("/profile-image", summary="프로필 이미지 변경 (multipart image)", openapi_extra=IMAGE_UPLOAD_DOC)
async def change_profile_image(request: Request) -> JsonResponse:
    data = await read_image_part(request)
    reply = await request.app.state.users.SetAvatar(pb.SetAvatarRequest(image=data), timeout=15.0)
    forget_own_profile(request.app.state.profile_summaries, reply.profile.user_id)
    return ok(user_info(request, reply.profile), "프로필 이미지가 변경되었습니다.")


@router.patch("/password", summary="비밀번호 변경 (다른 기기의 로그인은 해제)")
async def change_password(body: PasswordChangeBody, request: Request) -> JsonResponse:
    if body.changedPassword != body.checkPassword:
        raise ApiError("USER4005")
    await request.app.state.users.ChangePassword(
        pb.ChangePasswordRequest(current_password=body.password, new_password=body.changedPassword), timeout=10.0
    )
    return ok(None, "비밀번호가 변경되었습니다.")


@router.delete("/me", summary="회원 탈퇴 (현재 비밀번호, 소셜 로그인 계정은 10분 안의 새 로그인; docs/account-deletion.md)")
async def delete_account(body: AccountDeletionBody, request: Request) -> JsonResponse:
    reply = await request.app.state.users.DeleteAccount(pb.DeleteAccountRequest(current_password=body.password), timeout=10.0)
    forget_own_profile(request.app.state.profile_summaries, authenticate(request).login_id)
    return ok({"loginIdFreeAt": local_time(reply.login_id_free_at)}, "회원 탈퇴가 완료되었습니다. 그동안 이용해 주셔서 감사합니다.")
