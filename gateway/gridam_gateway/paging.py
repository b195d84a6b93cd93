"""Cursor pagination of the web API (decision 7): positive numeric cursors, `size` honoured."""

from __future__ import annotations

from fastapi import Query

MAX_ID = 2**63 - 1  # ids and cursors are int64 in the services


def page_size(default: int) -> int:
    return Query(default, ge=1, le=100, description="페이지 크기 (1~100)")


CURSOR = Query(None, ge=1, le=MAX_ID, description="이전 응답의 nextCursor (첫 페이지는 생략)")


def page(key: str, items: list, next_cursor: int) -> dict:
    """`{key: items, nextCursor, hasNext}`; the last page has `nextCursor: null`."""
    return {key: items, "nextCursor": next_cursor or None, "hasNext": bool(next_cursor)}
