"""Message bounds: the `buf.validate` rules (protovalidate) a request message declares in its proto
(lengths, ranges, counts), checked by the call chain (interceptors.py) after the access check and
before the handler runs, so no servicer or use case repeats them by hand.

A request that breaks one is answered INVALID_ARGUMENT with the reason the broken field names in
its `(gridam.options.v1.invalid_reason)` option (protos/gridam/options/v1/invalid.proto; the
outermost field on the violation's path that names one, else COMMON4000), so the gateway's Korean
web errors stay what they were, and a detail that names every broken field and rule, e.g.
"width: must be a multiple of 8; motifs[3]: must be at most 100 characters".

The rules are read once per method when a service registers it: a request message with none
anywhere in it (most) is never given to the validator. protovalidate (a native extension) compiles
a message type's rules on first use and keeps them; a checked request costs a few microseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import protovalidate
from buf.validate import validate_pb2
from google.protobuf import descriptor, descriptor_pool

from gridam.options.v1 import invalid_pb2
from gridam_runtime.errors import InvalidArgument

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import FieldOptions, MessageOptions, OneofOptions
    from google.protobuf.internal.extension_dict import _ExtensionFieldDescriptor

# protoc's .pyi declares extensions plain FieldDescriptors, which the protobuf stubs do not take as
# extension handles (as access.py says of its own).
_FIELD_RULES = cast("_ExtensionFieldDescriptor[FieldOptions, Any]", validate_pb2.field)
_MESSAGE_RULES = cast("_ExtensionFieldDescriptor[MessageOptions, Any]", validate_pb2.message)
_ONEOF_RULES = cast("_ExtensionFieldDescriptor[OneofOptions, Any]", validate_pb2.oneof)
_REASON = cast("_ExtensionFieldDescriptor[FieldOptions, str]", invalid_pb2.invalid_reason)

DEFAULT_REASON = "COMMON4000"
_MAX_LISTED = 5  # violations named in the detail; a request of 50 bad items needs no 50 lines

_VALIDATOR = protovalidate.Validator()


def declares_rules(message: descriptor.Descriptor, seen: set[str] | None = None) -> bool:
    """Whether `message`, or a message in one of its fields, declares a buf.validate rule."""
    seen = set() if seen is None else seen
    if message.full_name in seen:
        return False
    seen.add(message.full_name)
    if message.GetOptions().HasExtension(_MESSAGE_RULES):
        return True
    if any(oneof.GetOptions().HasExtension(_ONEOF_RULES) for oneof in message.oneofs):
        return True
    for field in message.fields:
        if field.GetOptions().HasExtension(_FIELD_RULES):
            return True
        if field.message_type is not None and declares_rules(field.message_type, seen):
            return True
    return False


def _reason_and_path(message: descriptor.Descriptor, elements: Any) -> tuple[str, str]:
    """The reason the outermost field on a violation's path names (DEFAULT_REASON: none does), and
    the path as a caller reads it: "palette[1].fraction"."""
    reason, parts = "", []
    current: descriptor.Descriptor | None = message
    for element in elements:
        field = current.fields_by_number.get(element.field_number) if current is not None else None
        if not reason and field is not None and field.GetOptions().HasExtension(_REASON):
            reason = field.GetOptions().Extensions[_REASON]
        subscript = element.subscript  # an item of a list ([index]) or of a map (["key"])
        if subscript is None:
            parts.append(element.field_name)
        else:
            key = subscript.value
            parts.append(f"{element.field_name}[{key}]" if isinstance(key, int) else f'{element.field_name}["{key}"]')
        current = field.message_type if field is not None else None
    return reason or DEFAULT_REASON, ".".join(parts)


class RequestRules:
    """The bounds of one method's request message."""

    def __init__(self, message: descriptor.Descriptor) -> None:
        self._message = message

    def check(self, request: Any) -> None:
        """InvalidArgument (the broken field's reason) when `request` breaks its message's rules."""
        violations = _VALIDATOR.collect_violations(request)
        if not violations:
            return
        reason = ""
        listed: list[str] = []
        for violation in violations:
            found = violation.proto
            field_reason, path = _reason_and_path(self._message, found.field.elements if found.field is not None else ())
            reason = reason or field_reason
            line = f"{path or self._message.name}: {found.message or found.rule_id}"
            if line not in listed:
                listed.append(line)
        more = f" (and {len(listed) - _MAX_LISTED} more)" if len(listed) > _MAX_LISTED else ""
        raise InvalidArgument(reason, "; ".join(listed[:_MAX_LISTED]) + more)


def rules_for(method: str) -> RequestRules | None:
    """The bounds of the full method name `method`'s request ("/package.Service/Method"); None when
    its message declares none (nothing to check) or its descriptor is not imported (gRPC's own)."""
    service_name, _, method_name = method.lstrip("/").rpartition("/")
    try:
        found = descriptor_pool.Default().FindMethodByName(f"{service_name}.{method_name}")
    except KeyError:
        return None
    return RequestRules(found.input_type) if declares_rules(found.input_type) else None
