"""The one text policy (gridam_domain.text) on a table of hostile strings, and the fields that
use it (issue 19, finding 11): diaries and comments kept C1 controls, feed posts kept NUL, BEL
and C1, nicknames could be invisible or reversed by a right-to-left override."""

from __future__ import annotations

import pytest

from diary_service.domain.text import clean_text
from gridam_domain import text
from gridam_runtime.errors import InvalidArgument
from user_service.domain import validation

# (written, kept in a multi-line field, kept in a single-line field)
HOSTILE = [
    ("abc\u202egnp.exe", "abcgnp.exe", "abcgnp.exe"),  # right-to-left override: shows as "abcexe.png"
    ("a\u2066b\u2069c\u200ed\u200ff\u061cg", "abcdfg", "abcdfg"),  # isolates, LRM/RLM, Arabic letter mark
    ("\u200bhid\u200cden\u2060\ufeff", "hidden", "hidden"),  # zero-width space, non-joiner, word joiner, BOM
    ("soft\u00adhyphen", "softhyphen", "softhyphen"),
    ("nul\x00bel\x07esc\x1bdel\x7f", "nulbelescdel", "nulbelescdel"),  # C0 and DEL
    ("c1\x80\x85\x9b\x9fend", "c1end", "c1end"),  # C1 controls, next line (NEL) included
    ("line\r\nbreak\rs\tand\ttabs", "line\nbreak\ns\tand\ttabs", "line break s and tabs"),
    ("unicode\u2028line\u2029paragraph\x0bvt\x0cff", "unicode\nline\nparagraphvtff", "unicode line paragraphvtff"),
    ("  \u3000 surrounding \n ", "surrounding", "surrounding"),
    ("\u1112\u1161\u11ab\u1100\u1173\u11af", "한글", "한글"),  # jamo as macOS sends them: NFC
    ("cafe\u0301", "café", "café"),
    ("half \ud800 pair", "half  pair", "half  pair"),  # a lone surrogate
    ("👩\u200d💻 and 👨\u200d❤\ufe0f\u200d👨", "👩\u200d💻 and 👨\u200d❤\ufe0f\u200d👨", "👩\u200d💻 and 👨\u200d❤\ufe0f\u200d👨"),
    ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f flag",) * 2 + ("🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f flag",),
    ("a\u200db \u200d👍", "ab 👍", "ab 👍"),  # a joiner that joins no two emoji
    ("\U000e0041tag alone", "tag alone", "tag alone"),
    ("오늘은 좋은 날 😊", "오늘은 좋은 날 😊", "오늘은 좋은 날 😊"),
]


@pytest.mark.parametrize(("written", "multiline", "single_line"), HOSTILE)
def test_hidden_characters_are_removed_and_text_is_nfc(written, multiline, single_line):
    assert text.clean(written, multiline=True) == multiline
    assert text.clean(written, multiline=False) == single_line


@pytest.mark.parametrize("blank", ["\u3164", "\u115f\u1160", "\uffa0 \u2800", "\u0301\u0302", " \t ", ""])
def test_blank_letters_marks_and_spaces_are_not_visible(blank):
    assert not text.visible(blank)


@pytest.mark.parametrize("written", ["abc\u202egnp.exe", "\u200b관리자", "그리\x85담", "그리\u2028담", "tab\there", "two\nlines", "\u3164", "\u3164\u3164", "\u0301"])
def test_a_nickname_with_hidden_characters_or_nothing_visible_is_refused(written):
    with pytest.raises(InvalidArgument) as refused:
        validation.nickname(written)
    assert refused.value.reason == "USER4003"


@pytest.mark.parametrize(("written", "kept"), [("  그리담 ", "그리담"), ("하\u1105\u1161\u11bc", "하랑"), ("ㅤ별", "ㅤ별"), ("👩\u200d💻 개발자", "👩\u200d💻 개발자")])
def test_a_nickname_that_shows_is_kept_in_nfc(written, kept):
    assert validation.nickname(written) == kept


def test_a_social_login_nickname_is_cleaned_or_replaced():
    assert validation.social_nickname("kakao\u202eresu", "그리담 친구") == "kakaoresu"
    assert validation.social_nickname("\u200b\u3164", "그리담 친구") == "그리담 친구"


def test_an_introduction_keeps_its_lines_and_loses_hidden_characters():
    assert validation.introduction("안녕\r\n하세요\u202e\x85") == "안녕\n하세요"


def test_diary_text_is_cleaned_and_a_title_is_one_line():
    assert clean_text("오늘\x85은\u200b 맑음\n\t끝", field_reason="DIARY4002", max_chars=5000) == "오늘은 맑음\n\t끝"
    assert clean_text("제목\n둘째 줄", field_reason="DIARY4001", max_chars=100, multiline=False) == "제목 둘째 줄"
    with pytest.raises(InvalidArgument) as refused:
        clean_text("\u200b\x85\u202e", field_reason="DIARY4001", max_chars=100)
    assert refused.value.reason == "DIARY4001"
