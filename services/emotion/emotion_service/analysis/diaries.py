"""The team's diary emotion set (data/diaries/): loading and scoring, per emotion and per kind."""
from __future__ import annotations

import pathlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from emotion_service.analysis.emotions import Emotion
from emotion_service.analysis.jsonl import read_jsonl

__all__ = ["DiaryEntry", "DiaryScores", "load_diaries", "score_diaries"]


@dataclass(frozen=True)
class DiaryEntry:
    id: str
    lang: str
    emotion: Emotion
    kind: str  # implicit | mixed | negation | colloquial | explicit
    text: str
    hashtags: tuple[str, ...] = ()  # marked by hand on some test entries


def load_diaries(paths: Sequence[str | pathlib.Path]) -> list[DiaryEntry]:
    def make(row: dict) -> DiaryEntry:
        return DiaryEntry(row["id"], row["lang"], Emotion[row["emotion"]], row["kind"], row["text"],
                          tuple(row.get("hashtags", ())))

    return [entry for path in paths for entry in read_jsonl(path, make, "a diary entry")]


@dataclass
class DiaryScores:
    name: str
    n: int = 0
    right: int = 0
    by_emotion: dict[Emotion, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    by_kind: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    @property
    def top1(self) -> float:
        return self.right / self.n if self.n else 0.0

    def recall(self, emotion: Emotion) -> float:
        count, right = self.by_emotion.get(emotion, (0, 0))
        return right / count if count else 0.0

    def kind(self, kind: str) -> float:
        count, right = self.by_kind.get(kind, (0, 0))
        return right / count if count else 0.0

    def lines(self) -> list[str]:
        return [f"{self.name}: top-1 {self.right}/{self.n} ({self.top1:.3f})",
                "  recall by emotion: " + ", ".join(f"{e.name} {self.recall(e):.2f}" for e in Emotion
                                                    if e in self.by_emotion),
                "  top-1 by kind:     " + ", ".join(f"{k} {self.kind(k):.2f}" for k in sorted(self.by_kind))]


def score_diaries(entries: Sequence[DiaryEntry], predicted: Sequence[Emotion], name: str = "diaries") -> DiaryScores:
    scores = DiaryScores(name)
    for entry, guess in zip(entries, predicted, strict=True):
        right = guess is entry.emotion
        scores.n += 1
        scores.right += right
        for table, key in ((scores.by_emotion, entry.emotion), (scores.by_kind, entry.kind)):
            table[key][0] += 1
            table[key][1] += right
    return scores
