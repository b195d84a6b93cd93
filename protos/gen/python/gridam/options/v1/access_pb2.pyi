from google.protobuf import descriptor_pb2 as _descriptor_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor
ACCESS_FIELD_NUMBER: _ClassVar[int]
access: _descriptor.FieldDescriptor

class Access(_message.Message):
    __slots__ = ("kind", "services")
    class Kind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        KIND_UNSPECIFIED: _ClassVar[Access.Kind]
        KIND_PUBLIC: _ClassVar[Access.Kind]
        KIND_USER: _ClassVar[Access.Kind]
        KIND_SERVICE: _ClassVar[Access.Kind]
        KIND_USER_OR_SERVICE: _ClassVar[Access.Kind]
    KIND_UNSPECIFIED: Access.Kind
    KIND_PUBLIC: Access.Kind
    KIND_USER: Access.Kind
    KIND_SERVICE: Access.Kind
    KIND_USER_OR_SERVICE: Access.Kind
    KIND_FIELD_NUMBER: _ClassVar[int]
    SERVICES_FIELD_NUMBER: _ClassVar[int]
    kind: Access.Kind
    services: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, kind: _Optional[_Union[Access.Kind, str]] = ..., services: _Optional[_Iterable[str]] = ...) -> None: ...
