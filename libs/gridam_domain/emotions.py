"""The nine emotions of the web client (docs/web-api.md §10, decision 4), shared by every
service: one definition of the names, their order and their Korean labels.

Every classifier produces a distribution over exactly these, in this order; the API shows the
Korean label of the dominant one and the fractions keyed by the English name. The order is the
proto's (`EMOTION_HAPPY` = 1 … `EMOTION_NONE` = 9).
"""
from __future__ import annotations

import enum

__all__ = ["EMOTIONS", "EMOTION_KEYS", "Emotion"]


class Emotion(enum.Enum):
    HAPPY = "행복"
    JOY = "기쁨"
    SAD = "슬픔"
    ANXIOUS = "불안"
    ANGRY = "화남"
    SURPRISE = "놀람"
    DISGUST = "역겨움"
    FEAR = "두려움"
    NONE = "없음"

    @property
    def korean(self) -> str:
        return self.value


EMOTIONS: tuple[Emotion, ...] = tuple(Emotion)
EMOTION_KEYS: tuple[str, ...] = tuple(e.name for e in EMOTIONS)
