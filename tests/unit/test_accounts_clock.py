"""Time rules of the account service layer, on a SQLite database and a controllable clock:
phone codes expire, a verification is good for sign-up for 10 minutes only, refresh tokens
expire."""

from __future__ import annotations

import datetime

import pytest

from gridam_runtime.errors import FailedPrecondition, Unauthenticated
from tests.support.user_layer import user_dependencies
from user_service.adapters.sms import SmsSender
from user_service.config import UserSettings
from user_service.service_layer.accounts import Accounts


class RecordingSms(SmsSender):
    """Test double of an SMS provider: keeps the last code per phone."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}

    def send(self, phone: str, code: str, text: str) -> None:
        self.codes[phone] = code


class Clock:
    def __init__(self) -> None:
        self.now = datetime.datetime(2026, 11, 24, 12, 0, 0)

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, seconds: int) -> None:
        self.now += datetime.timedelta(seconds=seconds)


@pytest.fixture
def world(tmp_path):
    clock, sms = Clock(), RecordingSms()
    with user_dependencies(UserSettings(data_dir=tmp_path), sms=sms, clock=clock) as (deps, _engine):
        yield Accounts(deps), clock, sms


def test_a_code_expires_after_three_minutes(world):
    accounts, clock, sms = world
    accounts.send_phone_code("010-1234-5678")
    clock.advance(181)
    with pytest.raises(FailedPrecondition) as failure:
        accounts.verify_phone_code("01012345678", sms.codes["01012345678"])
    assert failure.value.reason == "SMS4003"


def test_a_verification_older_than_ten_minutes_cannot_sign_up(world):
    accounts, clock, sms = world
    accounts.send_phone_code("01012345678")
    accounts.verify_phone_code("01012345678", sms.codes["01012345678"])
    clock.advance(601)
    with pytest.raises(FailedPrecondition) as failure:
        accounts.sign_up("late_user", "secret123", "늦은", "01012345678")
    assert failure.value.reason == "USER4006"


def test_a_verification_within_ten_minutes_signs_up(world):
    accounts, clock, sms = world
    accounts.send_phone_code("01012345678")
    accounts.verify_phone_code("01012345678", sms.codes["01012345678"])
    clock.advance(599)
    user = accounts.sign_up("on_time", "secret123", "제때", "01012345678")
    assert user.login_id == "on_time" and user.phone == "01012345678"


def test_a_refresh_token_expires(world):
    accounts, clock, sms = world
    accounts.send_phone_code("01012345678")
    accounts.verify_phone_code("01012345678", sms.codes["01012345678"])
    accounts.sign_up("sleeper", "secret123", "잠꾸러기", "01012345678")
    tokens = accounts.login("sleeper", "secret123", "10.0.0.1")
    clock.advance(14 * 24 * 3600 + 1)
    with pytest.raises(Unauthenticated) as failure:
        accounts.reissue(tokens.refresh_token)
    assert failure.value.reason == "AUTH4012"
