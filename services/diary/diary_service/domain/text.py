"""The text rules of diaries, posts and comments (no I/O)."""

from __future__ import annotations

from gridam_domain import text as text_policy
from gridam_runtime.errors import InvalidArgument


def clean_text(value: str, *, field_reason: str, max_chars: int, multiline: bool = True) -> str:
    """Written text under the text policy (gridam_domain.text), 1 to `max_chars` characters."""
    text = text_policy.clean(value, multiline=multiline)
    if not text or len(text) > max_chars:
        raise InvalidArgument(field_reason, f"1-{max_chars} characters")
    return text
