"""SMS delivery behind one interface (`SmsSender.send`), chosen by GRIDAM_SMS_PROVIDER.

- `outbox` (the default: `make run`, the tests): `OutboxFileSmsSender` sends nothing. It writes
  each message as one JSON line to `<data dir>/sms-outbox.jsonl`, where a developer (or a test)
  reads the code. The chart cannot select it (values.schema.json).
- `sens`: `SensSmsSender` sends through NAVER Cloud Platform's SENS (Simple & Easy Notification
  Service) SMS API v2, as its public documentation describes it:
  https://api.ncloud-docs.com/docs/ai-application-service-sens-smsv2 (the message API) and
  https://api.ncloud-docs.com/docs/common-ncpapi (the request signature).

Why SENS: it is the SMS service of a major Korean cloud, widely used by Korean services, sold
with a contract and a registered sender number as Korean law requires (발신번호 사전등록); its
REST API needs no SDK (one signed JSON POST), and its signing scheme, an HMAC-SHA256 over the
method, path, timestamp and access key, is the same for every NCP API, so keys and audits are
handled like the rest of an NCP account.

The request: `POST {base}/sms/v2/services/{serviceId}/messages` with
`x-ncp-apigw-timestamp` (ms since the epoch; the gateway refuses one more than 5 minutes off),
`x-ncp-iam-access-key` and `x-ncp-apigw-signature-v2` = base64(HMAC-SHA256(secret key,
"POST {path}\\n{timestamp}\\n{access key}")), and a body
`{"type": "SMS"|"LMS", "contentType": "COMM", "countryCode": "82", "from", "content",
"messages": [{"to"}]}` (numbers as digits). SMS holds 90 bytes of EUC-KR, longer texts go as
LMS. The answer to an accepted request is HTTP 202 with `{"requestId", "requestTime",
"statusCode": "202", "statusName": "success"}`.

Timeouts and retries. `send` runs in a worker thread of the user service while the gateway's call
waits (GRIDAM_CALL_TIMEOUT_SECONDS, 5 s), so every attempt of one message together fits in
GRIDAM_SMS_SEND_DEADLINE_SECONDS (4 s): an attempt gets at most ATTEMPT_TIMEOUT, and a retry is
made only when time for it is left. Retried: connection failures, timeouts, 429 (its
Retry-After honoured when it fits) and 5xx, each attempt newly signed. A retry after a timeout
may deliver the message twice; it carries the same code, so the user is not confused. Not
retried: 400, 401, 403, 404 (the keys, the service id, the sender number or the message are
wrong: an operator must act).

Failures become domain errors that the gateway shows in Korean (gridam_gateway.errors):
- `Unavailable("SMS5031")`: the provider could not be reached or stayed busy within the deadline;
- `Unavailable("SMS5021")`: the provider refused the request or answered nonsense.
The `detail` (logs) names the status and the provider's error, never a key or the signature.
"""

from __future__ import annotations

import abc
import base64
import datetime
import fcntl
import hashlib
import hmac
import logging
import os
import pathlib
import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

import httpx
import orjson
from pydantic import BaseModel, Field, model_validator

from gridam_runtime.errors import Unavailable

log = logging.getLogger("gridam.user.sms")

SENS_BASE_URL = "https://sens.apigw.ntruss.com"
SMS_UNAVAILABLE = "SMS5031"
SMS_REFUSED = "SMS5021"
# An SMS holds 90 bytes of EUC-KR (a Hangul syllable is 2); longer texts go as LMS.
SMS_MAX_EUC_KR_BYTES = 90
ATTEMPT_TIMEOUT_SECONDS = 3.0
CONNECT_TIMEOUT_SECONDS = 2.0
MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.3  # before the second attempt; doubled, jittered, for the next
# A retry is not started with less time left than this: it could not finish.
MIN_ATTEMPT_SECONDS = 0.5
_MAX_DETAIL_FIELD = 200


class SmsSender(abc.ABC):
    @abc.abstractmethod
    def send(self, phone: str, code: str, text: str) -> None: ...

    def close(self) -> None:  # noqa: B027 - an optional hook: a sender may hold nothing
        """Release what the sender holds (connections)."""


class OutboxFileSmsSender(SmsSender):
    """The development sender: nothing leaves the machine (see the module's docstring)."""

    def __init__(self, path: pathlib.Path) -> None:
        self._path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def send(self, phone: str, code: str, text: str) -> None:
        line = orjson.dumps(
            {"phone": phone, "code": code, "text": text, "at": datetime.datetime.now(datetime.UTC).isoformat()}
        )
        # One write of a whole line under a lock, so concurrent senders never interleave.
        with open(self._path, "ab") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            f.write(line + b"\n")
            f.flush()
            os.fsync(f.fileno())


class SmsSettings(BaseModel):
    """The SMS settings of the user service (UserSettings has them: GRIDAM_SMS_*, GRIDAM_SENS_*)."""

    sms_provider: Literal["outbox", "sens"] = "outbox"
    # The sender number (발신번호) registered with the provider.
    sms_sender_number: str = ""
    # Every attempt to send one message together: under the gateway's call timeout (5 s).
    sms_send_deadline_seconds: float = Field(4.0, gt=0)
    sens_base_url: str = SENS_BASE_URL
    sens_service_id: str = ""
    sens_access_key: str = Field("", repr=False)
    sens_secret_key: str = Field("", repr=False)

    @model_validator(mode="after")
    def _sens_complete(self) -> SmsSettings:
        if self.sms_provider == "sens":
            missing = [
                f"GRIDAM_{name.upper()}"
                for name in ("sms_sender_number", "sens_service_id", "sens_access_key", "sens_secret_key")
                if not getattr(self, name)
            ]
            if missing:
                raise ValueError(f"GRIDAM_SMS_PROVIDER=sens needs {', '.join(missing)}")
            if not re.fullmatch(r"\d{8,11}", _digits(self.sms_sender_number)):
                raise ValueError("GRIDAM_SMS_SENDER_NUMBER must be a Korean telephone number (8 to 11 digits)")
        return self


