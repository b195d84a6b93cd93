"""DiaryAnalyser: classifier + keywords/hashtags + safety check + feedback, per diary."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from emotion_service.domain.analysis.classifier import EmotionClassifier
from emotion_service.domain.analysis.emotions import Distribution, Emotion
from emotion_service.domain.analysis.feedback import FeedbackWriter
from emotion_service.domain.analysis.keywords import KeywordExtractor
from emotion_service.domain.analysis.safety import RiskLevel, SafetyCheck
from emotion_service.domain.analysis.text import detect_language

__all__ = ["Analysis", "DiaryAnalyser"]


@dataclass(frozen=True)
class Analysis:
    distribution: Distribution
    dominant: Emotion
    hashtags: tuple[str, ...]  # 3-5, without '#'
    keywords: tuple[tuple[str, float], ...]  # weight > 0, highest first
    feedback: str
    language: str  # "ko" | "en"
    #: A clear self-harm/suicide statement: emotions are still reported honestly, but
    #: downstream must not draw the content (the card service checks this).
    safety_flag: bool
    #: none / concern / urgent; safety_flag is `risk is RiskLevel.URGENT`.
    risk: RiskLevel
    #: The safety check's reason codes ("ko.passive_wish"): categories, never words of the text.
    risk_reasons: tuple[str, ...] = ()


class DiaryAnalyser:
    """`analyse(texts)` -> one Analysis per text, in order.

    The classifier sees the whole batch at once; the other parts work per text.
    """

    def __init__(self, classifier: EmotionClassifier, *, safety: SafetyCheck | None = None,
                 keywords: KeywordExtractor | None = None,
                 feedback: FeedbackWriter | None = None) -> None:
        self.classifier = classifier
        self.safety = safety or SafetyCheck()
        self.keywords = keywords or KeywordExtractor()
        self.feedback = feedback or FeedbackWriter()

    def analyse(self, texts: Sequence[str]) -> list[Analysis]:
        texts = list(texts)
        distributions = self.classifier.classify(texts)
        if len(distributions) != len(texts):
            raise RuntimeError(f"classifier {self.classifier.name!r} returned {len(distributions)} "
                               f"distributions for {len(texts)} texts")
        # One call for the batch: the semantic layer embeds all the batch's cue sentences at once.
        safety_results = self.safety.check_many(texts)
        out: list[Analysis] = []
        for text, distribution, safety in zip(texts, distributions, safety_results, strict=True):
            language = detect_language(text)
            dominant = distribution.dominant
            found = self.keywords.extract(text, language, dominant)
            line = self.feedback.write(text, language, dominant, found.hashtags, safety.risk)
            out.append(Analysis(distribution, dominant, found.hashtags, found.keywords, line,
                                language, safety.flagged, safety.risk, safety.reasons))
        return out
