"""Cursor pages in the services (decision 7 of docs/web-api.md): positive numeric cursors, newest
first. A use case asks its repository for `size + 1` rows past the cursor; the extra row only
says whether there is a next page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, TypeVar, overload

from gridam_runtime.errors import InvalidArgument

MAX_PAGE_SIZE = 100
Row = TypeVar("Row")


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


RowWithId = TypeVar("RowWithId", bound=_HasId)


def check_page(size: int, cursor: int) -> None:
    if not 1 <= size <= MAX_PAGE_SIZE or cursor < 0:
        raise InvalidArgument("COMMON4002", f"size 1-{MAX_PAGE_SIZE}, cursor >= 0")


@overload
def split_page(rows: Sequence[RowWithId], size: int) -> tuple[list[RowWithId], int]: ...
@overload
def split_page(rows: Sequence[Row], size: int, cursor_of: Callable[[Row], int]) -> tuple[list[Row], int]: ...
def split_page(rows: Sequence[Any], size: int, cursor_of: Callable[[Any], int] = lambda row: row.id) -> tuple[list[Any], int]:
    """The page out of `size + 1` fetched rows, and the next cursor (0 on the last page)."""
    page = list(rows[:size])
    return page, cursor_of(page[-1]) if len(rows) > size else 0