def build_sms_sender(settings: SmsSettings, outbox_path: pathlib.Path) -> SmsSender:
    if settings.sms_provider == "sens":
        return SensSmsSender(
            SensAccount(
                base_url=settings.sens_base_url,
                service_id=settings.sens_service_id,
                access_key=settings.sens_access_key,
                secret_key=settings.sens_secret_key,
                sender_number=settings.sms_sender_number,
            ),
            deadline_seconds=settings.sms_send_deadline_seconds,
        )
    log.warning("development SMS sender: codes are written to %s, never sent", outbox_path)
    return OutboxFileSmsSender(outbox_path)


@dataclass(frozen=True)
class SensAccount:
    base_url: str
    service_id: str
    access_key: str
    secret_key: str
    sender_number: str

    @property
    def messages_path(self) -> str:
        # SENS service ids hold colons (ncp:sms:kr:<number>:<name>), which a path may carry as they are.
        return f"/sms/v2/services/{quote(self.service_id, safe=':')}/messages"


def sens_signature(secret_key: str, method: str, path: str, timestamp: str, access_key: str) -> str:
    """x-ncp-apigw-signature-v2: base64(HMAC-SHA256(secret, "METHOD path\\ntimestamp\\naccess key"))."""
    message = f"{method} {path}\n{timestamp}\n{access_key}".encode()
    return base64.b64encode(hmac.new(secret_key.encode(), message, hashlib.sha256).digest()).decode()


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def _masked(phone: str) -> str:
    return phone[:3] + "*" * max(0, len(phone) - 7) + phone[-4:]


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class SensSmsSender(SmsSender):
    def __init__(
        self,
        account: SensAccount,
        *,
        deadline_seconds: float = 4.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._account = account
        self._deadline_seconds = deadline_seconds
        self._clock = clock  # wall clock for the signed timestamp; deadlines use time.monotonic
        self._client = httpx.Client(base_url=account.base_url.rstrip("/"), transport=transport, follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def send(self, phone: str, code: str, text: str) -> None:
        to = _digits(phone)
        body = orjson.dumps({
            "type": "SMS" if len(text.encode("euc-kr", errors="replace")) <= SMS_MAX_EUC_KR_BYTES else "LMS",
            "contentType": "COMM",
            "countryCode": "82",
            "from": _digits(self._account.sender_number),
            "content": text,
            "messages": [{"to": to}],
        })
        deadline = time.monotonic() + self._deadline_seconds
        backoff = BACKOFF_SECONDS
        failures: list[str] = []
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                request_id = self._attempt(body, deadline - time.monotonic())
            except _Retryable as failure:
                failures.append(str(failure))
                wait = backoff * random.uniform(0.5, 1.5)
                if failure.retry_after is not None:
                    wait = max(wait, failure.retry_after)
                backoff *= 2
                if attempt == MAX_ATTEMPTS or time.monotonic() + wait + MIN_ATTEMPT_SECONDS > deadline:
                    break
                time.sleep(wait)
                continue
            log.info("sms sent", extra={"provider": "sens", "to": _masked(to), "request_id": request_id, "attempts": attempt})
            return
        log.warning("sms not sent", extra={"provider": "sens", "to": _masked(to), "failures": failures})
        raise Unavailable(SMS_UNAVAILABLE, f"SENS did not accept the message within {self._deadline_seconds:g} s: {'; '.join(failures)}")

    def _attempt(self, body: bytes, time_left: float) -> str:
        """One signed request; the provider's request id when it accepted the message."""
        path = self._account.messages_path
        timestamp = str(int(self._clock() * 1000))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "x-ncp-apigw-timestamp": timestamp,
            "x-ncp-iam-access-key": self._account.access_key,
            "x-ncp-apigw-signature-v2": sens_signature(self._account.secret_key, "POST", path, timestamp, self._account.access_key),
        }
        limit = max(0.05, min(ATTEMPT_TIMEOUT_SECONDS, time_left))
        timeout = httpx.Timeout(limit, connect=min(CONNECT_TIMEOUT_SECONDS, limit))
        try:
            response = self._client.post(path, content=body, headers=headers, timeout=timeout)
        except httpx.TimeoutException:
            raise _Retryable("timeout") from None
        except httpx.TransportError as error:
            raise _Retryable(f"connection failed ({type(error).__name__})") from None
        status = response.status_code
        if status == 429 or status >= 500:
            raise _Retryable(f"HTTP {status} {_provider_error(response)}", _retry_after(response))
        if status != 202:
            raise Unavailable(SMS_REFUSED, f"SENS refused the message: HTTP {status} {_provider_error(response)}")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or answer.get("statusCode") != "202":
            raise Unavailable(SMS_REFUSED, f"SENS answered 202 without an accepted status: {response.text[:_MAX_DETAIL_FIELD]!r}")
        return str(answer.get("requestId", ""))


def _provider_error(response: httpx.Response) -> str:
    """The provider's error, short, for the logs (its answers never echo our keys)."""
    try:
        answer = response.json()
    except ValueError:
        return repr(response.text[:_MAX_DETAIL_FIELD])
    error = answer.get("error", answer) if isinstance(answer, dict) else answer
    return repr(str(error)[:_MAX_DETAIL_FIELD])


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None
