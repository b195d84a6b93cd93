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

class AnalysisState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ANALYSIS_STATE_UNSPECIFIED: _ClassVar[AnalysisState]
    ANALYSIS_STATE_PENDING: _ClassVar[AnalysisState]
    ANALYSIS_STATE_DONE: _ClassVar[AnalysisState]
    ANALYSIS_STATE_FAILED: _ClassVar[AnalysisState]

class Audience(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUDIENCE_UNSPECIFIED: _ClassVar[Audience]
    AUDIENCE_PUBLIC: _ClassVar[Audience]
    AUDIENCE_FOLLOWERS: _ClassVar[Audience]
    AUDIENCE_PRIVATE: _ClassVar[Audience]

class NoticeType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTICE_TYPE_UNSPECIFIED: _ClassVar[NoticeType]
    NOTICE_TYPE_COMMENT: _ClassVar[NoticeType]
    NOTICE_TYPE_REPLY: _ClassVar[NoticeType]
    NOTICE_TYPE_COMMENT_LIKE: _ClassVar[NoticeType]
    NOTICE_TYPE_REACTION: _ClassVar[NoticeType]
    NOTICE_TYPE_FOLLOW: _ClassVar[NoticeType]
    NOTICE_TYPE_CARD_READY: _ClassVar[NoticeType]

class TransferState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TRANSFER_STATE_UNSPECIFIED: _ClassVar[TransferState]
    TRANSFER_STATE_RUNNING: _ClassVar[TransferState]
    TRANSFER_STATE_DONE: _ClassVar[TransferState]
    TRANSFER_STATE_EXPIRED: _ClassVar[TransferState]
ANALYSIS_STATE_UNSPECIFIED: AnalysisState
ANALYSIS_STATE_PENDING: AnalysisState
ANALYSIS_STATE_DONE: AnalysisState
ANALYSIS_STATE_FAILED: AnalysisState
AUDIENCE_UNSPECIFIED: Audience
AUDIENCE_PUBLIC: Audience
AUDIENCE_FOLLOWERS: Audience
AUDIENCE_PRIVATE: Audience
NOTICE_TYPE_UNSPECIFIED: NoticeType
NOTICE_TYPE_COMMENT: NoticeType
NOTICE_TYPE_REPLY: NoticeType
NOTICE_TYPE_COMMENT_LIKE: NoticeType
NOTICE_TYPE_REACTION: NoticeType
NOTICE_TYPE_FOLLOW: NoticeType
NOTICE_TYPE_CARD_READY: NoticeType
TRANSFER_STATE_UNSPECIFIED: TransferState
TRANSFER_STATE_RUNNING: TransferState
TRANSFER_STATE_DONE: TransferState
TRANSFER_STATE_EXPIRED: TransferState

class Diary(_message.Message):
    __slots__ = ("id", "author_id", "title", "content", "date", "photo_key", "hashtags", "created_at", "analysis_state")
    ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    PHOTO_KEY_FIELD_NUMBER: _ClassVar[int]
    HASHTAGS_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    ANALYSIS_STATE_FIELD_NUMBER: _ClassVar[int]
    id: int
    author_id: int
    title: str
    content: str
    date: str
    photo_key: str
    hashtags: _containers.RepeatedScalarFieldContainer[str]
    created_at: _timestamp_pb2.Timestamp
    analysis_state: AnalysisState
    def __init__(self, id: _Optional[int] = ..., author_id: _Optional[int] = ..., title: _Optional[str] = ..., content: _Optional[str] = ..., date: _Optional[str] = ..., photo_key: _Optional[str] = ..., hashtags: _Optional[_Iterable[str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., analysis_state: _Optional[_Union[AnalysisState, str]] = ...) -> None: ...

class CreateDiaryRequest(_message.Message):
    __slots__ = ("title", "content", "photo")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    title: str
    content: str
    photo: bytes
    def __init__(self, title: _Optional[str] = ..., content: _Optional[str] = ..., photo: _Optional[bytes] = ...) -> None: ...

class CreateDiaryResponse(_message.Message):
    __slots__ = ("diary",)
    DIARY_FIELD_NUMBER: _ClassVar[int]
    diary: Diary
    def __init__(self, diary: _Optional[_Union[Diary, _Mapping]] = ...) -> None: ...

class ListDiariesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDiariesResponse(_message.Message):
    __slots__ = ("diaries", "next_page_token")
    DIARIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    diaries: _containers.RepeatedCompositeFieldContainer[Diary]
    next_page_token: str
    def __init__(self, diaries: _Optional[_Iterable[_Union[Diary, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SearchDiariesRequest(_message.Message):
    __slots__ = ("query", "size", "cursor")
    QUERY_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    query: str
    size: int
    cursor: int
    def __init__(self, query: _Optional[str] = ..., size: _Optional[int] = ..., cursor: _Optional[int] = ...) -> None: ...

class SearchDiariesResponse(_message.Message):
    __slots__ = ("diaries", "next_cursor")
    DIARIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    diaries: _containers.RepeatedCompositeFieldContainer[Diary]
    next_cursor: int
    def __init__(self, diaries: _Optional[_Iterable[_Union[Diary, _Mapping]]] = ..., next_cursor: _Optional[int] = ...) -> None: ...

class GetDiaryRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class GetDiaryResponse(_message.Message):
    __slots__ = ("diary",)
    DIARY_FIELD_NUMBER: _ClassVar[int]
    diary: Diary
    def __init__(self, diary: _Optional[_Union[Diary, _Mapping]] = ...) -> None: ...

class GetDiaryByDateRequest(_message.Message):
    __slots__ = ("date",)
    DATE_FIELD_NUMBER: _ClassVar[int]
    date: str
    def __init__(self, date: _Optional[str] = ...) -> None: ...

class GetDiaryByDateResponse(_message.Message):
    __slots__ = ("diary",)
    DIARY_FIELD_NUMBER: _ClassVar[int]
    diary: Diary
    def __init__(self, diary: _Optional[_Union[Diary, _Mapping]] = ...) -> None: ...

class DeleteDiaryRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class DeleteDiaryResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Post(_message.Message):
    __slots__ = ("id", "author_id", "author_login_id", "card_id", "diary_id", "content", "audience", "created_at", "reaction_counts", "my_reaction")
    class ReactionCountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_LOGIN_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    REACTION_COUNTS_FIELD_NUMBER: _ClassVar[int]
    MY_REACTION_FIELD_NUMBER: _ClassVar[int]
    id: int
    author_id: int
    author_login_id: str
    card_id: int
    diary_id: int
    content: str
    audience: Audience
    created_at: _timestamp_pb2.Timestamp
    reaction_counts: _containers.ScalarMap[str, int]
    my_reaction: str
    def __init__(self, id: _Optional[int] = ..., author_id: _Optional[int] = ..., author_login_id: _Optional[str] = ..., card_id: _Optional[int] = ..., diary_id: _Optional[int] = ..., content: _Optional[str] = ..., audience: _Optional[_Union[Audience, str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., reaction_counts: _Optional[_Mapping[str, int]] = ..., my_reaction: _Optional[str] = ...) -> None: ...

class CreatePostRequest(_message.Message):
    __slots__ = ("card_id", "content", "audience", "confirm_sensitive")
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    CONFIRM_SENSITIVE_FIELD_NUMBER: _ClassVar[int]
    card_id: int
    content: str
    audience: Audience
    confirm_sensitive: bool
    def __init__(self, card_id: _Optional[int] = ..., content: _Optional[str] = ..., audience: _Optional[_Union[Audience, str]] = ..., confirm_sensitive: _Optional[bool] = ...) -> None: ...

class CreatePostResponse(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: Post
    def __init__(self, post: _Optional[_Union[Post, _Mapping]] = ...) -> None: ...

class ListUserPostsRequest(_message.Message):
    __slots__ = ("author_id",)
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    author_id: int
    def __init__(self, author_id: _Optional[int] = ...) -> None: ...

class ListUserPostsResponse(_message.Message):
    __slots__ = ("posts",)
    POSTS_FIELD_NUMBER: _ClassVar[int]
    posts: _containers.RepeatedCompositeFieldContainer[Post]
    def __init__(self, posts: _Optional[_Iterable[_Union[Post, _Mapping]]] = ...) -> None: ...

class GetPostRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    def __init__(self, post_id: _Optional[int] = ...) -> None: ...

class GetPostResponse(_message.Message):
    __slots__ = ("post",)
    POST_FIELD_NUMBER: _ClassVar[int]
    post: Post
    def __init__(self, post: _Optional[_Union[Post, _Mapping]] = ...) -> None: ...

class DeletePostRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    def __init__(self, post_id: _Optional[int] = ...) -> None: ...

class DeletePostResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListTimelineRequest(_message.Message):
    __slots__ = ("size", "cursor")
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    size: int
    cursor: int
    def __init__(self, size: _Optional[int] = ..., cursor: _Optional[int] = ...) -> None: ...

class ListTimelineResponse(_message.Message):
    __slots__ = ("posts", "next_cursor")
    POSTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    posts: _containers.RepeatedCompositeFieldContainer[Post]
    next_cursor: int
    def __init__(self, posts: _Optional[_Iterable[_Union[Post, _Mapping]]] = ..., next_cursor: _Optional[int] = ...) -> None: ...

class ToggleReactionRequest(_message.Message):
    __slots__ = ("post_id", "reaction_type")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    REACTION_TYPE_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    reaction_type: str
    def __init__(self, post_id: _Optional[int] = ..., reaction_type: _Optional[str] = ...) -> None: ...

class ToggleReactionResponse(_message.Message):
    __slots__ = ("my_reaction", "reaction_counts")
    class ReactionCountsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    MY_REACTION_FIELD_NUMBER: _ClassVar[int]
    REACTION_COUNTS_FIELD_NUMBER: _ClassVar[int]
    my_reaction: str
    reaction_counts: _containers.ScalarMap[str, int]
    def __init__(self, my_reaction: _Optional[str] = ..., reaction_counts: _Optional[_Mapping[str, int]] = ...) -> None: ...

class Comment(_message.Message):
    __slots__ = ("id", "post_id", "author_id", "author_login_id", "parent_comment_id", "content", "likes", "liked", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_LOGIN_ID_FIELD_NUMBER: _ClassVar[int]
    PARENT_COMMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    LIKES_FIELD_NUMBER: _ClassVar[int]
    LIKED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    post_id: int
    author_id: int
    author_login_id: str
    parent_comment_id: int
    content: str
    likes: int
    liked: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., post_id: _Optional[int] = ..., author_id: _Optional[int] = ..., author_login_id: _Optional[str] = ..., parent_comment_id: _Optional[int] = ..., content: _Optional[str] = ..., likes: _Optional[int] = ..., liked: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateCommentRequest(_message.Message):
    __slots__ = ("post_id", "content", "parent_comment_id")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    PARENT_COMMENT_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    content: str
    parent_comment_id: int
    def __init__(self, post_id: _Optional[int] = ..., content: _Optional[str] = ..., parent_comment_id: _Optional[int] = ...) -> None: ...

class CreateCommentResponse(_message.Message):
    __slots__ = ("comment",)
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    comment: Comment
    def __init__(self, comment: _Optional[_Union[Comment, _Mapping]] = ...) -> None: ...

class ListCommentsRequest(_message.Message):
    __slots__ = ("post_id",)
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    def __init__(self, post_id: _Optional[int] = ...) -> None: ...

class ListCommentsResponse(_message.Message):
    __slots__ = ("comments",)
    COMMENTS_FIELD_NUMBER: _ClassVar[int]
    comments: _containers.RepeatedCompositeFieldContainer[Comment]
    def __init__(self, comments: _Optional[_Iterable[_Union[Comment, _Mapping]]] = ...) -> None: ...

class SetCommentLikeRequest(_message.Message):
    __slots__ = ("post_id", "comment_id", "liked")
    POST_ID_FIELD_NUMBER: _ClassVar[int]
    COMMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LIKED_FIELD_NUMBER: _ClassVar[int]
    post_id: int
    comment_id: int
    liked: bool
    def __init__(self, post_id: _Optional[int] = ..., comment_id: _Optional[int] = ..., liked: _Optional[bool] = ...) -> None: ...

class SetCommentLikeResponse(_message.Message):
    __slots__ = ("likes", "liked")
    LIKES_FIELD_NUMBER: _ClassVar[int]
    LIKED_FIELD_NUMBER: _ClassVar[int]
    likes: int
    liked: bool
    def __init__(self, likes: _Optional[int] = ..., liked: _Optional[bool] = ...) -> None: ...

class Notification(_message.Message):
    __slots__ = ("id", "notice_type", "entity_id", "actor_login_id", "image_key", "message", "content", "checked", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    NOTICE_TYPE_FIELD_NUMBER: _ClassVar[int]
    ENTITY_ID_FIELD_NUMBER: _ClassVar[int]
    ACTOR_LOGIN_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_KEY_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    CHECKED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    notice_type: NoticeType
    entity_id: int
    actor_login_id: str
    image_key: str
    message: str
    content: str
    checked: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., notice_type: _Optional[_Union[NoticeType, str]] = ..., entity_id: _Optional[int] = ..., actor_login_id: _Optional[str] = ..., image_key: _Optional[str] = ..., message: _Optional[str] = ..., content: _Optional[str] = ..., checked: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListNotificationsRequest(_message.Message):
    __slots__ = ("unchecked_only", "size", "cursor")
    UNCHECKED_ONLY_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    unchecked_only: bool
    size: int
    cursor: int
    def __init__(self, unchecked_only: _Optional[bool] = ..., size: _Optional[int] = ..., cursor: _Optional[int] = ...) -> None: ...

class ListNotificationsResponse(_message.Message):
    __slots__ = ("notifications", "next_cursor")
    NOTIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    notifications: _containers.RepeatedCompositeFieldContainer[Notification]
    next_cursor: int
    def __init__(self, notifications: _Optional[_Iterable[_Union[Notification, _Mapping]]] = ..., next_cursor: _Optional[int] = ...) -> None: ...

class CheckNotificationsRequest(_message.Message):
    __slots__ = ("notification_ids", "all")
    NOTIFICATION_IDS_FIELD_NUMBER: _ClassVar[int]
    ALL_FIELD_NUMBER: _ClassVar[int]
    notification_ids: _containers.RepeatedScalarFieldContainer[int]
    all: bool
    def __init__(self, notification_ids: _Optional[_Iterable[int]] = ..., all: _Optional[bool] = ...) -> None: ...

class CheckNotificationsResponse(_message.Message):
    __slots__ = ("checked_count",)
    CHECKED_COUNT_FIELD_NUMBER: _ClassVar[int]
    checked_count: int
    def __init__(self, checked_count: _Optional[int] = ...) -> None: ...

class ForgetAuthorRequest(_message.Message):
    __slots__ = ("user_id", "login_id")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    LOGIN_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    login_id: str
    def __init__(self, user_id: _Optional[int] = ..., login_id: _Optional[str] = ...) -> None: ...

class ForgetAuthorResponse(_message.Message):
    __slots__ = ("deleted_diaries",)
    DELETED_DIARIES_FIELD_NUMBER: _ClassVar[int]
    deleted_diaries: int
    def __init__(self, deleted_diaries: _Optional[int] = ...) -> None: ...

class RecordFollowRequest(_message.Message):
    __slots__ = ("event_id", "follower_id", "follower_login_id", "followee_id")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOWER_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOWER_LOGIN_ID_FIELD_NUMBER: _ClassVar[int]
    FOLLOWEE_ID_FIELD_NUMBER: _ClassVar[int]
    event_id: int
    follower_id: int
    follower_login_id: str
    followee_id: int
    def __init__(self, event_id: _Optional[int] = ..., follower_id: _Optional[int] = ..., follower_login_id: _Optional[str] = ..., followee_id: _Optional[int] = ...) -> None: ...

class RecordFollowResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class Transfer(_message.Message):
    __slots__ = ("id", "state", "progress", "diaries_done", "diaries_total", "images_done", "images_total", "archive_key", "expires_at", "format", "diaries_added", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PROGRESS_FIELD_NUMBER: _ClassVar[int]
    DIARIES_DONE_FIELD_NUMBER: _ClassVar[int]
    DIARIES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    IMAGES_DONE_FIELD_NUMBER: _ClassVar[int]
    IMAGES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    ARCHIVE_KEY_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    DIARIES_ADDED_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    state: TransferState
    progress: int
    diaries_done: int
    diaries_total: int
    images_done: int
    images_total: int
    archive_key: str
    expires_at: _timestamp_pb2.Timestamp
    format: str
    diaries_added: int
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., state: _Optional[_Union[TransferState, str]] = ..., progress: _Optional[int] = ..., diaries_done: _Optional[int] = ..., diaries_total: _Optional[int] = ..., images_done: _Optional[int] = ..., images_total: _Optional[int] = ..., archive_key: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., format: _Optional[str] = ..., diaries_added: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StartExportRequest(_message.Message):
    __slots__ = ("profile_json",)
    PROFILE_JSON_FIELD_NUMBER: _ClassVar[int]
    profile_json: str
    def __init__(self, profile_json: _Optional[str] = ...) -> None: ...

class StartExportResponse(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: Transfer
    def __init__(self, transfer: _Optional[_Union[Transfer, _Mapping]] = ...) -> None: ...

class GetExportRequest(_message.Message):
    __slots__ = ("export_id",)
    EXPORT_ID_FIELD_NUMBER: _ClassVar[int]
    export_id: int
    def __init__(self, export_id: _Optional[int] = ...) -> None: ...

class GetExportResponse(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: Transfer
    def __init__(self, transfer: _Optional[_Union[Transfer, _Mapping]] = ...) -> None: ...

class StartImportRequest(_message.Message):
    __slots__ = ("archive_key",)
    ARCHIVE_KEY_FIELD_NUMBER: _ClassVar[int]
    archive_key: str
    def __init__(self, archive_key: _Optional[str] = ...) -> None: ...

class StartImportResponse(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: Transfer
    def __init__(self, transfer: _Optional[_Union[Transfer, _Mapping]] = ...) -> None: ...

class GetImportRequest(_message.Message):
    __slots__ = ("import_id",)
    IMPORT_ID_FIELD_NUMBER: _ClassVar[int]
    import_id: int
    def __init__(self, import_id: _Optional[int] = ...) -> None: ...

class GetImportResponse(_message.Message):
    __slots__ = ("transfer",)
    TRANSFER_FIELD_NUMBER: _ClassVar[int]
    transfer: Transfer
    def __init__(self, transfer: _Optional[_Union[Transfer, _Mapping]] = ...) -> None: ...
