"""Pages of a person's diaries (ListDiaries): their size and their opaque page tokens (no I/O).

The diaries are listed newest first: by day, then by id within a day. A page token names the
(day, id) of the last diary of the page it came with, and the next page starts strictly after
it (keyset paging): a diary written or deleted between two pages moves no other one across a
page boundary, so none is repeated or skipped. The token is opaque to clients; it is checked
strictly, and one this service did not issue is refused. It needs no signature: whatever it
says, the page holds only the caller's own diaries, so a forged one can only start the list
somewhere else.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime
import re

from gridam_domain.dates import parse_day
from gridam_runtime.errors import InvalidArgument

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
# The reason of every paging refusal (gridam_domain.paging's, decision 7 of docs/web-api.md).
PAGE_REASON = "COMMON4002"

_TOKEN_VERSION = "d1"
_TOKEN_TEXT = re.compile(r"d1:([0-9]{4}-[0-9]{2}-[0-9]{2}):([1-9][0-9]{0,18})")
_MAX_TOKEN_CHARS = 64
_MAX_ID = 2**63 - 1


@dataclasses.dataclass(frozen=True)
class DiaryKey:
    """Where a diary stands in the order: its day, then its id."""

    date: datetime.date
    id: int


def page_size(requested: int, default: int) -> int:
    """The size of the page asked for: `default` for 0; refused below 0 or above MAX_PAGE_SIZE."""
    if requested == 0:
        return default
    if not 1 <= requested <= MAX_PAGE_SIZE:
        raise InvalidArgument(PAGE_REASON, f"page_size 0-{MAX_PAGE_SIZE} (0: the default, {default})")
    return requested


def encode_token(key: DiaryKey) -> str:
    text = f"{_TOKEN_VERSION}:{key.date.isoformat()}:{key.id}"
    return base64.urlsafe_b64encode(text.encode("ascii")).rstrip(b"=").decode("ascii")


def decode_token(token: str) -> DiaryKey | None:
    """The key a page token names; None for the first page (an empty token)."""
    if not token:
        return None
    key = _parse(token)
    # Only the exact spelling this service writes: no padding, no other alphabet, no spare bits.
    if key is None or encode_token(key) != token:
        raise InvalidArgument(PAGE_REASON, "page_token is not one this service issued")
    return key


def _parse(token: str) -> DiaryKey | None:
    if len(token) > _MAX_TOKEN_CHARS or not token.isascii():
        return None
    try:
        text = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True).decode("ascii")
    except (binascii.Error, ValueError):  # UnicodeDecodeError is a ValueError
        return None
    match = _TOKEN_TEXT.fullmatch(text)
    if match is None or int(match[2]) > _MAX_ID:
        return None
    try:
        day = parse_day(match[1])
    except ValueError:
        return None
    return DiaryKey(day, int(match[2]))
