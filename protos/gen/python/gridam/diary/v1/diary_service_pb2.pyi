import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
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
ANALYSIS_STATE_UNSPECIFIED: AnalysisState
ANALYSIS_STATE_PENDING: AnalysisState
ANALYSIS_STATE_DONE: AnalysisState
ANALYSIS_STATE_FAILED: AnalysisState
AUDIENCE_UNSPECIFIED: Audience
AUDIENCE_PUBLIC: Audience
AUDIENCE_FOLLOWERS: Audience
AUDIENCE_PRIVATE: Audience

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
    __slots__ = ()
    def __init__(self) -> None: ...

class ListDiariesResponse(_message.Message):
    __slots__ = ("diaries",)
    DIARIES_FIELD_NUMBER: _ClassVar[int]
    diaries: _containers.RepeatedCompositeFieldContainer[Diary]
    def __init__(self, diaries: _Optional[_Iterable[_Union[Diary, _Mapping]]] = ...) -> None: ...

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
    __slots__ = ("card_id", "content", "audience")
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    CONTENT_FIELD_NUMBER: _ClassVar[int]
    AUDIENCE_FIELD_NUMBER: _ClassVar[int]
    card_id: int
    content: str
    audience: Audience
    def __init__(self, card_id: _Optional[int] = ..., content: _Optional[str] = ..., audience: _Optional[_Union[Audience, str]] = ...) -> None: ...

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
