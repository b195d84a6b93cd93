"""uvicorn's httptools protocol with bounds on what a client can hold: the size and number of a
request's headers, and how long it may take to send them or pause in its body.

uvicorn bounds none of these with httptools (a 16 MiB header and 20,000 headers were accepted,
and a client sending a byte every few seconds held its connection for as long as it liked).
A refused request gets the web API's error envelope and the connection is closed:
431 COMMON4311 for headers too large or too many, 408 COMMON4081 for a client too slow.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.server import ServerState

from gridam_gateway.errors import api_error_response


@dataclass(frozen=True)
class HttpLimits:
    max_header_bytes: int  # request line and headers together
    max_headers: int
    header_timeout_seconds: float  # from a request's first byte to the end of its headers
    body_timeout_seconds: float  # the longest pause inside a request's body


class _Refused(Exception):
    """Raised inside a parser callback to stop parsing; the refusal is then sent."""


HEADERS, BODY, IDLE = "headers", "body", "idle"


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
        *,
        limits: HttpLimits,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._limits = limits
        self._phase = IDLE
        self._head_bytes = 0
        self._header_count = 0
        self._timer: asyncio.TimerHandle | None = None
        self._refusal: str | None = None  # the error code to answer with instead of uvicorn's 400

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Counted while the headers are still incomplete, before httptools has buffered a
        # header much larger than the limit (the exact size is checked when they are complete).
        if self._phase == HEADERS and self._refusal is None:
            self._head_bytes += len(data)
            if self._head_bytes > self._limits.max_header_bytes:
                self._refuse("COMMON4311")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._phase, self._head_bytes, self._header_count = HEADERS, 0, 0
        self._arm(self._limits.header_timeout_seconds)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_count += 1
        if self._header_count > self._limits.max_headers:
            self._refusal = "COMMON4311"
            raise _Refused
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        size = len(self.url) + sum(len(name) + len(value) for name, value in self.headers)
        if size > self._limits.max_header_bytes:
            self._refusal = "COMMON4311"
            raise _Refused
        self._phase = BODY
        self._arm(self._limits.body_timeout_seconds)
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._arm(self._limits.body_timeout_seconds)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._phase = IDLE
        self._disarm()
        super().on_message_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers any parser error with a bare 400; a callback above stopped the parser.
        if self._refusal is not None:
            self._send_refusal(self._refusal)
        else:
            super().send_400_response(msg)

    def _arm(self, seconds: float) -> None:
        self._disarm()
        self._timer = self.loop.call_later(seconds, self._timed_out)

    def _disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _timed_out(self) -> None:
        self._timer = None
        if self._phase == BODY and self.flow.read_paused:
            # uvicorn stopped reading until the app takes the body it holds: the wait is ours.
            self._arm(self._limits.body_timeout_seconds)
        elif self._phase != IDLE:
            self._refuse("COMMON4081")

    def _refuse(self, code: str) -> None:
        self._refusal = code
        self._send_refusal(code)

    def _send_refusal(self, code: str) -> None:
        if self.transport.is_closing():
            return
        self._disarm()
        response = api_error_response(code)
        head = [STATUS_LINE[response.status_code]]
        head += [name + b": " + value + b"\r\n" for name, value in response.raw_headers]
        self.transport.write(b"".join([*head, b"connection: close\r\n\r\n", response.body]))
        self.transport.close()
