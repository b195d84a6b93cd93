"""KOTE (Korean Online That-gul Emotions) labels, their mapping onto the nine emotions, and
the scoring recipe of data/kote/README.md.

Only the label list and the mapping live here; the data file itself is never part of the
package (pass its path to `load_kote`).
"""
from __future__ import annotations

import pathlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from emotion_service.domain.analysis.emotions import EMOTIONS, Emotion

__all__ = [
    "KOTE_LABELS",
    "KOTE_TO_EMOTION",
    "KoteRow",
    "Scores",
    "emotion_counts",
    "load_kote",
    "score",
]

#: The 44 KOTE labels, index = label id.
KOTE_LABELS: tuple[str, ...] = (
    "불평/불만", "환영/호의", "감동/감탄", "지긋지긋", "고마움", "슬픔", "화남/분노", "존경",
    "기대감", "우쭐댐/무시함", "안타까움/실망", "비장함", "의심/불신", "뿌듯함", "편안/쾌적",
    "신기함/관심", "아껴주는", "부끄러움", "공포/무서움", "절망", "한심함", "역겨움/징그러움",
    "짜증", "어이없음", "없음", "패배/자기혐오", "귀찮음", "힘듦/지침", "즐거움/신남", "깨달음",
    "죄책감", "증오/혐오", "흐뭇함(귀여움/예쁨)", "당황/난처", "경악", "부담/안_내킴", "서러움",
    "재미없음", "불쌍함/연민", "놀람", "행복", "불안/걱정", "기쁨", "안심/신뢰",
)

_MAPPING: dict[Emotion, tuple[int, ...]] = {
    Emotion.HAPPY: (1, 4, 7, 13, 14, 16, 32, 40, 43),
    Emotion.JOY: (2, 8, 28, 42),
    Emotion.SAD: (5, 10, 19, 25, 27, 30, 36, 37, 38),
    Emotion.ANXIOUS: (17, 33, 35, 41),
    Emotion.ANGRY: (0, 3, 6, 22, 23, 26),
    Emotion.SURPRISE: (15, 29, 34, 39),
    Emotion.DISGUST: (9, 12, 20, 21, 31),
    Emotion.FEAR: (18,),
    Emotion.NONE: (11, 24),
}

#: KOTE label id -> GriDam emotion (README "Mapping to GriDam's nine emotions").
KOTE_TO_EMOTION: dict[int, Emotion] = {k: e for e, ks in _MAPPING.items() for k in ks}
assert sorted(KOTE_TO_EMOTION) == list(range(len(KOTE_LABELS)))


@dataclass(frozen=True)
class KoteRow:
    id: str
    text: str
    labels: tuple[int, ...]


def load_kote(path: str | pathlib.Path) -> list[KoteRow]:
    """Read a KOTE split (`id<TAB>text<TAB>labels`). Quoted fields are unquoted."""
    rows: list[KoteRow] = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line_no, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            parts = line.split("\t")
            if len(parts) != 3:
                raise ValueError(f"{path}:{line_no}: expected 3 tab-separated fields, got {len(parts)}")
            ident, text, labels = parts
            if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
                text = text[1:-1].replace('""', '"')
            rows.append(KoteRow(ident, text, tuple(int(x) for x in labels.split(",") if x.strip())))
    return rows


def emotion_counts(rows: Sequence[KoteRow]) -> np.ndarray:
    """(n, 9): how many of each row's KOTE labels fall in each emotion (EMOTIONS order)."""
    index = {e: i for i, e in enumerate(EMOTIONS)}
    counts = np.zeros((len(rows), len(EMOTIONS)), dtype=np.float64)
    for r, row in enumerate(rows):
        for label in row.labels:
            counts[r, index[KOTE_TO_EMOTION[label]]] += 1
    return counts


@dataclass(frozen=True)
class Scores:
    n: int
    strict_top1: float
    strict_macro_f1: float
    lenient_top1: float
    majority_top1: float
    majority_emotion: Emotion

    def lines(self) -> list[str]:
        return [
            f"rows             {self.n}",
            f"strict top-1     {self.strict_top1:.4f}",
            f"strict macro-F1  {self.strict_macro_f1:.4f}",
            f"lenient top-1    {self.lenient_top1:.4f}",
            f"majority top-1   {self.majority_top1:.4f}  (always {self.majority_emotion.name})",
        ]


def score(counts: np.ndarray, predicted: Sequence[Emotion]) -> Scores:
    """The KOTE README recipe.

    counts: (n, 9) from `emotion_counts`; predicted: the dominant emotion of each row.
    strict top-1: predicted is one of the emotions with the most labels (ties all count);
    strict macro-F1 over the nine emotions (truth: those top emotions, prediction: the
    dominant; emotions absent from both truth and prediction are left out of the mean);
    lenient top-1: predicted is among the emotions the row's labels touch at all.
    """
    n = len(predicted)
    if counts.shape != (n, len(EMOTIONS)):
        raise ValueError(f"counts shape {counts.shape} does not match {n} predictions")
    index = {e: i for i, e in enumerate(EMOTIONS)}
    pred = np.array([index[e] for e in predicted], dtype=np.int64)
    top = counts == counts.max(axis=1, keepdims=True)
    top &= counts > 0
    rows = np.arange(n)
    strict = float(top[rows, pred].mean()) if n else 0.0
    lenient = float((counts[rows, pred] > 0).mean()) if n else 0.0
    f1s = []
    for j in range(len(EMOTIONS)):
        p = pred == j
        t = top[:, j]
        tp = float((p & t).sum())
        if not p.any() and not t.any():
            continue
        precision = tp / p.sum() if p.any() else 0.0
        recall = tp / t.sum() if t.any() else 0.0
        f1s.append(0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall))
    macro = float(np.mean(f1s)) if f1s else 0.0
    per_emotion = top.mean(axis=0) if n else np.zeros(len(EMOTIONS))
    best = int(per_emotion.argmax())
    return Scores(n, strict, macro, lenient, float(per_emotion[best]), EMOTIONS[best])
