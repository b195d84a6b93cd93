import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
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
    class DistributionEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
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
    dominant: str
    distribution: _containers.ScalarMap[str, float]
    hashtags: _containers.RepeatedScalarFieldContainer[str]
    feedback: str
    safety_flag: bool
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., diary_id: _Optional[int] = ..., image_key: _Optional[str] = ..., version: _Optional[int] = ..., author_id: _Optional[int] = ..., date: _Optional[str] = ..., dominant: _Optional[str] = ..., distribution: _Optional[_Mapping[str, float]] = ..., hashtags: _Optional[_Iterable[str]] = ..., feedback: _Optional[str] = ..., safety_flag: _Optional[bool] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

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
    __slots__ = ("size", "cursor")
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    size: int
    cursor: int
    def __init__(self, size: _Optional[int] = ..., cursor: _Optional[int] = ...) -> None: ...

class ListCardsResponse(_message.Message):
    __slots__ = ("cards", "next_cursor")
    CARDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    cards: _containers.RepeatedCompositeFieldContainer[Card]
    next_cursor: int
    def __init__(self, cards: _Optional[_Iterable[_Union[Card, _Mapping]]] = ..., next_cursor: _Optional[int] = ...) -> None: ...

class ListSharedCardsRequest(_message.Message):
    __slots__ = ("author_id", "size", "cursor")
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CURSOR_FIELD_NUMBER: _ClassVar[int]
    author_id: int
    size: int
    cursor: int
    def __init__(self, author_id: _Optional[int] = ..., size: _Optional[int] = ..., cursor: _Optional[int] = ...) -> None: ...

class ListSharedCardsResponse(_message.Message):
    __slots__ = ("cards", "next_cursor")
    CARDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_CURSOR_FIELD_NUMBER: _ClassVar[int]
    cards: _containers.RepeatedCompositeFieldContainer[Card]
    next_cursor: int
    def __init__(self, cards: _Optional[_Iterable[_Union[Card, _Mapping]]] = ..., next_cursor: _Optional[int] = ...) -> None: ...

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
    dominant: str
    hashtags: _containers.RepeatedScalarFieldContainer[str]
    feedback: str
    created_at: _timestamp_pb2.Timestamp
    def __init__(self, version: _Optional[int] = ..., png: _Optional[bytes] = ..., dominant: _Optional[str] = ..., hashtags: _Optional[_Iterable[str]] = ..., feedback: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

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
