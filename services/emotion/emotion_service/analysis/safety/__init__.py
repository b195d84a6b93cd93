"""Safety check: clear statements of suicidal intent or self-harm, Korean and English.

Separate from emotion classification on purpose (an emotion classifier is not a crisis
detector; docs/ml.md §6). Patterns aim at high recall on clear first-person statements
("죽고 싶다", "살기 싫어", "I want to kill myself") and stay quiet on ordinary sad days and on
idioms that use death words for emphasis ("배고파 죽겠다", "죽을 만큼 웃었다",
"I'm dying to see it", "this homework is killing me").

A hit is a reason code, never a quote of the text, so logs do not carry the diary.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from emotion_service.analysis.text import normalise

__all__ = ["REASONS", "RiskLevel", "SafetyCheck", "SafetyResult"]


class RiskLevel(str, Enum):
    """How worried a careful reader would be about the writer."""

    NONE = "none"
    #: Distress worth a gentle check-in (hopelessness, feeling a burden) without death content.
    CONCERN = "concern"
    #: A wish to be dead, suicidal thoughts, self-harm, a plan or a farewell.
    URGENT = "urgent"


@dataclass(frozen=True)
class SafetyResult:
    risk: RiskLevel
    reasons: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        """Urgent: the card must be calm and the feedback must lead with crisis resources."""
        return self.risk is RiskLevel.URGENT


# Korean: matched on the normalised text with spaces removed, so "죽고 싶다", "죽고싶다" and
# "죽고 싶 다" read alike. Each entry: reason code -> pattern.
_KO_PATTERNS: dict[str, str] = {
    "ko.want_to_die": r"죽고싶(?!지않|진않|지는않)|죽어버리고싶|죽었으면좋겠|죽고만싶",
    "ko.suicide": r"자살(?:하고싶|할까|하려|할거|해야|하고말|을?생각|충동|계획|시도|하면|해버리)",
    "ko.not_want_to_live": r"살기싫|살고싶지않|살고싶지가않|더(?:는|이상)?살(?:고싶지|기싫|자신이없|이유가없)|"
                           r"살아(?:갈|야할|있을)?이유가없|살아서뭐해|살아서뭐하|왜살아야",
    "ko.disappear": r"(?:사라지고|없어지고|소멸하고)싶|사라져버리고싶|세상에서없어지",
    "ko.end_life": r"(?:목숨|생|삶)을?(?:끊|끝내|마감하)|스스로목숨|극단적(?:인)?선택(?:을)?(?:하고|할까|하려)|"
                   r"세상을?떠나고싶|그만살고싶",
    "ko.better_dead": r"죽는(?:게|것이|편이)(?:나|낫)|(?:내가|나는|난|나같은\S{0,3})죽어야|죽어야겠|"
                      r"(?:그냥|차라리|이대로)죽(?:을까(?!봐|바)|어버릴까|는게)|"
                      r"태어나지(?:말았어야|않았으면)|안태어났으면",
    "ko.self_harm": r"자해(?:하고|를?했|했|하는|충동|하고싶|를?하|하게)|손목을?긋|스스로를?해치|나를?해치고싶",
    "ko.jump": r"뛰어내리고싶|뛰어내릴까|투신",
}
# Korean hyperbole that must not count even though a pattern above might touch it.
_KO_IDIOMS = re.compile(
    r"죽고싶을(?:만큼|정도로?)(?:창피|부끄|민망|쪽팔|웃|좋|행복|설레|귀엽|맛있)|"
    r"(?:창피|부끄|민망|쪽팔)(?:해|해서|하여)?(?:서)?(?:진짜|정말|너무)?죽고싶|"
    r"(?:창피|부끄|민망|쪽팔)해서사라지고싶|쥐구멍에라도?숨"
)

_EN_PATTERNS: dict[str, str] = {
    "en.self_harm": r"\b(?:kill|killing)\s+myself\b|\bself[- ]?harm|"
                      r"\b(?:want|wanted|wanna|urge|urges|thinking about|thought about|think about|going to|gonna|"
                      r"need to|keep|kept|started)\s+(?:to\s+)?(?:hurt|hurting|harm|harming|cut|cutting)\s+myself\b",
    "en.want_to_die": r"\b(?:i|i'm|im|i am|just)\b[^.!?]{0,20}?\b(?:want|wanted|wanna|wish|ready)\b(?:\s+to)?\s+(?:die|be dead)\b|"
                      r"\bwish\s+i\s+(?:was|were)\s+dead\b|\bwish\s+i\s+(?:had\s+)?never\s+(?:been\s+)?(?:born|existed)\b",
    "en.suicide": r"\bsuicidal\b|\b(?:commit|committing|thinking about|think about|thoughts of|considering|planning)\s+suicide\b|"
                  r"\bsuicide\s+(?:plan|note|attempt)\b",
    "en.not_want_to_live": r"\b(?:don'?t|do not|no longer|dont)\s+want\s+to\s+(?:live|be alive|exist|be here|wake up)\b|"
                           r"\bno\s+(?:reason|point)\s+(?:to|in)\s+(?:live|living|going on)\b|"
                           r"\bcan'?t\s+(?:go on|keep going|do this)\s+any\s*more\b|\bnot\s+want\s+to\s+live\b",
    "en.end_life": r"\b(?:end|ending|take|taking)\s+(?:my|my own)\s+life\b|\bend\s+it\s+all\b|\bend\s+my\s+own\s+life\b",
    "en.better_dead": r"\bbetter\s+off\s+(?:dead|without\s+me)\b|\beveryone\s+would\s+be\s+better\s+without\s+me\b|"
                      r"\bdisappear\s+forever\b",
}
_EN_NEGATED = re.compile(r"\b(?:don'?t|do not|never|not|wouldn'?t|won'?t)\s+(?:want|wanna|going|plan)\s+to\s+(?:die|kill|hurt|end)\b")
_EN_IDIOMS = re.compile(
    r"\bdying\s+to\b|\b(?:laugh|laughed|laughing)\b[^.!?]{0,30}\b(?:die|died|dying|dead)\b|"
    r"\b(?:die|died|dying|dead)\b[^.!?]{0,15}\blaugh|\bkilling\s+it\b|\bto\s+die\s+for\b|"
    r"\bdie\s+of\s+(?:embarrassment|shame|boredom|laughter|cuteness)"
)

#: Every reason code a SafetyResult may carry.
REASONS: tuple[str, ...] = tuple(_KO_PATTERNS) + tuple(_EN_PATTERNS)


class SafetyCheck:
    """`check(text)` -> SafetyResult; `flags(texts)` -> one bool per text."""

    def __init__(self) -> None:
        self._ko = [(code, re.compile(p)) for code, p in _KO_PATTERNS.items()]
        self._en = [(code, re.compile(p)) for code, p in _EN_PATTERNS.items()]

    def check(self, text: str) -> SafetyResult:
        norm = normalise(text).replace("’", "'")
        reasons: list[str] = []
        compact = re.sub(r"\s+", "", norm)
        # Idioms are removed before matching, so a clear statement elsewhere still counts.
        compact = _KO_IDIOMS.sub("", compact)
        for code, pattern in self._ko:
            if pattern.search(compact):
                reasons.append(code)
        for sentence in re.split(r"(?<=[.!?\n])|[;]", norm):
            if not sentence.strip():
                continue
            cleaned = _EN_IDIOMS.sub(" ", sentence)
            if _EN_NEGATED.search(cleaned) and not re.search(r"\b(?:but|yet)\b", cleaned):
                continue
            for code, pattern in self._en:
                if code not in reasons and pattern.search(cleaned):
                    reasons.append(code)
        return SafetyResult(RiskLevel.URGENT if reasons else RiskLevel.NONE, tuple(reasons))

    def flags(self, texts: Sequence[str]) -> list[bool]:
        return [self.check(t).flagged for t in texts]
