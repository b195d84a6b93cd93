"""Who may call each method: the `(gridam.options.v1.access)` option that every RPC of every
GriDam service carries (protos/gridam/options/v1/access.proto).

The call chain (interceptors.py) reads it from the descriptors when a service registers its
methods, and refuses a caller it does not name before the handler runs: no token ->
UNAUTHENTICATED; a user token on a service method, a service token on a user method, or the
token of a service the option does not list -> PERMISSION_DENIED. A method without the option
stops the server at registration. Per-object rules (is this diary the caller's?) stay in the
use cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from google.protobuf import descriptor, descriptor_pool

from gridam.options.v1 import access_pb2
from gridam_runtime.auth import Authenticator

if TYPE_CHECKING:
    from google.protobuf.descriptor_pb2 import MethodOptions
    from google.protobuf.internal.extension_dict import _ExtensionFieldDescriptor

# The option's extension of MethodOptions. protoc's generated .pyi declares it a plain
# FieldDescriptor, which the protobuf stubs do not take as an extension handle; this says what it is.
_ACCESS_EXTENSION = cast("_ExtensionFieldDescriptor[MethodOptions, access_pb2.Access]", access_pb2.access)

PUBLIC = access_pb2.Access.KIND_PUBLIC
USER = access_pb2.Access.KIND_USER
SERVICE = access_pb2.Access.KIND_SERVICE
USER_OR_SERVICE = access_pb2.Access.KIND_USER_OR_SERVICE

# gRPC's own services on every server (not our protos): probes and tools ask them without a token.
PUBLIC_BY_NATURE = frozenset({"grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"})


class MissingAccess(RuntimeError):
    """A method whose access is not declared (or declared inconsistently): the server does not start."""


@dataclass(frozen=True)
class Rule:
    kind: int
    services: frozenset[str] = frozenset()

    @property
    def takes_user_tokens(self) -> bool:
        return self.kind in (USER, USER_OR_SERVICE)

    def admit(self, authenticator: Authenticator | None) -> None:
        """Raise the DomainError that refuses the current caller, if it is not one this rule names."""
        if self.kind == PUBLIC:
            return
        if authenticator is None:  # a chain used before the server set it: a bug, never an open door
            raise RuntimeError("no authenticator to check callers with")
        if self.kind == USER:
            authenticator.require()
        elif self.kind == SERVICE:
            authenticator.require_service(self.services)
        elif self.kind == USER_OR_SERVICE:
            authenticator.require_user_or_service(self.services)


ANYONE = Rule(PUBLIC)


def method_rule(method: descriptor.MethodDescriptor) -> Rule:
    """The rule the method's option declares; MissingAccess when it has none or a contradictory one."""
    options = method.GetOptions()
    if not options.HasExtension(_ACCESS_EXTENSION):
        raise MissingAccess(
            f"{method.full_name} has no (gridam.options.v1.access) option: declare in its proto who may call it"
        )
    access = options.Extensions[_ACCESS_EXTENSION]
    services = frozenset(access.services)
    if access.kind == access_pb2.Access.KIND_UNSPECIFIED:
        raise MissingAccess(f"{method.full_name}: its access option names no kind")
    if (access.kind in (SERVICE, USER_OR_SERVICE)) != bool(services):
        raise MissingAccess(
            f"{method.full_name}: services are named with KIND_SERVICE and KIND_USER_OR_SERVICE, and only there"
        )
    return Rule(access.kind, services)


def rule_for(method: str) -> Rule:
    """The rule of the full method name `method` ("/package.Service/Method"), looked up among the
    descriptors of the imported generated code (a servicer's module imports its service's)."""
    service_name, _, method_name = method.lstrip("/").rpartition("/")
    if service_name in PUBLIC_BY_NATURE:
        return ANYONE
    try:
        found = descriptor_pool.Default().FindMethodByName(f"{service_name}.{method_name}")
    except KeyError:
        raise MissingAccess(f"{method}: no descriptor of this method, so no access option to read") from None
    return method_rule(found)


def service_rules(service: descriptor.ServiceDescriptor) -> dict[str, Rule]:
    """Every method's rule, by method name."""
    return {method.name: method_rule(method) for method in service.methods}
