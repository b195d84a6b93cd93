"""The offline emotion classifier: no torch, no download, Korean and English.

* Korean (Hangul share >= 0.25): a ridge model over character n-grams fitted on KOTE
  `val.tsv` (the artifact `models/offline-ko.npz`, rebuilt by `python -m
  emotion_service.analysis.train`), predicting how many KOTE labels of each of the nine
  emotions a text would get, plus GriDam's Korean lexicon (`lexicon.py`) for plain diary
  statements.
* English: GriDam's English lexicon with negation and intensifiers; text with no cue is NONE.
"""
from __future__ import annotations

import pathlib
from collections.abc import Sequence

import numpy as np

from emotion_service.analysis.emotions import EMOTIONS, Distribution, Emotion
from emotion_service.analysis.lexicon import english_scores, korean_scores
from emotion_service.analysis.ngram_model import NgramModel
from emotion_service.analysis.text import detect_language

__all__ = ["DEFAULT_MODEL_PATH", "OfflineClassifier"]

DEFAULT_MODEL_PATH = pathlib.Path(__file__).resolve().parent / "models" / "offline-ko.npz"

_NONE = EMOTIONS.index(Emotion.NONE)

#: Weight of one Korean lexicon hit against the model's expected label counts (which sum to
#: about 8 per text). Chosen with 5-fold CV on KOTE together with diary sanity checks
#: (evaluate.py); see models/README.md.
KO_LEXICON_WEIGHT = 1.0
#: English: weight of NONE before any cue, so a text with no feeling word is NONE and one
#: weak cue (0.5) is a tie that NONE wins.
EN_NONE_PRIOR = 0.6


class OfflineClassifier:
    name = "offline"

    def __init__(self, model: NgramModel | str | pathlib.Path | None = None, *,
                 ko_lexicon_weight: float = KO_LEXICON_WEIGHT,
                 en_none_prior: float = EN_NONE_PRIOR) -> None:
        if model is None:
            model = DEFAULT_MODEL_PATH
        if not isinstance(model, NgramModel):
            model = NgramModel.load(model)
        if model.outputs != len(EMOTIONS):
            raise ValueError(f"model has {model.outputs} outputs, expected {len(EMOTIONS)}")
        self._model = model
        self._ko_lexicon_weight = float(ko_lexicon_weight)
        self._en_none_prior = float(en_none_prior)

    def scores(self, texts: Sequence[str], languages: Sequence[str] | None = None) -> np.ndarray:
        """(n, 9) non-negative scores, EMOTIONS order (not normalised)."""
        if languages is None:
            languages = [detect_language(t) for t in texts]
        out = np.zeros((len(texts), len(EMOTIONS)))
        ko = [i for i, lang in enumerate(languages) if lang == "ko"]
        if ko:
            predicted = np.clip(self._model.predict([texts[i] for i in ko]), 0.0, None)
            for row, i in enumerate(ko):
                out[i] = predicted[row]
                if self._ko_lexicon_weight:
                    out[i] += self._ko_lexicon_weight * korean_scores(texts[i])
        for i, lang in enumerate(languages):
            if lang != "ko":
                out[i] = english_scores(texts[i])
                out[i, _NONE] += self._en_none_prior
        return out

    def classify(self, texts: Sequence[str]) -> list[Distribution]:
        return [Distribution(row.tolist()) for row in self.scores(texts)]
