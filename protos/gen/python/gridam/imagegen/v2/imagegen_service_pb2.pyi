from buf.validate import validate_pb2 as _validate_pb2
from gridam.common.v1 import emotion_pb2 as _emotion_pb2
from gridam.options.v1 import access_pb2 as _access_pb2
from gridam.options.v1 import invalid_pb2 as _invalid_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GenerateImageRequest(_message.Message):
    __slots__ = ("prompt", "seed", "width", "height", "steps", "palette", "motifs", "calm")
    PROMPT_FIELD_NUMBER: _ClassVar[int]
    SEED_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    PALETTE_FIELD_NUMBER: _ClassVar[int]
    MOTIFS_FIELD_NUMBER: _ClassVar[int]
    CALM_FIELD_NUMBER: _ClassVar[int]
    prompt: str
    seed: int
    width: int
    height: int
    steps: int
    palette: _containers.RepeatedCompositeFieldContainer[_emotion_pb2.EmotionShare]
    motifs: _containers.RepeatedScalarFieldContainer[str]
    calm: bool
    def __init__(self, prompt: _Optional[str] = ..., seed: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., steps: _Optional[int] = ..., palette: _Optional[_Iterable[_Union[_emotion_pb2.EmotionShare, _Mapping]]] = ..., motifs: _Optional[_Iterable[str]] = ..., calm: _Optional[bool] = ...) -> None: ...

class GenerateImageResponse(_message.Message):
    __slots__ = ("png", "engine", "batch_size")
    PNG_FIELD_NUMBER: _ClassVar[int]
    ENGINE_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    png: bytes
    engine: str
    batch_size: int
    def __init__(self, png: _Optional[bytes] = ..., engine: _Optional[str] = ..., batch_size: _Optional[int] = ...) -> None: ...
