import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from gridam.options.v1 import access_pb2 as _access_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OAuthProvider(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    O_AUTH_PROVIDER_UNSPECIFIED: _ClassVar[OAuthProvider]
    O_AUTH_PROVIDER_KAKAO: _ClassVar[OAuthProvider]
    O_AUTH_PROVIDER_NAVER: _ClassVar[OAuthProvider]
O_AUTH_PROVIDER_UNSPECIFIED: OAuthProvider
O_AUTH_PROVIDER_KAKAO: OAuthProvider
O_AUTH_PROVIDER_NAVER: OAuthProvider

class TokenPair(_message.Message):
    __slots__ = ("access_token", "refresh_token", "access_token_expires_at")
    ACCESS_TOKEN_FIELD_NUMBER: _ClassVar[int]
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ACCESS_TOKEN_EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    access_token: str
    refresh_token: str
    access_token_expires_at: _timestamp_pb2.Timestamp
    def __init__(self, access_token: _Optional[str] = ..., refresh_token: _Optional[str] = ..., access_token_expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Profile(_message.Message):
    __slots__ = ("id", "user_id", "nickname", "introduction", "avatar_key", "follower_count", "following_count", "diary_count")
    ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    NICKNAME_FIELD_NUMBER: _ClassVar[int]
    INTRODUCTION_FIELD_NUMBER: _ClassVar[int]
    AVATAR_KEY_FIELD_NUMBER: _ClassVar[int]
    FOLLOWER_COUNT_FIELD_NUMBER: _ClassVar[int]
    FOLLOWING_COUNT_FIELD_NUMBER: _ClassVar[int]
    DIARY_COUNT_FIELD_NUMBER: _ClassVar[int]
    id: int
    user_id: str
    nickname: str
    introduction: str
    avatar_key: str
    follower_count: int
    following_count: int
    diary_count: int
    def __init__(self, id: _Optional[int] = ..., user_id: _Optional[str] = ..., nickname: _Optional[str] = ..., introduction: _Optional[str] = ..., avatar_key: _Optional[str] = ..., follower_count: _Optional[int] = ..., following_count: _Optional[int] = ..., diary_count: _Optional[int] = ...) -> None: ...

class FollowEntry(_message.Message):
    __slots__ = ("cursor", "profile")
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    cursor: int
    profile: Profile
    def __init__(self, cursor: _Optional[int] = ..., profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class SendPhoneCodeRequest(_message.Message):
    __slots__ = ("phone_number", "client_address")
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    phone_number: str
    client_address: str
    def __init__(self, phone_number: _Optional[str] = ..., client_address: _Optional[str] = ...) -> None: ...

class SendPhoneCodeResponse(_message.Message):
    __slots__ = ("expires_at",)
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VerifyPhoneCodeRequest(_message.Message):
    __slots__ = ("phone_number", "code")
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    phone_number: str
    code: str
    def __init__(self, phone_number: _Optional[str] = ..., code: _Optional[str] = ...) -> None: ...

class VerifyPhoneCodeResponse(_message.Message):
    __slots__ = ("verified_until",)
    VERIFIED_UNTIL_FIELD_NUMBER: _ClassVar[int]
    verified_until: _timestamp_pb2.Timestamp
    def __init__(self, verified_until: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SignUpRequest(_message.Message):
    __slots__ = ("login_id", "password", "nickname", "phone_number", "client_address")
    LOGIN_ID_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    NICKNAME_FIELD_NUMBER: _ClassVar[int]
    PHONE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    login_id: str
    password: str
    nickname: str
    phone_number: str
    client_address: str
    def __init__(self, login_id: _Optional[str] = ..., password: _Optional[str] = ..., nickname: _Optional[str] = ..., phone_number: _Optional[str] = ..., client_address: _Optional[str] = ...) -> None: ...

class SignUpResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class LoginRequest(_message.Message):
    __slots__ = ("login_id", "password", "client_address")
    LOGIN_ID_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    login_id: str
    password: str
    client_address: str
    def __init__(self, login_id: _Optional[str] = ..., password: _Optional[str] = ..., client_address: _Optional[str] = ...) -> None: ...

class LoginResponse(_message.Message):
    __slots__ = ("tokens",)
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    tokens: TokenPair
    def __init__(self, tokens: _Optional[_Union[TokenPair, _Mapping]] = ...) -> None: ...

class ReissueTokensRequest(_message.Message):
    __slots__ = ("refresh_token",)
    REFRESH_TOKEN_FIELD_NUMBER: _ClassVar[int]
    refresh_token: str
    def __init__(self, refresh_token: _Optional[str] = ...) -> None: ...

class ReissueTokensResponse(_message.Message):
    __slots__ = ("tokens",)
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    tokens: TokenPair
    def __init__(self, tokens: _Optional[_Union[TokenPair, _Mapping]] = ...) -> None: ...

class LogoutRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class LogoutResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetOAuthAuthorizationUrlRequest(_message.Message):
    __slots__ = ("provider", "browser_binding")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    BROWSER_BINDING_FIELD_NUMBER: _ClassVar[int]
    provider: OAuthProvider
    browser_binding: str
    def __init__(self, provider: _Optional[_Union[OAuthProvider, str]] = ..., browser_binding: _Optional[str] = ...) -> None: ...

class GetOAuthAuthorizationUrlResponse(_message.Message):
    __slots__ = ("url",)
    URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    def __init__(self, url: _Optional[str] = ...) -> None: ...

class OAuthLoginRequest(_message.Message):
    __slots__ = ("provider", "code", "state", "client_address", "browser_binding")
    PROVIDER_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    BROWSER_BINDING_FIELD_NUMBER: _ClassVar[int]
    provider: OAuthProvider
    code: str
    state: str
    client_address: str
    browser_binding: str
    def __init__(self, provider: _Optional[_Union[OAuthProvider, str]] = ..., code: _Optional[str] = ..., state: _Optional[str] = ..., client_address: _Optional[str] = ..., browser_binding: _Optional[str] = ...) -> None: ...

class OAuthLoginResponse(_message.Message):
    __slots__ = ("tokens", "created")
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    CREATED_FIELD_NUMBER: _ClassVar[int]
    tokens: TokenPair
    created: bool
    def __init__(self, tokens: _Optional[_Union[TokenPair, _Mapping]] = ..., created: _Optional[bool] = ...) -> None: ...

class GetProfileRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class GetProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class GetProfilesRequest(_message.Message):
    __slots__ = ("user_ids",)
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    user_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, user_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class GetProfilesResponse(_message.Message):
    __slots__ = ("profiles",)
    PROFILES_FIELD_NUMBER: _ClassVar[int]
    profiles: _containers.RepeatedCompositeFieldContainer[Profile]
    def __init__(self, profiles: _Optional[_Iterable[_Union[Profile, _Mapping]]] = ...) -> None: ...

class UpdateProfileRequest(_message.Message):
    __slots__ = ("nickname", "introduction")
    NICKNAME_FIELD_NUMBER: _ClassVar[int]
    INTRODUCTION_FIELD_NUMBER: _ClassVar[int]
    nickname: str
    introduction: str
    def __init__(self, nickname: _Optional[str] = ..., introduction: _Optional[str] = ...) -> None: ...

class UpdateProfileResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class ChangePasswordRequest(_message.Message):
    __slots__ = ("current_password", "new_password")
    CURRENT_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    NEW_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    current_password: str
    new_password: str
    def __init__(self, current_password: _Optional[str] = ..., new_password: _Optional[str] = ...) -> None: ...

class ChangePasswordResponse(_message.Message):
    __slots__ = ("revoked_sessions",)
    REVOKED_SESSIONS_FIELD_NUMBER: _ClassVar[int]
    revoked_sessions: int
    def __init__(self, revoked_sessions: _Optional[int] = ...) -> None: ...

class DeleteAccountRequest(_message.Message):
    __slots__ = ("current_password",)
    CURRENT_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    current_password: str
    def __init__(self, current_password: _Optional[str] = ...) -> None: ...

class DeleteAccountResponse(_message.Message):
    __slots__ = ("login_id_free_at",)
    LOGIN_ID_FREE_AT_FIELD_NUMBER: _ClassVar[int]
    login_id_free_at: _timestamp_pb2.Timestamp
    def __init__(self, login_id_free_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SetAvatarRequest(_message.Message):
    __slots__ = ("image",)
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    image: bytes
    def __init__(self, image: _Optional[bytes] = ...) -> None: ...

class SetAvatarResponse(_message.Message):
    __slots__ = ("profile",)
    PROFILE_FIELD_NUMBER: _ClassVar[int]
    profile: Profile
    def __init__(self, profile: _Optional[_Union[Profile, _Mapping]] = ...) -> None: ...

class FollowRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class FollowResponse(_message.Message):
    __slots__ = ("created",)
    CREATED_FIELD_NUMBER: _ClassVar[int]
    created: bool
    def __init__(self, created: _Optional[bool] = ...) -> None: ...

class UnfollowRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    def __init__(self, user_id: _Optional[str] = ...) -> None: ...

class UnfollowResponse(_message.Message):
    __slots__ = ("removed",)
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    removed: bool
    def __init__(self, removed: _Optional[bool] = ...) -> None: ...

class ListFollowersRequest(_message.Message):
    __slots__ = ("page_size", "cursor")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    cursor: int
    def __init__(self, page_size: _Optional[int] = ..., cursor: _Optional[int] = ...) -> None: ...

class ListFollowersResponse(_message.Message):
    __slots__ = ("entries", "next_cursor")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[FollowEntry]
    next_cursor: int
    def __init__(self, entries: _Optional[_Iterable[_Union[FollowEntry, _Mapping]]] = ..., next_cursor: _Optional[int] = ...) -> None: ...

class ListFollowingRequest(_message.Message):
    __slots__ = ("page_size", "cursor")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    cursor: int
    def __init__(self, page_size: _Optional[int] = ..., cursor: _Optional[int] = ...) -> None: ...

class ListFollowingResponse(_message.Message):
    __slots__ = ("entries", "next_cursor")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[FollowEntry]
    next_cursor: int
    def __init__(self, entries: _Optional[_Iterable[_Union[FollowEntry, _Mapping]]] = ..., next_cursor: _Optional[int] = ...) -> None: ...

class GetFollowRelationRequest(_message.Message):
    __slots__ = ("follower_id", "followee_id")
    FOLLOWER_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOWEE_ID_FIELD_NUMBER: _ClassVar[int]
    follower_id: int
    followee_id: int
    def __init__(self, follower_id: _Optional[int] = ..., followee_id: _Optional[int] = ...) -> None: ...

class GetFollowRelationResponse(_message.Message):
    __slots__ = ("following",)
    FOLLOWING_FIELD_NUMBER: _ClassVar[int]
    following: bool
    def __init__(self, following: _Optional[bool] = ...) -> None: ...

class SetDiaryCountRequest(_message.Message):
    __slots__ = ("user_id", "diary_count", "as_of")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    DIARY_COUNT_FIELD_NUMBER: _ClassVar[int]
    AS_OF_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    diary_count: int
    as_of: int
    def __init__(self, user_id: _Optional[int] = ..., diary_count: _Optional[int] = ..., as_of: _Optional[int] = ...) -> None: ...

class SetDiaryCountResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListFollowingIdsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListFollowingIdsResponse(_message.Message):
    __slots__ = ("user_ids",)
    USER_IDS_FIELD_NUMBER: _ClassVar[int]
    user_ids: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, user_ids: _Optional[_Iterable[int]] = ...) -> None: ...
