"""The SENS SMS adapter against its HTTP test double (tests/doubles/sens_sms_provider.py), which
checks the signature and the request format as SENS's documentation describes them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pydantic import ValidationError

from gridam_runtime.errors import Unavailable
from tests.doubles.sens_sms_provider import SensMessage, SensSmsProviderDouble
from user_service.adapters.sms import OutboxFileSmsSender, SensAccount, SensSmsSender, SmsSettings, build_sms_sender, sens_signature
from user_service.config import UserSettings

TEXT = "[그리담] 인증번호 [123456]를 입력해 주세요. (3분 이내)"


@pytest.fixture
def double() -> Iterator[SensSmsProviderDouble]:
    provider = SensSmsProviderDouble()
    provider.start()
    yield provider
    provider.stop()


def sender(double: SensSmsProviderDouble, *, secret_key: str | None = None, deadline: float = 4.0) -> SensSmsSender:
    return SensSmsSender(
        SensAccount(double.base_url, double.service_id, double.access_key, secret_key or double.secret_key, "02-1234-5678"),
        deadline_seconds=deadline,
    )


def test_the_signature_is_the_documented_hmac() -> None:
    # base64(HMAC-SHA256(secret, "POST /path\ntimestamp\naccess key")), computed independently:
    # printf 'POST /sms/v2/services/s/messages\n1700000000000\nAK' | openssl dgst -sha256 -hmac SK -binary | base64
    assert sens_signature("SK", "POST", "/sms/v2/services/s/messages", "1700000000000", "AK") == \
        "YxKyfT1SAbVkcWiD49L8VAbE0lhqbIAUt9pPlUJ+RGA="


def test_a_code_is_sent_as_a_signed_sms_to_the_number_given(double) -> None:
    sms = sender(double)
    sms.send("010-1234-5678", "123456", TEXT)
    sms.close()
    assert double.messages == [SensMessage(to="01012345678", type="SMS", sender="0212345678", content=TEXT)]
    assert double.last_code_for("01012345678") == "123456"


def test_a_text_over_90_euc_kr_bytes_goes_as_lms(double) -> None:
    long_text = TEXT + " 본인이 요청하지 않았다면 이 문자를 무시해 주세요. 그리담은 인증번호를 묻지 않습니다."
    sender(double).send("01012345678", "123456", long_text)
    assert [m.type for m in double.messages] == ["LMS"]


def test_a_wrong_key_is_refused_at_once_and_never_retried(double) -> None:
    with pytest.raises(Unavailable) as refused:
        sender(double, secret_key="not-the-secret").send("01012345678", "123456", TEXT)
    assert refused.value.reason == "SMS5021"
    assert "HTTP 401" in refused.value.detail and "Authentication Failed" in refused.value.detail
    assert "not-the-secret" not in refused.value.detail
    assert double.requests == 1 and double.messages == []


@pytest.mark.parametrize("status", [500, 503, 429])
def test_retryable_answers_are_retried_and_the_message_goes_out_once(double, status) -> None:
    double.fail_next(status, times=2)
    sender(double).send("01012345678", "123456", TEXT)
    assert double.requests == 3
    assert len(double.messages) == 1


def test_a_provider_that_stays_down_gives_sms5031_within_the_deadline(double) -> None:
    double.fail_next(503, times=10)
    with pytest.raises(Unavailable) as down:
        sender(double).send("01012345678", "123456", TEXT)
    assert down.value.reason == "SMS5031"
    assert "HTTP 503" in down.value.detail
    assert double.requests == 3 and double.messages == []


def test_a_timed_out_attempt_is_retried(double) -> None:
    double.delay_next(3.5)  # longer than an attempt may take (3 s)
    sender(double, deadline=8.0).send("01012345678", "123456", TEXT)
    assert double.requests == 2
    assert len(double.messages) == 1


def test_no_retry_starts_after_the_deadline(double) -> None:
    double.delay_next(2.0, times=5)
    started = time.monotonic()
    with pytest.raises(Unavailable) as late:
        sender(double, deadline=1.0).send("01012345678", "123456", TEXT)
    assert late.value.reason == "SMS5031" and "timeout" in late.value.detail
    assert double.requests == 1  # the only attempt ran out of time; none was started after it
    assert time.monotonic() - started >= 1.0


def test_an_unreachable_provider_gives_sms5031() -> None:
    unreachable = SensSmsSender(SensAccount("http://127.0.0.1:9", "svc", "ak", "sk", "0212345678"), deadline_seconds=1.0)
    with pytest.raises(Unavailable) as down:
        unreachable.send("01012345678", "123456", TEXT)
    assert down.value.reason == "SMS5031" and "connection failed" in down.value.detail


# --- settings ---------------------------------------------------------------------------


def test_sens_refuses_to_start_without_its_settings() -> None:
    with pytest.raises(ValidationError) as incomplete:
        SmsSettings(sms_provider="sens", sens_service_id="svc")
    message = str(incomplete.value)
    assert "GRIDAM_SMS_SENDER_NUMBER" in message and "GRIDAM_SENS_ACCESS_KEY" in message and "GRIDAM_SENS_SECRET_KEY" in message
    assert "GRIDAM_SENS_SERVICE_ID" not in message


def test_the_user_service_reads_the_sms_settings_from_its_environment(monkeypatch, tmp_path, double) -> None:
    for name, value in double.settings_env().items():
        monkeypatch.setenv(name, value)
    settings = UserSettings(data_dir=tmp_path)
    assert isinstance(build_sms_sender(settings, settings.sms_outbox_path), SensSmsSender)
    assert double.secret_key not in repr(settings)
    monkeypatch.setenv("GRIDAM_SMS_PROVIDER", "outbox")
    settings = UserSettings(data_dir=tmp_path)
    assert isinstance(build_sms_sender(settings, settings.sms_outbox_path), OutboxFileSmsSender)
