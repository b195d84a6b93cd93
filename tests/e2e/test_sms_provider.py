"""Sign-up through the gateway with the real SMS adapter (Naver Cloud SENS) pointed at its HTTP
test double (tests/doubles/sens_sms_provider.py), which checks every request's signature and
format: the code arrives only as a provider message (no outbox file), and a provider that fails
gives the user a Korean message."""

from __future__ import annotations

import pathlib
from collections.abc import Iterator

import pytest

from gridam_devtools.devstack import DevStack
from tests.doubles.sens_sms_provider import SensSmsProviderDouble
from tests.support.api import Api, client_address, new_phone
from tests.support.servers import stack_env
from tests.support.web import assert_error


class SensApi(Api):
    """The web API client reading codes from the SENS test double instead of the dev outbox."""

    def __init__(self, stack: DevStack, provider: SensSmsProviderDouble) -> None:
        super().__init__(stack)
        self.provider = provider

    def last_code(self, phone: str) -> str:
        return self.provider.last_code_for(phone)


@pytest.fixture(scope="module")
def sens_provider() -> Iterator[SensSmsProviderDouble]:
    provider = SensSmsProviderDouble()
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture(scope="module")
def sens_api(infra_root: pathlib.Path, sens_provider: SensSmsProviderDouble) -> Iterator[SensApi]:
    data_dir = infra_root / "stack-sens"
    stack = DevStack(stack_env(data_dir) | sens_provider.settings_env(), log_dir=data_dir)
    try:
        stack.start()
        api = SensApi(stack, sens_provider)
        yield api
        api.http.close()
    finally:
        stack.stop()


@pytest.fixture(autouse=True)
def fresh_provider(sens_provider: SensSmsProviderDouble) -> None:
    sens_provider.clear()


def send_code(api: Api, phone: str):
    return api.http.post("/api/auth/sms/send", json={"phoneNum": phone}, headers={"X-Forwarded-For": client_address()})


def test_sign_up_with_the_code_the_provider_delivered(sens_api: SensApi, sens_provider: SensSmsProviderDouble):
    user = sens_api.new_user()  # sends the code, verifies it as received, signs up and logs in
    assert sens_api.get("/api/users/profile", user).status_code == 200
    [message] = [m for m in sens_provider.messages if m.to == user.phone]
    assert message.type == "SMS" and message.sender == sens_provider.sender_number
    assert message.content.startswith("[그리담] 인증번호 [")
    assert not sens_api.outbox.exists()  # the development sender was not used


def test_a_provider_that_stays_down_is_a_korean_503(sens_api: SensApi, sens_provider: SensSmsProviderDouble):
    sens_provider.fail_next(503, times=10)
    body = assert_error(send_code(sens_api, new_phone()), 503, "SMS5031")
    assert body["message"] == "인증번호 문자를 보내지 못했습니다. 잠시 후 다시 시도해주세요."


def test_a_passing_provider_failure_is_retried_unseen(sens_api: SensApi, sens_provider: SensSmsProviderDouble):
    sens_provider.fail_next(500)
    phone = new_phone()
    assert send_code(sens_api, phone).json()["success"]
    assert sens_provider.requests == 2 and [m.to for m in sens_provider.messages] == [phone]


def test_a_provider_that_refuses_the_account_is_a_korean_502(sens_api: SensApi, sens_provider: SensSmsProviderDouble):
    sens_provider.fail_next(403)  # e.g. a sender number the provider no longer accepts
    body = assert_error(send_code(sens_api, new_phone()), 502, "SMS5021")
    assert "고객센터" in body["message"]
    assert sens_provider.requests == 1  # not retried
