"""The team's diary emotion set (data/diaries/): loading and scoring, per emotion and per kind."""
from __future__ import annotations

import pathlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from emotion_service.domain.analysis.emotions import Emotion
from emotion_service.domain.analysis.jsonl import read_jsonl

__all__ = ["DiaryEntry", "DiaryScores", "HashtagScores", "MarkedEntry", "load_diaries", "load_marked", "score_diaries",
           "score_hashtags"]


@dataclass(frozen=True)
class DiaryEntry:
    id: str
    lang: str
    emotion: Emotion
    kind: str  # implicit | mixed | negation | colloquial | explicit
    text: str
    hashtags: tuple[str, ...] = ()  # the best 2-5, marked by hand on some test entries
    hashtags_ok: tuple[str, ...] = ()  # every acceptable one (a superset), marked on the same entries


@dataclass(frozen=True)
class MarkedEntry:
    """An entry with hashtags marked by hand (the test parts' first 100, the hashtag check set)."""
    id: str
    lang: str
    text: str
    hashtags: tuple[str, ...]
    hashtags_ok: tuple[str, ...]


def load_diaries(paths: Sequence[str | pathlib.Path]) -> list[DiaryEntry]:
    def make(row: dict[str, Any]) -> DiaryEntry:
        return DiaryEntry(row["id"], row["lang"], Emotion[row["emotion"]], row["kind"], row["text"],
                          tuple(row.get("hashtags", ())), tuple(row.get("hashtags_ok", ())))

    return [entry for path in paths for entry in read_jsonl(path, make, "a diary entry")]


def load_marked(paths: Sequence[str | pathlib.Path]) -> list[MarkedEntry]:
    """The entries of `paths` that carry hand-marked hashtags."""
    def make(row: dict[str, Any]) -> MarkedEntry:
        return MarkedEntry(row["id"], row["lang"], row["text"], tuple(row.get("hashtags", ())),
                           tuple(row.get("hashtags_ok", ())))

    return [e for path in paths for e in read_jsonl(path, make, "a diary entry") if e.hashtags]


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
        for counts in (scores.by_emotion[entry.emotion], scores.by_kind[entry.kind]):
            counts[0] += 1
            counts[1] += right
    return scores


def _fold(tag: str) -> str:
    return tag.lower().replace(" ", "")


def hashtag_is_right(tag: str, marked: Sequence[str]) -> bool:
    """A produced hashtag is right when it is one of the hashtags marked by hand, a marked noun
    phrase written without its space (대출금리 for "대출 금리"), or one word of such a phrase
    (금리), compared without regard to case."""
    folded = _fold(tag)
    return any(folded == _fold(m) or folded in map(_fold, m.split()) for m in marked)


@dataclass
class HashtagScores:
    name: str
    entries: int = 0
    produced: int = 0
    acceptable: int = 0  # among the acceptable hashtags marked by hand
    best: int = 0  # among the best 2-5 marked by hand
    wrong: list[tuple[str, str]] = field(default_factory=list)  # (entry id, hashtag) not acceptable

    @property
    def precision(self) -> float:
        """Share of the produced hashtags that a person marked as acceptable."""
        return self.acceptable / self.produced if self.produced else 0.0

    @property
    def precision_best(self) -> float:
        """Share of the produced hashtags among the person's own 2-5 picks (stricter)."""
        return self.best / self.produced if self.produced else 0.0

    def lines(self) -> list[str]:
        return [f"{self.name}: {self.produced} hashtags on {self.entries} hand-marked entries",
                f"  precision (acceptable): {self.acceptable}/{self.produced} ({self.precision:.3f})",
                f"  precision (best picks): {self.best}/{self.produced} ({self.precision_best:.3f})",
                "  not acceptable: " + (", ".join(f"{i} #{t}" for i, t in self.wrong) or "none")]


def score_hashtags(entries: Sequence[MarkedEntry], produced: Sequence[Sequence[str]],
                   name: str = "hashtags") -> HashtagScores:
    """Precision of `produced` against the hashtags marked by hand on `entries`."""
    scores = HashtagScores(name)
    for entry, tags in zip(entries, produced, strict=True):
        scores.entries += 1
        for tag in tags:
            scores.produced += 1
            scores.best += hashtag_is_right(tag, entry.hashtags)
            if hashtag_is_right(tag, entry.hashtags_ok or entry.hashtags):
                scores.acceptable += 1
            else:
                scores.wrong.append((entry.id, tag))
    return scores
