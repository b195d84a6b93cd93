"""Score the safety check on the crisis evaluation set (data/safety/, format in its README).

An entry counts as flagged when its risk is not `none`: recall is over the entries labelled
concern or urgent, false alarms over those labelled none. Urgent entries are also counted by
whether they came out urgent (what decides the crisis feedback and the calm card).
"""
from __future__ import annotations

import pathlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from emotion_service.domain.analysis.jsonl import read_jsonl
from emotion_service.domain.analysis.safety import RiskLevel, SafetyCheck

__all__ = ["Entry", "SafetyScores", "load_entries", "score_safety"]


@dataclass(frozen=True)
class Entry:
    id: str
    lang: str
    label: RiskLevel
    category: str
    style: str
    text: str


def load_entries(path: str | pathlib.Path) -> list[Entry]:
    def make(row: dict[str, Any]) -> Entry:
        return Entry(row["id"], row["lang"], RiskLevel(row["label"]), row["category"], row["style"], row["text"])

    return read_jsonl(path, make, "an evaluation entry")


@dataclass
class SafetyScores:
    name: str
    #: (language, "positive" | "negative" | "idiom" | "urgent") -> [count, flagged]
    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    #: (language, category) -> [count, flagged]
    categories: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    #: Every entry scored wrong: (id, label, category, style, risk given, reasons).
    misses: list[tuple[str, str, str, str, str, tuple[str, ...]]] = field(default_factory=list)

    def _add(self, table: dict[tuple[str, str], list[int]], key: tuple[str, str], flagged: bool) -> None:
        cell = table.setdefault(key, [0, 0])
        cell[0] += 1
        cell[1] += int(flagged)

    def rate(self, language: str, kind: str) -> float:
        count, flagged = self.counts.get((language, kind), (0, 0))
        return flagged / count if count else float("nan")

    def recall(self, language: str) -> float:
        return self.rate(language, "positive")

    def false_alarms(self, language: str) -> float:
        return self.rate(language, "negative")

    def languages(self) -> list[str]:
        return sorted({language for language, _ in self.counts})

    def lines(self) -> list[str]:
        out = [f"{self.name}:"]
        for lang in self.languages():
            pos, neg = self.counts.get((lang, "positive"), [0, 0]), self.counts.get((lang, "negative"), [0, 0])
            idiom, urgent = self.counts.get((lang, "idiom"), [0, 0]), self.counts.get((lang, "urgent"), [0, 0])
            if not pos[0]:
                out.append(f"  {lang}: false alarms {neg[1]}/{neg[0]} ({self.false_alarms(lang):.1%})")
                continue
            out.append(f"  {lang}: recall {pos[1]}/{pos[0]} ({self.recall(lang):.1%}), false alarms "
                       f"{neg[1]}/{neg[0]} ({self.false_alarms(lang):.1%}), idioms flagged {idiom[1]}/{idiom[0]}, "
                       f"urgent entries found urgent {urgent[1]}/{urgent[0]}")
            by_category = [f"{c} {v[1]}/{v[0]}" for (lang_, c), v in sorted(self.categories.items()) if lang_ == lang]
            out.append("    flagged by category: " + ", ".join(by_category))
        if self.misses:
            out.append(f"  wrong ({len(self.misses)}):")
            for entry_id, label, category, style, risk, reasons in self.misses:
                why = ", ".join(reasons) if reasons else "no reason found"
                out.append(f"    {entry_id}: labelled {label} ({category}, {style}), got {risk} ({why})")
        return out


def score_safety(entries: Sequence[Entry], check: SafetyCheck, name: str = "safety") -> SafetyScores:
    scores = SafetyScores(name)
    for entry, result in zip(entries, check.check_many([e.text for e in entries]), strict=True):
        flagged = result.risk is not RiskLevel.NONE
        positive = entry.label is not RiskLevel.NONE
        scores._add(scores.counts, (entry.lang, "positive" if positive else "negative"), flagged)
        scores._add(scores.categories, (entry.lang, entry.category), flagged)
        if entry.category == "idiom":
            scores._add(scores.counts, (entry.lang, "idiom"), flagged)
        if entry.label is RiskLevel.URGENT:
            scores._add(scores.counts, (entry.lang, "urgent"), result.risk is RiskLevel.URGENT)
        if flagged != positive:
            scores.misses.append((entry.id, entry.label.value, entry.category, entry.style,
                                  result.risk.value, result.reasons))
    return scores
