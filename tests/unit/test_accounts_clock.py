"""Time rules of the account service layer, on a SQLite database and a controllable clock:
phone codes expire, a phone gets 10 codes a day, a verification is good for sign-up for
10 minutes only, refresh tokens expire."""

from __future__ import annotations

import datetime

import pytest

from gridam_runtime.errors import FailedPrecondition, ResourceExhausted, Unauthenticated
from gridam_runtime.kv import InProcessRateLimiter
from gridam_runtime.limits import Limiter
from tests.support.user_layer import user_dependencies
from user_service.adapters.sms import SmsSender
from user_service.config import UserSettings
from user_service.service_layer.accounts import Accounts


class RecordingSms(SmsSender):
    """Test double of an SMS provider: keeps the last code per phone and the phones sent to."""

    def __init__(self) -> None:
        self.codes: dict[str, str] = {}
        self.sent: list[str] = []

    def send(self, phone: str, code: str, text: str) -> None:
        self.codes[phone] = code
        self.sent.append(phone)


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
    limiter = Limiter(InProcessRateLimiter(clock=lambda: clock.now.timestamp()))  # the send limits follow the clock too
    with user_dependencies(UserSettings(data_dir=tmp_path), sms=sms, clock=clock, limiter=limiter) as (deps, _engine):
        yield Accounts(deps), clock, sms


async def test_a_code_expires_after_three_minutes(world):
    accounts, clock, sms = world
    await accounts.send_phone_code("010-1234-5678")
    clock.advance(181)
    with pytest.raises(FailedPrecondition) as failure:
        await accounts.verify_phone_code("01012345678", sms.codes["01012345678"])
    assert failure.value.reason == "SMS4003"


async def test_a_phone_gets_ten_codes_a_day(world):
    accounts, clock, sms = world
    first_sent = clock.now
    for _ in range(10):
        await accounts.send_phone_code("01012345678")
        clock.advance(31)  # past the 30-second resend interval
    assert sms.sent == ["01012345678"] * 10
    with pytest.raises(ResourceExhausted) as failure:
        await accounts.send_phone_code("01012345678")
    assert (failure.value.reason, failure.value.retry_after_seconds) == ("SMS4293", 24 * 3600 - 10 * 31)
    # The day is the 24 hours from the first code, not the calendar day: past midnight it still holds.
    clock.now = first_sent + datetime.timedelta(days=1, seconds=-31)
    with pytest.raises(ResourceExhausted) as failure:
        await accounts.send_phone_code("01012345678")
    assert (failure.value.reason, failure.value.retry_after_seconds) == ("SMS4293", 31)
    assert len(sms.sent) == 10
    clock.advance(31)
    await accounts.send_phone_code("01012345678")
    assert len(sms.sent) == 11


async def verify(accounts: Accounts, sms: RecordingSms, phone: str) -> None:
    await accounts.send_phone_code(phone)
    await accounts.verify_phone_code(phone, sms.codes[phone])


async def test_a_verification_older_than_ten_minutes_cannot_sign_up(world):
    accounts, clock, sms = world
    await verify(accounts, sms, "01012345678")
    clock.advance(601)
    with pytest.raises(FailedPrecondition) as failure:
        await accounts.sign_up("late_user", "secret123", "늦은", "01012345678")
    assert failure.value.reason == "USER4006"


async def test_a_verification_within_ten_minutes_signs_up(world):
    accounts, clock, sms = world
    await verify(accounts, sms, "01012345678")
    clock.advance(599)
    user = await accounts.sign_up("on_time", "secret123", "제때", "01012345678")
    assert user.login_id == "on_time" and user.phone == "01012345678"


async def test_one_address_gets_twenty_codes_an_hour_whatever_the_numbers(world):
    accounts, clock, sms = world
    for n in range(20):
        await accounts.send_phone_code(f"0101234{n:04d}", "203.0.113.9")
    with pytest.raises(ResourceExhausted) as failure:
        await accounts.send_phone_code("01099998888", "203.0.113.9")
    assert (failure.value.reason, failure.value.retry_after_seconds) == ("SMS4294", 3600)
    await accounts.send_phone_code("01099998888", "198.51.100.7")  # another address is not held up
    clock.advance(3600)
    await accounts.send_phone_code("01077776666", "203.0.113.9")  # nor this one, an hour later
    assert len(sms.sent) == 22


async def test_asking_for_a_new_code_does_not_cancel_a_verification(world):
    accounts, clock, sms = world
    await verify(accounts, sms, "01012345678")
    clock.advance(31)
    await accounts.send_phone_code("01012345678", "203.0.113.9")  # someone else asks for the number
    user = await accounts.sign_up("still_me", "secret123", "나", "01012345678")
    assert user.phone == "01012345678"


async def test_a_refresh_token_expires(world):
    accounts, clock, sms = world
    await verify(accounts, sms, "01012345678")
    await accounts.sign_up("sleeper", "secret123", "잠꾸러기", "01012345678")
    tokens = await accounts.login("sleeper", "secret123", "10.0.0.1")
    clock.advance(14 * 24 * 3600 + 1)
    with pytest.raises(Unauthenticated) as failure:
        await accounts.reissue(tokens.refresh_token)
    assert failure.value.reason == "AUTH4012"
