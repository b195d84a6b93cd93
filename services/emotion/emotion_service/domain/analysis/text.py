"""Text helpers shared by the analysis parts: normalisation, language detection, Korean josa.

Pure Python, no dependencies, so every part (classifier, keywords, safety, feedback) agrees
on what a text looks like.
"""
from __future__ import annotations

import re
import unicodedata

__all__ = [
    "detect_language",
    "hangul_share",
    "has_final_consonant",
    "josa",
    "normalise",
]

_RUNS = re.compile(r"(.)\1{3,}")


def normalise(text: str) -> str:
    """NFC, lower case, runs of one character cut to three ("ㅋㅋㅋㅋㅋ" -> "ㅋㅋㅋ").

    NFC (not NFKC): NFKC turns compatibility jamo such as "ㅋ" and "ㅠ" into conjoining jamo,
    which are different characters.
    """
    text = unicodedata.normalize("NFC", text).lower()
    return _RUNS.sub(r"\1\1\1", text)


_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e\u1100-\u11ff]+")
_LATIN = re.compile(r"[A-Za-z]+")


def _letters(text: str) -> tuple[int, int]:
    return (sum(map(len, _HANGUL.findall(text))), sum(map(len, _LATIN.findall(text))))


def hangul_share(text: str) -> float:
    """Hangul characters among the letters of `text` (0.0 when it has no letters)."""
    hangul, latin = _letters(text)
    return hangul / (hangul + latin) if hangul + latin else 0.0


def detect_language(text: str) -> str:
    """"ko" or "en".

    A Hangul syllable carries about as much as three Latin letters, so a Korean diary with a
    few English names is still Korean at a 0.25 share. Text without any letter counts as
    Korean (GriDam's main language).
    """
    hangul, latin = _letters(text)
    if hangul + latin == 0:
        return "ko"
    return "ko" if hangul / (hangul + latin) >= 0.25 else "en"


_DIGIT_HAS_FINAL = {"0": True, "1": True, "2": False, "3": True, "4": False,
                    "5": False, "6": True, "7": True, "8": True, "9": False}


def has_final_consonant(word: str) -> bool:
    """Whether the last sound of `word` ends in a consonant (받침), for choosing josa."""
    for ch in reversed(word):
        o = ord(ch)
        if 0xAC00 <= o <= 0xD7A3:
            return (o - 0xAC00) % 28 != 0
        if ch.isdigit():
            return _DIGIT_HAS_FINAL.get(ch, False)
        if ch.isalpha():
            # Latin: rough English reading of the last letter (book, pen, time, ...).
            return ch.lower() in "bcdgjklmnpqt"
    return False


def josa(word: str, pair: str) -> str:
    """`word` followed by the right particle of `pair`: josa("일기", "이/가") -> "일기가".

    Pairs: 이/가, 은/는, 을/를, 과/와, 이랑/랑, 으로/로 (ㄹ 받침 takes 로).
    """
    with_final, without_final = pair.split("/")
    if with_final == "으로":
        last = word[-1] if word else ""
        o = ord(last) if last else 0
        if 0xAC00 <= o <= 0xD7A3 and (o - 0xAC00) % 28 == 8:  # ㄹ
            return word + "로"
    return word + (with_final if has_final_consonant(word) else without_final)
