"""SMS delivery behind one interface.

The embedded/dev sender writes every message as one JSON line to
`<data dir>/sms-outbox.jsonl` instead of sending it, so a developer (or a test) reads
the code there. A real provider adapter implements the same `send`.
"""

from __future__ import annotations

import abc
import datetime
import fcntl
import os
import pathlib

import orjson


class SmsSender(abc.ABC):
    @abc.abstractmethod
    def send(self, phone: str, code: str, text: str) -> None: ...


class OutboxFileSmsSender(SmsSender):
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
