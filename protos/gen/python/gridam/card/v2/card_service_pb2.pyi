import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from gridam.common.v1 import emotion_pb2 as _emotion_pb2
from gridam.options.v1 import access_pb2 as _access_pb2
from gridam.options.v1 import invalid_pb2 as _invalid_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Card(_message.Message):
    __slots__ = ("id", "diary_id", "image_key", "version", "author_id", "date", "dominant", "distribution", "hashtags", "feedback", "safety_flag", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGE_KEY_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_FIELD_NUMBER: _ClassVar[int]
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    HASHTAGS_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    SAFETY_FLAG_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: int
    diary_id: int
    image_key: str
    version: int
    author_id: int
    date: str
    dominant: _emotion_pb2.Emotion
    distribution: _containers.RepeatedCompositeFieldContainer[_emotion_pb2.EmotionShare]
    hashtags: _containers.RepeatedScalarFieldContainer[str]
    feedback: str
    safety_flag: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., diary_id: _Optional[int] = ..., image_key: _Optional[str] = ..., version: _Optional[int] = ..., author_id: _Optional[int] = ..., date: _Optional[str] = ..., dominant: _Optional[_Union[_emotion_pb2.Emotion, str]] = ..., distribution: _Optional[_Iterable[_Union[_emotion_pb2.EmotionShare, _Mapping]]] = ..., hashtags: _Optional[_Iterable[str]] = ..., feedback: _Optional[str] = ..., safety_flag: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MakeCardRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class MakeCardResponse(_message.Message):
    __slots__ = ("card", "made")
    CARD_FIELD_NUMBER: _ClassVar[int]
    MADE_FIELD_NUMBER: _ClassVar[int]
    card: Card
    made: bool
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ..., made: _Optional[bool] = ...) -> None: ...

class GetCardRequest(_message.Message):
    __slots__ = ("card_id",)
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    card_id: int
    def __init__(self, card_id: _Optional[int] = ...) -> None: ...

class GetCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class GetCardByDiaryRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class GetCardByDiaryResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class GetCardByDateRequest(_message.Message):
    __slots__ = ("date",)
    DATE_FIELD_NUMBER: _ClassVar[int]
    date: str
    def __init__(self, date: _Optional[str] = ...) -> None: ...

class GetCardByDateResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class ListCardsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCardsResponse(_message.Message):
    __slots__ = ("cards", "next_page_token")
    CARDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cards: _containers.RepeatedCompositeFieldContainer[Card]
    next_page_token: str
    def __init__(self, cards: _Optional[_Iterable[_Union[Card, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListSharedCardsRequest(_message.Message):
    __slots__ = ("author_id", "page_size", "page_token")
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    author_id: int
    page_size: int
    page_token: str
    def __init__(self, author_id: _Optional[int] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSharedCardsResponse(_message.Message):
    __slots__ = ("cards", "next_page_token")
    CARDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cards: _containers.RepeatedCompositeFieldContainer[Card]
    next_page_token: str
    def __init__(self, cards: _Optional[_Iterable[_Union[Card, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RegenerateCardRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class RegenerateCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: Card
    def __init__(self, card: _Optional[_Union[Card, _Mapping]] = ...) -> None: ...

class DeleteCardsRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class DeleteCardsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ForgetAuthorRequest(_message.Message):
    __slots__ = ("user_id",)
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    user_id: int
    def __init__(self, user_id: _Optional[int] = ...) -> None: ...

class ForgetAuthorResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListDiaryCardsRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class ListDiaryCardsResponse(_message.Message):
    __slots__ = ("cards",)
    CARDS_FIELD_NUMBER: _ClassVar[int]
    cards: _containers.RepeatedCompositeFieldContainer[Card]
    def __init__(self, cards: _Optional[_Iterable[_Union[Card, _Mapping]]] = ...) -> None: ...

class ArchivedCard(_message.Message):
    __slots__ = ("version", "png", "dominant", "hashtags", "feedback", "created_at")
    VERSION_FIELD_NUMBER: _ClassVar[int]
    PNG_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_FIELD_NUMBER: _ClassVar[int]
    HASHTAGS_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    version: int
    png: bytes
    dominant: _emotion_pb2.Emotion
    hashtags: _containers.RepeatedScalarFieldContainer[str]
    feedback: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, version: _Optional[int] = ..., png: _Optional[bytes] = ..., dominant: _Optional[_Union[_emotion_pb2.Emotion, str]] = ..., hashtags: _Optional[_Iterable[str]] = ..., feedback: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RestoreCardsRequest(_message.Message):
    __slots__ = ("diary_id", "cards")
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    CARDS_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    cards: _containers.RepeatedCompositeFieldContainer[ArchivedCard]
    def __init__(self, diary_id: _Optional[int] = ..., cards: _Optional[_Iterable[_Union[ArchivedCard, _Mapping]]] = ...) -> None: ...

class RestoreCardsResponse(_message.Message):
    __slots__ = ("restored", "cards")
    RESTORED_FIELD_NUMBER: _ClassVar[int]
    CARDS_FIELD_NUMBER: _ClassVar[int]
    restored: bool
    cards: _containers.RepeatedCompositeFieldContainer[Card]
    def __init__(self, restored: _Optional[bool] = ..., cards: _Optional[_Iterable[_Union[Card, _Mapping]]] = ...) -> None: ...
