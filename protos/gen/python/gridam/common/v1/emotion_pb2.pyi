from buf.validate import validate_pb2 as _validate_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
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

class EmotionShare(_message.Message):
    __slots__ = ("emotion", "fraction")
    EMOTION_FIELD_NUMBER: _ClassVar[int]
    FRACTION_FIELD_NUMBER: _ClassVar[int]
    emotion: Emotion
    fraction: float
    def __init__(self, emotion: _Optional[_Union[Emotion, str]] = ..., fraction: _Optional[float] = ...) -> None: ...
