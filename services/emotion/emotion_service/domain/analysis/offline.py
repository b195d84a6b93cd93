"""The offline emotion classifier: no torch, no download, Korean and English.

Per language a `blend.DomainBlend` of n-gram ridge models (`ngram_model.py`, numpy only), all
rebuilt by `python -m emotion_service.domain.analysis.train` (see models/README.md):

* Korean: a diary model fitted on the team's diary set (`models/offline-ko-diary.npz`), a
  comment model fitted on KOTE `val.tsv` (`models/offline-ko.npz`, predicting how many KOTE
  labels of each emotion a text would get, plus GriDam's Korean lexicon as before), and the gate
  between them (`models/offline-ko-gate.npz`).
* English: a diary model (`offline-en-diary.npz`), a comment model fitted on GoEmotions
  `train.tsv` (`offline-en.npz`, words and characters) and their gate (`offline-en-gate.npz`).

A text is Korean when its Hangul share is at least 0.25 (`text.detect_language`).
"""
from __future__ import annotations

import pathlib
from collections.abc import Sequence

import numpy as np

from emotion_service.domain.analysis.blend import DomainBlend
from emotion_service.domain.analysis.emotions import EMOTIONS, Distribution
from emotion_service.domain.analysis.lexicon import korean_scores
from emotion_service.domain.analysis.ngram_model import NgramModel
from emotion_service.domain.analysis.text import detect_language

__all__ = ["DEFAULT_MODEL_PATH", "GATE_THRESHOLD", "KO_LEXICON_WEIGHT", "MODELS", "OfflineClassifier",
           "load_blend"]

MODELS = pathlib.Path(__file__).resolve().parent / "models"
#: The KOTE comment model (also what `evaluate --kote` refits fold by fold).
DEFAULT_MODEL_PATH = MODELS / "offline-ko.npz"

#: Weight of one Korean lexicon hit against the KOTE model's expected label counts (which sum to
#: about 8 per text), on the comment path. Chosen with 5-fold CV on KOTE (models/README.md).
KO_LEXICON_WEIGHT = 1.0
#: A text whose gate score is above this takes the diary path. Chosen with the diary set's
#: training files (one writer's entries held out at a time) and KOTE / GoEmotions dev: it sends
#: ~95 % of diaries and ~3 % of comments to the diary model (models/README.md).
GATE_THRESHOLD = {"ko": 0.25, "en": 0.25}


def load_blend(language: str, *, comments: NgramModel | None = None,
               ko_lexicon_weight: float = KO_LEXICON_WEIGHT) -> DomainBlend:
    """The shipped blend of `language`; `comments` replaces its comment model (cross-validation)."""
    extra = None
    if language == "ko" and ko_lexicon_weight:
        def extra(text: str) -> np.ndarray:
            return ko_lexicon_weight * korean_scores(text)
    return DomainBlend(NgramModel.load(MODELS / f"offline-{language}-diary.npz"),
                       comments or NgramModel.load(MODELS / f"offline-{language}.npz"),
                       NgramModel.load(MODELS / f"offline-{language}-gate.npz"),
                       threshold=GATE_THRESHOLD[language], comment_extra=extra)


class OfflineClassifier:
    name = "offline"

    def __init__(self, blends: dict[str, DomainBlend] | None = None) -> None:
        self._blends = blends or {language: load_blend(language) for language in ("ko", "en")}
        for blend in self._blends.values():
            if blend.diary.outputs != len(EMOTIONS):
                raise ValueError(f"model has {blend.diary.outputs} outputs, expected {len(EMOTIONS)}")

    def scores(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        """(n, 9) rows summing to 1 (zero rows: nothing recognised), EMOTIONS order."""
        if languages is None:
            languages = [detect_language(t) for t in texts]
        out = np.zeros((len(texts), len(EMOTIONS)))
        for language, blend in self._blends.items():
            rows = [i for i, lang in enumerate(languages) if lang == language]
            if rows:
                out[rows] = blend.scores([texts[i] for i in rows])
        return out

    def classify(self, texts: Sequence[str]) -> list[Distribution]:
        return [Distribution(row.tolist()) for row in self.scores(texts)]
