import datetime

from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from gridam.options.v1 import access_pb2 as _access_pb2
from gridam.options.v1 import invalid_pb2 as _invalid_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Emotion(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    EMOTION_UNSPECIFIED: _ClassVar[Emotion]
    EMOTION_HAPPY: _ClassVar[Emotion]
    EMOTION_JOY: _ClassVar[Emotion]
    EMOTION_SAD: _ClassVar[Emotion]
    EMOTION_ANXIOUS: _ClassVar[Emotion]
    EMOTION_ANGRY: _ClassVar[Emotion]
    EMOTION_SURPRISE: _ClassVar[Emotion]
    EMOTION_DISGUST: _ClassVar[Emotion]
    EMOTION_FEAR: _ClassVar[Emotion]
    EMOTION_NONE: _ClassVar[Emotion]

class RiskLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RISK_LEVEL_UNSPECIFIED: _ClassVar[RiskLevel]
    RISK_LEVEL_NONE: _ClassVar[RiskLevel]
    RISK_LEVEL_CONCERN: _ClassVar[RiskLevel]
    RISK_LEVEL_URGENT: _ClassVar[RiskLevel]
EMOTION_UNSPECIFIED: Emotion
EMOTION_HAPPY: Emotion
EMOTION_JOY: Emotion
EMOTION_SAD: Emotion
EMOTION_ANXIOUS: Emotion
EMOTION_ANGRY: Emotion
EMOTION_SURPRISE: Emotion
EMOTION_DISGUST: Emotion
EMOTION_FEAR: Emotion
EMOTION_NONE: Emotion
RISK_LEVEL_UNSPECIFIED: RiskLevel
RISK_LEVEL_NONE: RiskLevel
RISK_LEVEL_CONCERN: RiskLevel
RISK_LEVEL_URGENT: RiskLevel

class EmotionScore(_message.Message):
    __slots__ = ("emotion", "fraction")
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    emotion: Emotion
    fraction: float
    def __init__(self, emotion: _Optional[_Union[Emotion, str]] = ..., fraction: _Optional[float] = ...) -> None: ...

class Keyword(_message.Message):
    __slots__ = ("word", "weight")
    WORD_FIELD_NUMBER: _ClassVar[int]
    WEIGHT_FIELD_NUMBER: _ClassVar[int]
    word: str
    weight: float
    def __init__(self, word: _Optional[str] = ..., weight: _Optional[float] = ...) -> None: ...

class Analysis(_message.Message):
    __slots__ = ("distribution", "dominant", "hashtags", "feedback", "safety_flag", "keywords", "language", "classifier", "risk_level")
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_FIELD_NUMBER: _ClassVar[int]
    HASHTAGS_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    SAFETY_FLAG_FIELD_NUMBER: _ClassVar[int]
    KEYWORDS_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_FIELD_NUMBER: _ClassVar[int]
    CLASSIFIER_FIELD_NUMBER: _ClassVar[int]
    RISK_LEVEL_FIELD_NUMBER: _ClassVar[int]
    distribution: _containers.RepeatedCompositeFieldContainer[EmotionScore]
    dominant: Emotion
    hashtags: _containers.RepeatedScalarFieldContainer[str]
    feedback: str
    safety_flag: bool
    keywords: _containers.RepeatedCompositeFieldContainer[Keyword]
    language: str
    classifier: str
    risk_level: RiskLevel
    def __init__(self, distribution: _Optional[_Iterable[_Union[EmotionScore, _Mapping]]] = ..., dominant: _Optional[_Union[Emotion, str]] = ..., hashtags: _Optional[_Iterable[str]] = ..., feedback: _Optional[str] = ..., safety_flag: _Optional[bool] = ..., keywords: _Optional[_Iterable[_Union[Keyword, _Mapping]]] = ..., language: _Optional[str] = ..., classifier: _Optional[str] = ..., risk_level: _Optional[_Union[RiskLevel, str]] = ...) -> None: ...

class AnalyzeTextRequest(_message.Message):
    __slots__ = ("text",)
    TEXT_FIELD_NUMBER: _ClassVar[int]
    text: str
    def __init__(self, text: _Optional[str] = ...) -> None: ...

class AnalyzeTextResponse(_message.Message):
    __slots__ = ("analysis",)
    ANALYSIS_FIELD_NUMBER: _ClassVar[int]
    analysis: Analysis
    def __init__(self, analysis: _Optional[_Union[Analysis, _Mapping]] = ...) -> None: ...

class AnalyzeDiaryRequest(_message.Message):
    __slots__ = ("diary_id", "author_id", "date", "text", "restored")
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    TEXT_FIELD_NUMBER: _ClassVar[int]
    RESTORED_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    author_id: int
    date: str
    text: str
    restored: Analysis
    def __init__(self, diary_id: _Optional[int] = ..., author_id: _Optional[int] = ..., date: _Optional[str] = ..., text: _Optional[str] = ..., restored: _Optional[_Union[Analysis, _Mapping]] = ...) -> None: ...

class AnalyzeDiaryResponse(_message.Message):
    __slots__ = ("analysis", "stored")
    ANALYSIS_FIELD_NUMBER: _ClassVar[int]
    STORED_FIELD_NUMBER: _ClassVar[int]
    analysis: Analysis
    stored: bool
    def __init__(self, analysis: _Optional[_Union[Analysis, _Mapping]] = ..., stored: _Optional[bool] = ...) -> None: ...

class GetAnalysisRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class GetAnalysisResponse(_message.Message):
    __slots__ = ("analysis", "date", "author_id")
    ANALYSIS_FIELD_NUMBER: _ClassVar[int]
    DATE_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_ID_FIELD_NUMBER: _ClassVar[int]
    analysis: Analysis
    date: str
    author_id: int
    def __init__(self, analysis: _Optional[_Union[Analysis, _Mapping]] = ..., date: _Optional[str] = ..., author_id: _Optional[int] = ...) -> None: ...

class DeleteAnalysisRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class DeleteAnalysisResponse(_message.Message):
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

class GetStatisticsRequest(_message.Message):
    __slots__ = ("year", "month")
    YEAR_FIELD_NUMBER: _ClassVar[int]
    MONTH_FIELD_NUMBER: _ClassVar[int]
    year: int
    month: int
    def __init__(self, year: _Optional[int] = ..., month: _Optional[int] = ...) -> None: ...

class EmotionCount(_message.Message):
    __slots__ = ("emotion", "count")
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    emotion: Emotion
    count: int
    def __init__(self, emotion: _Optional[_Union[Emotion, str]] = ..., count: _Optional[int] = ...) -> None: ...

class MonthStatistics(_message.Message):
    __slots__ = ("month", "counts", "total")
    MONTH_FIELD_NUMBER: _ClassVar[int]
    COUNTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    month: str
    counts: _containers.RepeatedCompositeFieldContainer[EmotionCount]
    total: int
    def __init__(self, month: _Optional[str] = ..., counts: _Optional[_Iterable[_Union[EmotionCount, _Mapping]]] = ..., total: _Optional[int] = ...) -> None: ...

class DayStatistics(_message.Message):
    __slots__ = ("date", "count", "dominant")
    DATE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_FIELD_NUMBER: _ClassVar[int]
    date: str
    count: int
    dominant: Emotion
    def __init__(self, date: _Optional[str] = ..., count: _Optional[int] = ..., dominant: _Optional[_Union[Emotion, str]] = ...) -> None: ...

class GetStatisticsResponse(_message.Message):
    __slots__ = ("months", "days", "current_streak", "longest_streak")
    MONTHS_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_STREAK_FIELD_NUMBER: _ClassVar[int]
    LONGEST_STREAK_FIELD_NUMBER: _ClassVar[int]
    months: _containers.RepeatedCompositeFieldContainer[MonthStatistics]
    days: _containers.RepeatedCompositeFieldContainer[DayStatistics]
    current_streak: int
    longest_streak: int
    def __init__(self, months: _Optional[_Iterable[_Union[MonthStatistics, _Mapping]]] = ..., days: _Optional[_Iterable[_Union[DayStatistics, _Mapping]]] = ..., current_streak: _Optional[int] = ..., longest_streak: _Optional[int] = ...) -> None: ...

class WordCloud(_message.Message):
    __slots__ = ("emotion", "words", "image_key")
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    WORDS_FIELD_NUMBER: _ClassVar[int]
    IMAGE_KEY_FIELD_NUMBER: _ClassVar[int]
    emotion: Emotion
    words: _containers.RepeatedCompositeFieldContainer[Keyword]
    image_key: str
    def __init__(self, emotion: _Optional[_Union[Emotion, str]] = ..., words: _Optional[_Iterable[_Union[Keyword, _Mapping]]] = ..., image_key: _Optional[str] = ...) -> None: ...

class GetWordCloudsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetWordCloudsResponse(_message.Message):
    __slots__ = ("clouds", "generated_at", "next_generation")
    CLOUDS_FIELD_NUMBER: _ClassVar[int]
    GENERATED_AT_FIELD_NUMBER: _ClassVar[int]
    NEXT_GENERATION_FIELD_NUMBER: _ClassVar[int]
    clouds: _containers.RepeatedCompositeFieldContainer[WordCloud]
    generated_at: _timestamp_pb2.Timestamp
    next_generation: _timestamp_pb2.Timestamp
    def __init__(self, clouds: _Optional[_Iterable[_Union[WordCloud, _Mapping]]] = ..., generated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., next_generation: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GenerateWordCloudsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GenerateWordCloudsResponse(_message.Message):
    __slots__ = ("clouds", "generated_at", "next_generation")
    CLOUDS_FIELD_NUMBER: _ClassVar[int]
    GENERATED_AT_FIELD_NUMBER: _ClassVar[int]
    NEXT_GENERATION_FIELD_NUMBER: _ClassVar[int]
    clouds: _containers.RepeatedCompositeFieldContainer[WordCloud]
    generated_at: _timestamp_pb2.Timestamp
    next_generation: _timestamp_pb2.Timestamp
    def __init__(self, clouds: _Optional[_Iterable[_Union[WordCloud, _Mapping]]] = ..., generated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., next_generation: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
