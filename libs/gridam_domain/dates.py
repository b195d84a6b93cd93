"""Calendar days as the web API writes them: exactly "YYYY-MM-DD" (docs/web-api.md §0.5).

`datetime.date.fromisoformat` alone is too lenient since Python 3.11: it also reads
"20250606" and the ISO week date "2025-W23-1" (as 2025-06-02).
"""

from __future__ import annotations

import datetime
import re

_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str) -> datetime.date:
    """The day `text` names; ValueError unless it is a real date written YYYY-MM-DD."""
    if not isinstance(text, str) or not _DAY.fullmatch(text):
        raise ValueError(f"not a YYYY-MM-DD day: {text!r}")
    return datetime.date.fromisoformat(text)
