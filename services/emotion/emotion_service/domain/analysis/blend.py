"""Two experts and a gate: one model for diary entries, one for online comments, per language.

Diaries and online comments say feelings differently (a hospital call at night is worry in a
diary; comment sets have few such entries), and a model fitted on both does worse on each than a
model fitted on one. So each language has a diary model (fitted on the team's diary set), a
comment model (KOTE for Korean, GoEmotions for English) and a gate: a small model fitted to tell
the two kinds of text apart. A text the gate reads as a diary (score above `threshold`) is scored
by the diary model, any other text by the comment model. GriDam analyses diaries, so nearly every
text takes the diary path; the comment path keeps the comment sets' scores (KOTE, GoEmotions)
where they were.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from emotion_service.domain.analysis.ngram_model import NgramModel

__all__ = ["DomainBlend", "as_distribution_rows"]


def as_distribution_rows(scores: np.ndarray) -> np.ndarray:
    """Non-negative rows summing to 1 (an all-zero row stays zero)."""
    scores = np.clip(scores, 0.0, None)
    rows: np.ndarray = scores / np.maximum(scores.sum(axis=1, keepdims=True), 1e-12)  # numpy types arithmetic on ndarray[Any] as Any
    return rows


class DomainBlend:
    def __init__(self, diary: NgramModel, comments: NgramModel, gate: NgramModel, *, threshold: float,
                 comment_extra: Callable[[str], np.ndarray] | None = None) -> None:
        self.diary, self.comments, self.gate = diary, comments, gate
        self.threshold = float(threshold)
        #: Added to the comment model's raw scores (the Korean lexicon, as before the blend).
        self._comment_extra = comment_extra

    def is_diary(self, texts: Sequence[str]) -> np.ndarray:
        return self.gate.predict(texts)[:, 0] > self.threshold

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 9) rows summing to 1 (0 rows when nothing was recognised)."""
        out = np.zeros((len(texts), self.diary.outputs))
        if not texts:
            return out
        diary = self.is_diary(texts)
        if diary.any():
            picked = [t for t, d in zip(texts, diary, strict=True) if d]
            out[diary] = as_distribution_rows(self.diary.predict(picked))
        if (~diary).any():
            picked = [t for t, d in zip(texts, diary, strict=True) if not d]
            raw = np.clip(self.comments.predict(picked), 0.0, None)
            if self._comment_extra is not None:
                raw = raw + np.array([self._comment_extra(t) for t in picked])
            out[~diary] = as_distribution_rows(raw)
        return out
