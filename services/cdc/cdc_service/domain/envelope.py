"""The change event on the wire: a Debezium-like envelope, keyed by the row's primary key.

    key:   {"id": 12}                                  (JSON; every change of a row has the same key,
                                                        so it lands on one partition, in order)
    value: {"op": "c" | "u" | "d" | "r",               (create, update, delete, snapshot read)
            "before": {...} | null, "after": {...} | null,
            "ts_ms": 1700000000123,                     (when the reader published it)
            "source": {"db", "table", "gtid", "seq", "index", "snapshot", "ts_ms" (commit time)}}

Row values are JSON: DATETIME as ISO text, DATE as YYYY-MM-DD, DECIMAL as text, JSON columns as
their text (as Debezium does), TINYINT(1) as a number.

`version` orders the changes of one row: (GTID sequence number, index of the row change in its
transaction), packed in one integer. Snapshot reads take the snapshot's GTID with index 0; every
change streamed after it has a larger one. It assumes one GTID domain (a single primary), which
is how GriDam's MySQL runs.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import time
from dataclasses import dataclass
from typing import Any, overload

import orjson

CREATE, UPDATE, DELETE, READ = "c", "u", "d", "r"
INDEX_LIMIT = 1_000_000  # row changes per transaction that keep versions distinct


def gtid_seq(gtid: str) -> int:
    """`domain-server-seq` -> seq."""
    return int(gtid.rsplit("-", 1)[1])


def version(seq: int, index: int) -> int:
    return seq * INDEX_LIMIT + min(index, INDEX_LIMIT - 1)


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode()
    return value


@overload
def json_row(row: dict[str, Any]) -> dict[str, Any]: ...


@overload
def json_row(row: None) -> None: ...


def json_row(row: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if row is None else {column: _json_value(value) for column, value in row.items()}


@dataclass(frozen=True)
class Change:
    op: str
    db: str
    table: str
    key: dict[str, Any]
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    gtid: str
    index: int
    commit_ts_ms: int
    published_ts_ms: int = 0

    @property
    def version(self) -> int:
        return version(gtid_seq(self.gtid), self.index)

    @property
    def row(self) -> dict[str, Any]:
        """The row's last known values (its values before a delete)."""
        return self.after if self.after is not None else self.before or {}

    def encode(self) -> tuple[bytes, bytes]:
        value = {
            "op": self.op,
            "before": self.before,
            "after": self.after,
            "ts_ms": self.published_ts_ms or int(time.time() * 1000),
            "source": {
                "db": self.db,
                "table": self.table,
                "gtid": self.gtid,
                "seq": gtid_seq(self.gtid),
                "index": self.index,
                "snapshot": self.op == READ,
                "ts_ms": self.commit_ts_ms,
            },
        }
        return orjson.dumps(self.key, option=orjson.OPT_SORT_KEYS), orjson.dumps(value)

    @classmethod
    def decode(cls, key: bytes, value: bytes) -> Change:
        event = orjson.loads(value)
        source = event["source"]
        return cls(
            op=event["op"],
            db=source["db"],
            table=source["table"],
            key=orjson.loads(key),
            before=event["before"],
            after=event["after"],
            gtid=source["gtid"],
            index=source["index"],
            commit_ts_ms=source["ts_ms"],
            published_ts_ms=event["ts_ms"],
        )
