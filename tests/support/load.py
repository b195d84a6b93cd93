"""A steady load of API reads from a thread, every answer recorded, bounded in count and time."""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass

import httpx

from tests.support.waiting import wait_until


@dataclass(frozen=True)
class Answer:
    at: float  # time.monotonic() when the request was sent
    path: str
    status: int  # 0: no HTTP answer
    code: str  # the envelope's code, or the transport error

    @property
    def ok(self) -> bool:
        return self.status == 200


class SteadyLoad:
    """GETs of `paths` in turn, one at a time with a short pause, until stopped or until
    `max_requests` or `max_seconds` are reached."""

    def __init__(
        self,
        base_url: str,
        paths: list[str],
        headers: dict[str, str],
        *,
        pause_s: float = 0.02,
        max_requests: int = 20_000,
        max_seconds: float = 180.0,
    ) -> None:
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=30)
        self._paths = paths
        self._pause_s = pause_s
        self._max_requests = max_requests
        self._max_seconds = max_seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="steady-load", daemon=True)
        self.answers: list[Answer] = []

    def __enter__(self) -> SteadyLoad:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._http.close()

    def _run(self) -> None:
        deadline = time.monotonic() + self._max_seconds
        for path in itertools.islice(itertools.cycle(self._paths), self._max_requests):
            if self._stop.is_set() or time.monotonic() > deadline:
                return
            at = time.monotonic()
            try:
                reply = self._http.get(path)
                code = reply.json().get("code", "") if reply.headers.get("content-type", "").startswith("application/json") else ""
                self.answers.append(Answer(at, path, reply.status_code, str(code)))
            except httpx.HTTPError as exc:
                self.answers.append(Answer(at, path, 0, repr(exc)))
            self._stop.wait(self._pause_s)

    def wait_for_successes(self, count: int, after: float = 0.0) -> None:
        wait_until(lambda: sum(a.ok for a in self.answers if a.at >= after) >= count, f"{count} successful requests")

    def between(self, start: float, end: float = float("inf")) -> list[Answer]:
        return [a for a in self.answers if start <= a.at < end]

    @staticmethod
    def failed(answers: list[Answer]) -> list[Answer]:
        return [a for a in answers if not a.ok]
