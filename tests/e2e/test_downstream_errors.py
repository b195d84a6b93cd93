"""A web request whose downstream call fails for a reason that is not the user's gets 503 or 500
with the Korean message, never the callee's 400 or 401: the web client would otherwise tell the
person their input was wrong, or sign them out.

GET /api/emotion-cards/card-image of a diary without a card goes gateway -> card service -> diary
service (is this the caller's diary?), with the caller's token forwarded."""

from __future__ import annotations

import json
import pathlib
import signal
import time

import grpc
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gridam_gateway.errors import INTERNAL_MESSAGE, STATUS_FALLBACK
from tests.support.api import Api, User
from tests.support.web import assert_error

NO_SUCH_DIARY = "/api/emotion-cards/card-image?diaryId=987654321"


def stranger_public_key(folder: pathlib.Path) -> pathlib.Path:
    """An Ed25519 public key that verifies no access token the user service issued."""
    path = folder / "not-the-user-service.pub.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return path


def once_reconnected(api: Api, user: User, path: str = NO_SUCH_DIARY) -> httpx.Response:
    """The answer once the caller's channel has found the diary service started again (each
    channel retries a refused connection after its own back-off of up to 2 s, answering 503
    meanwhile): the card service's for NO_SUCH_DIARY, the gateway's for its own diary calls."""
    deadline = time.monotonic() + 30
    while (reply := api.get(path, user)).status_code == 503 and time.monotonic() < deadline:
        time.sleep(0.2)
    return reply


@pytest.mark.parametrize("stack", ["embedded"], indirect=True)
def test_a_callee_failing_for_its_own_reasons_is_a_server_error_not_the_users(api: Api, tmp_path: pathlib.Path):
    stack = api.stack
    user = api.new_user()
    # The callee's answer about the user's own request passes through: not their diary, 404.
    assert_error(api.get(NO_SUCH_DIARY, user), 404, "DIARY4041")
    diary = stack.process("diary-service").process
    diary_port = int(stack.env["GRIDAM_DIARY_SERVICE_ADDR"].rpartition(":")[2])  # where callers find it
    diary.send_signal(signal.SIGKILL)
    diary.wait()
    try:
        # The callee is down: 503, which the web client may try again.
        down = assert_error(api.get(NO_SUCH_DIARY, user), 503, "COMMON5030")
        assert down["message"] == STATUS_FALLBACK[grpc.StatusCode.UNAVAILABLE][2]
        # The callee is up but holds the wrong public key for users' tokens: it refuses the token
        # the card service forwards (UNAUTHENTICATED, AUTH4011). That is a fault between services:
        # the person, whose token is valid, gets a 500, not the 401 that would sign them out.
        misconfigured = stack.start_instance(
            "diary-service", diary_port, env={"GRIDAM_JWT_PUBLIC_KEY_FILE": str(stranger_public_key(tmp_path))}
        )
        fault = assert_error(once_reconnected(api, user), 500, "COMMON500")
        assert fault["message"] == INTERNAL_MESSAGE
        assert "diary" not in json.dumps(fault, ensure_ascii=False).lower()  # the callee is named in the log only
        logged = [json.loads(line) for line in (stack.log_dir / "card-service.log").read_text().splitlines()
                  if line.startswith("{") and '"callee failed"' in line]
        assert any((entry["callee"], entry["callee.reason"]) == ("gridam-diary/GetDiary", "AUTH4011") for entry in logged)
        misconfigured.process.send_signal(signal.SIGKILL)
        misconfigured.process.wait()
    finally:
        stack.restart_service("diary-service")
    assert_error(once_reconnected(api, user), 404, "DIARY4041")
    # Leave the stack as the next test expects it: the gateway's channel reconnected too.
    assert once_reconnected(api, user, "/api/diary/list").status_code == 200
