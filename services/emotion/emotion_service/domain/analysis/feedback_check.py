"""The rules every feedback line keeps, checked over a whole set of diaries (tests and CI).

1. A negative emotion (sad, anxious, angry, disgust, fear) is acknowledged without naming any of
   the entry's keywords (naming a person or a thing beside it reads as blame), without a word of
   cause ("때문에", "because") and without praise.
2. Praise ("잘하셨어요", "well done") only for positive emotions (happy, joy).
3. A keyword the line names is a word of the entry itself (Korean: a noun by the keyword rules).
4. Crisis and concern lines are fixed texts that quote nothing, and are not checked here.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.feedback import CONCERN_EN, CONCERN_KO, CRISIS_EN, CRISIS_KO, NEGATIVE
from emotion_service.domain.analysis.nouns import is_korean_noun
from emotion_service.domain.analysis.text import normalise

__all__ = ["feedback_problems"]

_POSITIVE = frozenset({Emotion.HAPPY, Emotion.JOY})
_CAUSE = re.compile(r"때문|탓|일로|덕분|로 인해|\bbecause\b|\bdue to\b|\bmade you\b|\bcaused\b|\bthanks to\b")
_PRAISE = re.compile(r"잘하셨|잘했|훌륭|멋지|멋져|대단|칭찬|장하|\bwell done\b|\bgreat job\b|\bgood job\b|"
                     r"\bproud of you\b|\bamazing\b|\bawesome\b|\byou deserve\b|\bcongrat")
_FIXED = frozenset({CRISIS_KO, CRISIS_EN, CONCERN_KO, CONCERN_EN})


def feedback_problems(text: str, language: str, dominant: Emotion, line: str,
                      keywords: Sequence[str]) -> list[str]:
    """What is wrong with `line` as feedback on `text` (empty when nothing is)."""
    if line in _FIXED:
        return []
    problems = []
    lowered = line.lower()
    named = [k for k in keywords if k and (f"'{k}'" in line if language == "ko" else re.search(rf"\b{re.escape(k)}\b", lowered))]
    if dominant in NEGATIVE:
        if named:
            problems.append(f"names {named[0]!r} beside a negative emotion")
        if _CAUSE.search(lowered):
            problems.append("gives a cause for a negative emotion")
    if dominant not in _POSITIVE and _PRAISE.search(lowered):
        problems.append("praises a day that was not a happy one")
    plain = normalise(text)
    for keyword in named:
        if keyword not in plain:
            problems.append(f"names {keyword!r}, which the entry does not say")
        elif language == "ko" and not is_korean_noun(keyword):
            problems.append(f"names {keyword!r}, which is not a noun")
    return problems
