"""gRPC servicer: proto in, an awaited use case, proto out. No rules here."""

from __future__ import annotations

from gridam.user.v1 import user_service_pb2 as pb
from gridam.user.v1 import user_service_pb2_grpc
from gridam_runtime.errors import InvalidArgument
from gridam_runtime.server import ServicerContext
from gridam_runtime.timestamps import timestamp
from user_service.adapters.orm import User
from user_service.adapters.repository import ProfileRow
from user_service.service_layer.accounts import Accounts, Tokens
from user_service.service_layer.profiles import Profiles

PROVIDERS = {pb.O_AUTH_PROVIDER_KAKAO: "kakao", pb.O_AUTH_PROVIDER_NAVER: "naver"}


def _profile(user: User | ProfileRow) -> pb.Profile:
    return pb.Profile(
        id=user.id,
        user_id=user.login_id,
        nickname=user.nickname,
        introduction=user.introduction,
        avatar_key=user.avatar_key,
        follower_count=user.follower_count,
        following_count=user.following_count,
        diary_count=user.diary_count,
    )


def _tokens(tokens: Tokens) -> pb.TokenPair:
    return pb.TokenPair(
        access_token=tokens.access_token,
        refresh_token=tokens.refresh_token,
        access_token_expires_at=timestamp(tokens.access_expires_at),
    )


def _provider(value: pb.OAuthProvider) -> str:
    if value not in PROVIDERS:
        raise InvalidArgument("OAUTH4001", "unknown provider")
    return PROVIDERS[value]


