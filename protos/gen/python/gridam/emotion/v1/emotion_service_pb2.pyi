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

class EmotionScore(_message.Message):
    __slots__ = ("emotion", "fraction")
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    emotion: Emotion
    fraction: float
    def __init__(self, emotion: _Optional[_Union[Emotion, str]] = ..., fraction: _Optional[float] = ...) -> None: ...

class Analysis(_message.Message):
    __slots__ = ("distribution", "dominant", "hashtags", "feedback", "safety_flag")
    DISTRIBUTION_FIELD_NUMBER: _ClassVar[int]
    DOMINANT_FIELD_NUMBER: _ClassVar[int]
    HASHTAGS_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    SAFETY_FLAG_FIELD_NUMBER: _ClassVar[int]
    distribution: _containers.RepeatedCompositeFieldContainer[EmotionScore]
    dominant: Emotion
    hashtags: _containers.RepeatedScalarFieldContainer[str]
    feedback: str
    safety_flag: bool
    def __init__(self, distribution: _Optional[_Iterable[_Union[EmotionScore, _Mapping]]] = ..., dominant: _Optional[_Union[Emotion, str]] = ..., hashtags: _Optional[_Iterable[str]] = ..., feedback: _Optional[str] = ..., safety_flag: _Optional[bool] = ...) -> None: ...

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

class GetAnalysisRequest(_message.Message):
    __slots__ = ("diary_id",)
    DIARY_ID_FIELD_NUMBER: _ClassVar[int]
    diary_id: int
    def __init__(self, diary_id: _Optional[int] = ...) -> None: ...

class GetAnalysisResponse(_message.Message):
    __slots__ = ("analysis",)
    ANALYSIS_FIELD_NUMBER: _ClassVar[int]
    analysis: Analysis
    def __init__(self, analysis: _Optional[_Union[Analysis, _Mapping]] = ...) -> None: ...
