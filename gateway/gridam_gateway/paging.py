"""Cursor pagination of the web API (decision 7): positive numeric cursors, `size` honoured."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import Query

MAX_ID = 2**63 - 1  # ids and cursors are int64 in the services


def page_size(default: int) -> Any:
    """The `size` query parameter, as the parameter's default (`size: int = page_size(20)`).
    FastAPI types Query() as Any so that it fits any parameter's annotation; so does this."""
    return Query(default, ge=1, le=100, description="페이지 크기 (1~100)")


CURSOR = Query(None, ge=1, le=MAX_ID, description="이전 응답의 nextCursor (첫 페이지는 생략)")


def page(key: str, items: Sequence[object], next_cursor: int) -> dict[str, object]:
    """`{key: items, nextCursor, hasNext}`; the last page has `nextCursor: null`."""
    return {key: items, "nextCursor": next_cursor or None, "hasNext": bool(next_cursor)}
