"""Services of the runtime's own tests (raw-bytes methods, no proto file): declared in the
descriptor pool with the access option each method needs, as every method served through
the runtime's call chain must be (gridam_runtime.access)."""

from __future__ import annotations

from google.protobuf import descriptor, descriptor_pb2, descriptor_pool, empty_pb2

from gridam.options.v1 import access_pb2


def declared_service(full_name: str, methods: dict[str, int | None]) -> descriptor.ServiceDescriptor:
    """The service `full_name`, added to the default pool once: each method with the access kind
    given (gridam_runtime.access.PUBLIC, ...; None: no option)."""
    pool = descriptor_pool.Default()
    try:
        return pool.FindServiceByName(full_name)
    except KeyError:
        pass
    package, _, name = full_name.rpartition(".")
    proto = descriptor_pb2.FileDescriptorProto(
        name=f"tests/{full_name}.proto", package=package, syntax="proto3", dependency=[empty_pb2.DESCRIPTOR.name]
    )
    service = proto.service.add(name=name)
    for method_name, kind in methods.items():
        method = service.method.add(
            name=method_name, input_type=".google.protobuf.Empty", output_type=".google.protobuf.Empty"
        )
        if kind is not None:
            method.options.Extensions[access_pb2.access].kind = kind
    pool.AddSerializedFile(proto.SerializeToString())
    return pool.FindServiceByName(full_name)
