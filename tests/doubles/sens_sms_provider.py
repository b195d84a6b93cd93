"""TEST DOUBLE of NAVER Cloud Platform's SENS SMS API v2 (message sending).

This is NOT SENS. It is a small in-process HTTP server that checks requests the way the public
documentation describes them (https://api.ncloud-docs.com/docs/ai-application-service-sens-smsv2,
https://api.ncloud-docs.com/docs/common-ncpapi), so that the user service's SENS adapter can be
tested without network access (the real service cannot be reached from our machines, and would
send real messages). Passing tests against it prove the adapter signs and shapes its requests as
documented; they are not tests against SENS.

Route (under the base URL returned by `start()`):

    POST /sms/v2/services/{serviceId}/messages    mirrors https://sens.apigw.ntruss.com/...

What it checks, in order, answering as documented where the documentation says how:
- the service id is the registered one, else 404;
- `x-ncp-iam-access-key` is the registered key, `x-ncp-apigw-timestamp` is within 5 minutes of
  now and `x-ncp-apigw-signature-v2` is base64(HMAC-SHA256(secret, "POST {path}\\n{timestamp}\\n
  {access key}")), else 401 `{"error": {"errorCode", "message", "details"}}` (the API gateway's
  error shape; its exact codes and texts are a best guess);
- `Content-Type` is JSON and the body has `type` SMS/LMS/MMS, `from` (the registered sender
  number, digits), `content`, `messages` [{`to`: digits}], an SMS content within 90 bytes of
  EUC-KR, else 400 with the same error shape (a best guess too).
An accepted message is recorded (`messages`) and answered 202 `{"requestId", "requestTime",
"statusCode": "202", "statusName": "success"}`.

Misbehaviour switches for error-path tests: `fail_next(status, times)` answers the next requests
with that status (429 with `Retry-After: 0`), `delay_next(seconds, times)` holds them before
answering (to reach the client's timeout).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# How often the server thread looks for shutdown (the stdlib default, 0.5 s, is what each stop waited).
POLL_SECONDS = 0.05

SIGNATURE_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class SensMessage:
    to: str
    type: str
    sender: str
    content: str


@dataclass
class SensSmsProviderDouble:
    service_id: str = "ncp:sms:kr:000000000000:gridam"
    access_key: str = "TESTDOUBLEACCESSKEY0"
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(30))
    sender_number: str = "0212345678"
    messages: list[SensMessage] = field(default_factory=list)
    requests: int = 0  # every request that reached the double, answered or refused
    _faults: list[tuple[str, float]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # --- lifecycle ----------------------------------------------------------------------------

    def start(self) -> str:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                status, body, headers = double._answer(self.path, dict(self.headers), self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(POLL_SECONDS,), daemon=True).start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def settings_env(self) -> dict[str, str]:
        """The user service's settings that point its SENS sender here."""
        return {
            "GRIDAM_SMS_PROVIDER": "sens",
            "GRIDAM_SMS_SENDER_NUMBER": self.sender_number,
            "GRIDAM_SENS_BASE_URL": self.base_url,
            "GRIDAM_SENS_SERVICE_ID": self.service_id,
            "GRIDAM_SENS_ACCESS_KEY": self.access_key,
            "GRIDAM_SENS_SECRET_KEY": self.secret_key,
        }

    # --- switches and inspection --------------------------------------------------------------

    def fail_next(self, status: int, times: int = 1) -> None:
        with self._lock:
            self._faults += [(f"status:{status}", 0.0)] * times

    def delay_next(self, seconds: float, times: int = 1) -> None:
        with self._lock:
            self._faults += [("delay", seconds)] * times

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self.messages.clear()
            self.requests = 0

    def last_code_for(self, phone: str) -> str:
        """The six-digit code of the last message to `phone` (digits)."""
        [*_, last] = [m for m in self.messages if m.to == phone]
        return last.content.split("[")[2].split("]")[0]

    # --- the API ------------------------------------------------------------------------------

    def _answer(self, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict, dict[str, str]]:
        headers = {k.lower(): v for k, v in headers.items()}
        with self._lock:
            self.requests += 1
            fault = self._faults.pop(0) if self._faults else None
        if fault is not None and fault[0] == "delay":
            time.sleep(fault[1])
        if path != f"/sms/v2/services/{self.service_id}/messages":
            return 404, _error("404", "Not Found", "no such service"), {}
        timestamp = headers.get("x-ncp-apigw-timestamp", "")
        expected = base64.b64encode(hmac.new(
            self.secret_key.encode(), f"POST {path}\n{timestamp}\n{self.access_key}".encode(), hashlib.sha256
        ).digest()).decode()
        if (
            headers.get("x-ncp-iam-access-key") != self.access_key
            or not timestamp.isdigit()
            or abs(time.time() * 1000 - int(timestamp)) > SIGNATURE_WINDOW_SECONDS * 1000
            or not hmac.compare_digest(headers.get("x-ncp-apigw-signature-v2", ""), expected)
        ):
            return 401, _error("200", "Authentication Failed", "Invalid authentication information."), {}
        if fault is not None and fault[0].startswith("status:"):
            status = int(fault[0].removeprefix("status:"))
            return status, _error(str(status), "Injected failure", "test double"), ({"Retry-After": "0"} if status == 429 else {})
        if not headers.get("content-type", "").startswith("application/json"):
            return 400, _error("400", "Bad Request", "Content-Type must be application/json"), {}
        problem = self._invalid(raw)
        if problem:
            return 400, _error("400", "Bad Request", problem), {}
        body = json.loads(raw)
        with self._lock:
            for message in body["messages"]:
                self.messages.append(SensMessage(message["to"], body["type"].upper(), body["from"], message.get("content", body["content"])))
        return 202, {
            "requestId": "RSSA-" + secrets.token_hex(8),
            "requestTime": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "statusCode": "202",
            "statusName": "success",
        }, {}

    def _invalid(self, raw: bytes) -> str:
        try:
            body = json.loads(raw)
        except ValueError:
            return "body is not JSON"
        if not isinstance(body, dict):
            return "body is not an object"
        kind = str(body.get("type", "")).upper()
        if kind not in ("SMS", "LMS", "MMS"):
            return "type must be SMS, LMS or MMS"
        if body.get("contentType", "COMM") not in ("COMM", "AD"):
            return "contentType must be COMM or AD"
        if body.get("from") != self.sender_number:
            return "from is not a registered sender number"
        content = body.get("content")
        if not isinstance(content, str) or not content:
            return "content is required"
        if kind == "SMS" and len(content.encode("euc-kr", errors="replace")) > 90:
            return "an SMS holds 90 bytes (EUC-KR)"
        messages = body.get("messages")
        if not isinstance(messages, list) or not 1 <= len(messages) <= 100:
            return "messages must hold 1 to 100 recipients"
        if not all(isinstance(m, dict) and str(m.get("to", "")).isdigit() for m in messages):
            return "messages[].to must be digits"
        return ""


def _error(code: str, message: str, details: str) -> dict:
    return {"error": {"errorCode": code, "message": message, "details": details}}
