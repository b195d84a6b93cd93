"""Input rules of the user service (documented in docs/web-api.md)."""

from __future__ import annotations

import re

from gridam_domain import text
from gridam_runtime.errors import InvalidArgument

LOGIN_ID = re.compile(r"[a-z0-9][a-z0-9_.]{3,19}")
PHONE = re.compile(r"01[016789][0-9]{7,8}")
PASSWORD_MIN, PASSWORD_MAX = 8, 64
NICKNAME_MAX = 20
INTRODUCTION_MAX = 150


def login_id(value: str) -> str:
    value = value.strip().lower()
    if not LOGIN_ID.fullmatch(value):
        raise InvalidArgument("USER4001", "login id must be 4-20 of a-z 0-9 _ .")
    return value


def password(value: str) -> str:
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        raise InvalidArgument("USER4002", "password length out of range")
    if not (any(c.isalpha() for c in value) and any(c.isdigit() for c in value)):
        raise InvalidArgument("USER4002", "password needs letters and digits")
    return value


def nickname(value: str) -> str:
    """A name others read: refused, not silently changed, when it holds hidden characters
    (a right-to-left override, a zero-width space, a control character), and it must show."""
    if text.changed_by_cleaning(value, multiline=False):
        raise InvalidArgument("USER4003", "hidden or control characters")
    value = text.clean(value, multiline=False)
    if not text.visible(value) or len(value) > NICKNAME_MAX:
        raise InvalidArgument("USER4003", "1-20 characters, at least one visible")
    return value


def social_nickname(value: str | None, default: str) -> str:
    """A provider's nickname under the same policy, cleaned rather than refused (the user did
    not type it here); the default when nothing visible is left or the user did not share one."""
    value = text.clean(value or "", multiline=False)[:NICKNAME_MAX].strip()
    return value if text.visible(value) else default


def introduction(value: str) -> str:
    value = text.clean(value, multiline=True)
    if len(value) > INTRODUCTION_MAX:
        raise InvalidArgument("USER4004", "length out of range")
    return value


def phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if not PHONE.fullmatch(digits):
        raise InvalidArgument("SMS4001", "not a Korean mobile number")
    return digits
