"""GoEmotions: English Reddit comments with 28 emotion labels (Apache-2.0; data/goemotions/).

The 28 labels are mapped onto GriDam's nine emotions following the dataset authors' Ekman
grouping (so a row's Ekman label and GriDam's agree), with the finer labels deciding between the
nine where the Ekman level has one class for two of ours: warmth (admiration, caring, gratitude,
love, relief, approval) is HAPPY and excitement (amusement, desire, excitement, joy, optimism,
pride) is JOY; nervousness is ANXIOUS and fear is FEAR.

Scoring is at the Ekman level: HAPPY and JOY count as joy, ANXIOUS and FEAR as fear; a prediction
is right when its Ekman label is among the row's.
"""
from __future__ import annotations

import pathlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from emotion_service.domain.analysis.emotions import EMOTIONS, Emotion

__all__ = ["EKMAN", "TO_EMOTION", "EkmanScores", "GoRow", "emotion_counts", "load_goemotions", "score_ekman"]

TO_EMOTION: dict[str, Emotion] = {
    "admiration": Emotion.HAPPY, "approval": Emotion.HAPPY, "caring": Emotion.HAPPY,
    "gratitude": Emotion.HAPPY, "love": Emotion.HAPPY, "relief": Emotion.HAPPY,
    "amusement": Emotion.JOY, "desire": Emotion.JOY, "excitement": Emotion.JOY, "joy": Emotion.JOY,
    "optimism": Emotion.JOY, "pride": Emotion.JOY,
    "disappointment": Emotion.SAD, "embarrassment": Emotion.SAD, "grief": Emotion.SAD,
    "remorse": Emotion.SAD, "sadness": Emotion.SAD,
    "nervousness": Emotion.ANXIOUS, "fear": Emotion.FEAR,
    "anger": Emotion.ANGRY, "annoyance": Emotion.ANGRY, "disapproval": Emotion.ANGRY,
    "disgust": Emotion.DISGUST,
    "confusion": Emotion.SURPRISE, "curiosity": Emotion.SURPRISE, "realization": Emotion.SURPRISE,
    "surprise": Emotion.SURPRISE,
    "neutral": Emotion.NONE,
}

#: GriDam emotion -> Ekman class of the scoring.
EKMAN: dict[Emotion, str] = {
    Emotion.HAPPY: "joy", Emotion.JOY: "joy", Emotion.SAD: "sadness", Emotion.ANXIOUS: "fear",
    Emotion.FEAR: "fear", Emotion.ANGRY: "anger", Emotion.SURPRISE: "surprise",
    Emotion.DISGUST: "disgust", Emotion.NONE: "neutral",
}


@dataclass(frozen=True)
class GoRow:
    text: str
    labels: tuple[str, ...]  # GoEmotions label names

    @property
    def ekman(self) -> frozenset[str]:
        return frozenset(EKMAN[TO_EMOTION[label]] for label in self.labels)


def load_goemotions(path: str | pathlib.Path, labels: str | pathlib.Path | None = None) -> list[GoRow]:
    """Rows of a GoEmotions TSV (`text<TAB>label indices<TAB>id`); `labels.txt` beside it by default."""
    path = pathlib.Path(path)
    names = pathlib.Path(labels or path.with_name("labels.txt")).read_text(encoding="utf-8").split()
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            text, indices, _ = line.split("\t")
            rows.append(GoRow(text, tuple(names[int(i)] for i in indices.split(","))))
        except (ValueError, IndexError) as exc:
            raise ValueError(f"{path}:{number}: not a GoEmotions row ({exc})") from exc
    return rows


def emotion_counts(rows: Sequence[GoRow]) -> np.ndarray:
    """(n, 9): how many of each row's labels fall in each GriDam emotion (the training targets)."""
    counts = np.zeros((len(rows), len(EMOTIONS)))
    for i, row in enumerate(rows):
        for label in row.labels:
            counts[i, EMOTIONS.index(TO_EMOTION[label])] += 1
    return counts


@dataclass(frozen=True)
class EkmanScores:
    n: int
    top1: float
    macro_f1: float
    f1: dict[str, float]

    def lines(self) -> list[str]:
        return [f"rows {self.n}", f"Ekman top-1     {self.top1:.4f}", f"Ekman macro-F1  {self.macro_f1:.4f}",
                "F1 by class     " + ", ".join(f"{c} {v:.2f}" for c, v in sorted(self.f1.items()))]


def score_ekman(rows: Sequence[GoRow], predicted: Sequence[Emotion]) -> EkmanScores:
    guesses = [EKMAN[e] for e in predicted]
    truths = [row.ekman for row in rows]
    top1 = float(np.mean([g in t for g, t in zip(guesses, truths, strict=True)])) if rows else 0.0
    f1 = {}
    for c in sorted(set(EKMAN.values())):
        tp = sum(1 for g, t in zip(guesses, truths, strict=True) if g == c and c in t)
        fp = sum(1 for g, t in zip(guesses, truths, strict=True) if g == c and c not in t)
        fn = sum(1 for g, t in zip(guesses, truths, strict=True) if g != c and c in t)
        f1[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return EkmanScores(len(rows), top1, float(np.mean(list(f1.values()))), f1)
