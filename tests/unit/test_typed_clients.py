"""Calls between services are type-checked (gridam_runtime.clients): ClientFactory.client returns
the ServiceClient typed as the generated stub (`*_pb2_grpc.pyi`, make proto), so mypy finds a
renamed method, a wrong request and a missing reply field; at run time it is the ServiceClient."""

from __future__ import annotations

import pathlib
import re

from mypy import api

from gridam.user.v1 import user_service_pb2, user_service_pb2_grpc
from gridam_runtime.clients import ClientFactory, ServiceClient
from gridam_runtime.discovery import StaticDiscovery

ROOT = pathlib.Path(__file__).resolve().parents[2]

CALLS = '''
from gridam.user.v1 import user_service_pb2 as pb, user_service_pb2_grpc
from gridam_runtime.clients import ClientFactory


async def calls(factory: ClientFactory) -> None:
    users = factory.client("gridam-user", user_service_pb2_grpc.UserServiceStub,
                           pb.DESCRIPTOR.services_by_name["UserService"])
    reply = await users.GetProfile(pb.GetProfileRequest(user_id="a"), timeout=2.0)
    reveal_type(reply)
    print(reply.profile.nickname)
    print(reply.profile.nick_name)  # line 12: no such field
    await users.GetProfileList(pb.GetProfileRequest())  # line 13: no such method
    await users.GetProfile(pb.LoginRequest())  # line 14: another method's request
'''


def test_mypy_checks_the_method_the_request_and_the_reply(tmp_path: pathlib.Path) -> None:
    module = tmp_path / "calls.py"
    module.write_text(CALLS)
    out, err, _ = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--no-error-summary", str(module)])
    assert not err, err
    assert 'calls.py:10: note: Revealed type is "gridam.user.v1.user_service_pb2.GetProfileResponse"' in out, out
    errors = {(int(line), code) for line, code in re.findall(r"calls\.py:(\d+): error: .*\[([a-z-]+)\]$", out, re.M)}
    assert errors == {(12, "attr-defined"), (13, "attr-defined"), (14, "arg-type")}, out


async def test_the_typed_client_is_the_service_client() -> None:
    factory = ClientFactory(StaticDiscovery({}), 1.0)
    users = factory.client(
        "gridam-user",
        user_service_pb2_grpc.UserServiceStub,
        user_service_pb2.DESCRIPTOR.services_by_name["UserService"],
    )
    assert isinstance(users, ServiceClient)
    await factory.close()
