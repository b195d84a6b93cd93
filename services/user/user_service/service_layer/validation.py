"""Input rules of the user service (documented in the README's limits table)."""

from __future__ import annotations

import re
import unicodedata

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


def _text(value: str, max_len: int, reason: str, *, allow_empty: bool, multiline: bool = False) -> str:
    value = unicodedata.normalize("NFC", value.strip())
    allowed = {"\n"} if multiline else set()
    if any(unicodedata.category(c) == "Cc" and c not in allowed for c in value):
        raise InvalidArgument(reason, "control characters")
    if len(value) > max_len or (not value and not allow_empty):
        raise InvalidArgument(reason, "length out of range")
    return value


def nickname(value: str) -> str:
    return _text(value, NICKNAME_MAX, "USER4003", allow_empty=False)


def introduction(value: str) -> str:
    return _text(value, INTRODUCTION_MAX, "USER4004", allow_empty=True, multiline=True)


def phone(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value)
    if not PHONE.fullmatch(digits):
        raise InvalidArgument("SMS4001", "not a Korean mobile number")
    return digits
