"""Change events of the captured tables as the CDC reader publishes them (domain/envelope.py): rows as
JSON, with JSON columns as text, DATETIME as ISO text and TINYINT(1) as a number."""

from __future__ import annotations

import time
from typing import Any

import orjson

from cdc_service.domain.envelope import DELETE, UPDATE, Change

SCHEMAS = {"diaries": "gridam_diary", "diary_analyses": "gridam_emotion", "cards": "gridam_card"}
PRIMARY_KEYS = {"diaries": "id", "diary_analyses": "diary_id", "cards": "id"}


def diary_row(diary_id: int, *, author_id: int = 7, title: str = "산책", date: str = "2026-11-20") -> dict[str, Any]:
    return {
        "id": diary_id,
        "author_id": author_id,
        "title": title,
        "content": "친구와 바다에 갔다.",
        "date": date,
        "photo_key": "",
        "hashtags": orjson.dumps(["바다", "친구"]).decode(),
        "analysis_state": "pending",
        "created_at": "2026-11-20T09:30:00.123456",
    }


def analysis_row(
    diary_id: int, *, author_id: int = 7, dominant: str = "HAPPY", safety_flag: int = 0, risk_level: str = "none"
) -> dict[str, Any]:
    return {
        "diary_id": diary_id,
        "author_id": author_id,
        "date": "2026-11-20",
        "dominant": dominant,
        "distribution": orjson.dumps({dominant: 0.75, "CALM": 0.25}).decode(),
        "hashtags": orjson.dumps(["바다"]).decode(),
        "keywords": orjson.dumps([["바다", 1.0], ["친구", 0.5]]).decode(),
        "feedback": "좋은 하루였네요.",
        "safety_flag": safety_flag,
        "language": "ko",
        "classifier": "offline",
        "created_at": "2026-11-20T09:31:00",
        "risk_level": risk_level,
    }


def card_row(card_id: int, diary_id: int, *, version: int = 1, author_id: int = 7) -> dict[str, Any]:
    return {
        "id": card_id,
        "diary_id": diary_id,
        "version": version,
        "author_id": author_id,
        "date": "2026-11-20",
        "image_key": f"cards/{card_id}.png",
        "dominant": "HAPPY",
        "distribution": orjson.dumps({"HAPPY": 1.0}).decode(),
        "hashtags": orjson.dumps(["바다"]).decode(),
        "keywords": orjson.dumps([["바다", 1.0]]).decode(),
        "feedback": "좋은 하루였네요.",
        "safety_flag": 0,
        "language": "ko",
        "created_at": "2026-11-20T09:32:00",
    }


def change(table: str, op: str, row: dict[str, Any], seq: int, index: int = 0) -> Change:
    """A change of `row` committed now, in the transaction with GTID sequence number `seq`."""
    before = row if op in (UPDATE, DELETE) else None
    after = None if op == DELETE else row
    return Change(
        op=op,
        db=SCHEMAS[table],
        table=table,
        key={PRIMARY_KEYS[table]: row[PRIMARY_KEYS[table]]},
        before=before,
        after=after,
        gtid=f"0-1-{seq}",
        index=index,
        commit_ts_ms=int(time.time() * 1000),
    )