class UserServicer(user_service_pb2_grpc.UserServiceServicer):
    def __init__(self, accounts: Accounts, profiles: Profiles) -> None:
        self._accounts = accounts
        self._profiles = profiles

    async def SendPhoneCode(self, request: pb.SendPhoneCodeRequest, context: ServicerContext) -> pb.SendPhoneCodeResponse:
        expires = await self._accounts.send_phone_code(request.phone_number, request.client_address)
        return pb.SendPhoneCodeResponse(expires_at=timestamp(expires))

    async def VerifyPhoneCode(self, request: pb.VerifyPhoneCodeRequest, context: ServicerContext) -> pb.VerifyPhoneCodeResponse:
        until = await self._accounts.verify_phone_code(request.phone_number, request.code)
        return pb.VerifyPhoneCodeResponse(verified_until=timestamp(until))

    async def SignUp(self, request: pb.SignUpRequest, context: ServicerContext) -> pb.SignUpResponse:
        user = await self._accounts.sign_up(
            request.login_id,
            request.password,
            request.nickname,
            request.phone_number,
            request.client_address,
        )
        return pb.SignUpResponse(profile=_profile(user))

    async def Login(self, request: pb.LoginRequest, context: ServicerContext) -> pb.LoginResponse:
        tokens = await self._accounts.login(request.login_id, request.password, request.client_address)
        return pb.LoginResponse(tokens=_tokens(tokens))

    async def ReissueTokens(self, request: pb.ReissueTokensRequest, context: ServicerContext) -> pb.ReissueTokensResponse:
        tokens = await self._accounts.reissue(request.refresh_token)
        return pb.ReissueTokensResponse(tokens=_tokens(tokens))

    async def Logout(self, request: pb.LogoutRequest, context: ServicerContext) -> pb.LogoutResponse:
        await self._accounts.logout()
        return pb.LogoutResponse()

    async def GetOAuthAuthorizationUrl(self, request: pb.GetOAuthAuthorizationUrlRequest, context: ServicerContext) -> pb.GetOAuthAuthorizationUrlResponse:
        url = await self._accounts.oauth_authorization_url(_provider(request.provider), request.browser_binding)
        return pb.GetOAuthAuthorizationUrlResponse(url=url)

    async def OAuthLogin(self, request: pb.OAuthLoginRequest, context: ServicerContext) -> pb.OAuthLoginResponse:
        tokens, created = await self._accounts.oauth_login(
            _provider(request.provider),
            request.code,
            request.state,
            request.client_address,
            request.browser_binding,
        )
        return pb.OAuthLoginResponse(tokens=_tokens(tokens), created=created)

    async def GetProfile(self, request: pb.GetProfileRequest, context: ServicerContext) -> pb.GetProfileResponse:
        user = await self._profiles.get(request.user_id)
        return pb.GetProfileResponse(profile=_profile(user))

    async def GetProfiles(self, request: pb.GetProfilesRequest, context: ServicerContext) -> pb.GetProfilesResponse:
        rows = await self._profiles.get_many(request.user_ids)
        return pb.GetProfilesResponse(profiles=[_profile(row) for row in rows])

    async def UpdateProfile(self, request: pb.UpdateProfileRequest, context: ServicerContext) -> pb.UpdateProfileResponse:
        user = await self._profiles.update(
            request.nickname if request.HasField("nickname") else None,
            request.introduction if request.HasField("introduction") else None,
        )
        return pb.UpdateProfileResponse(profile=_profile(user))

    async def ChangePassword(self, request: pb.ChangePasswordRequest, context: ServicerContext) -> pb.ChangePasswordResponse:
        revoked = await self._accounts.change_password(request.current_password, request.new_password)
        return pb.ChangePasswordResponse(revoked_sessions=revoked)

    async def DeleteAccount(self, request: pb.DeleteAccountRequest, context: ServicerContext) -> pb.DeleteAccountResponse:
        free_at = await self._accounts.delete_account(request.current_password)
        return pb.DeleteAccountResponse(login_id_free_at=timestamp(free_at))

    async def SetAvatar(self, request: pb.SetAvatarRequest, context: ServicerContext) -> pb.SetAvatarResponse:
        user = await self._profiles.set_avatar(request.image)
        return pb.SetAvatarResponse(profile=_profile(user))

    async def Follow(self, request: pb.FollowRequest, context: ServicerContext) -> pb.FollowResponse:
        created = await self._profiles.follow(request.user_id)
        return pb.FollowResponse(created=created)

    async def Unfollow(self, request: pb.UnfollowRequest, context: ServicerContext) -> pb.UnfollowResponse:
        removed = await self._profiles.unfollow(request.user_id)
        return pb.UnfollowResponse(removed=removed)

    async def _follow_page(
        self, request: pb.ListFollowersRequest | pb.ListFollowingRequest, *, followers: bool
    ) -> tuple[list[pb.FollowEntry], int]:
        rows, next_cursor = await self._profiles.follow_page(
            followers=followers, cursor=request.cursor, size=request.page_size
        )
        return [pb.FollowEntry(cursor=c, profile=_profile(u)) for c, u in rows], next_cursor

    async def ListFollowers(self, request: pb.ListFollowersRequest, context: ServicerContext) -> pb.ListFollowersResponse:
        entries, next_cursor = await self._follow_page(request, followers=True)
        return pb.ListFollowersResponse(entries=entries, next_cursor=next_cursor)

    async def ListFollowing(self, request: pb.ListFollowingRequest, context: ServicerContext) -> pb.ListFollowingResponse:
        entries, next_cursor = await self._follow_page(request, followers=False)
        return pb.ListFollowingResponse(entries=entries, next_cursor=next_cursor)

    async def ListFollowingIds(self, request: pb.ListFollowingIdsRequest, context: ServicerContext) -> pb.ListFollowingIdsResponse:
        return pb.ListFollowingIdsResponse(user_ids=await self._profiles.following_ids())

    async def SetDiaryCount(self, request: pb.SetDiaryCountRequest, context: ServicerContext) -> pb.SetDiaryCountResponse:
        await self._profiles.set_diary_count(request.user_id, request.diary_count, request.as_of)
        return pb.SetDiaryCountResponse()

    async def GetFollowRelation(self, request: pb.GetFollowRelationRequest, context: ServicerContext) -> pb.GetFollowRelationResponse:
        following = await self._profiles.is_following(request.follower_id, request.followee_id)
        return pb.GetFollowRelationResponse(following=following)
