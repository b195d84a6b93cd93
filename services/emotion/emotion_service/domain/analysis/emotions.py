"""The nine emotions of the web client (docs/web-api.md §10, decision 4).

Every classifier produces a distribution over exactly these, in this order; the API shows
the Korean label of the dominant one and the fractions keyed by the English name. The enum
itself lives in `gridam_domain.emotions` (shared with the other services) and is re-exported
here.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from gridam_domain.emotions import EMOTIONS, Emotion

__all__ = ["EMOTIONS", "Distribution", "Emotion"]


class Distribution(Mapping[Emotion, float]):
    """Fractions over the nine emotions, each in [0, 1], summing to 1.

    Built from any non-negative scores; rounding to `places` keeps the sum exactly 1 by
    giving the rounding remainder to the largest share (decision 5: within ±0.001).
    """

    __slots__ = ("_fractions",)

    def __init__(self, scores: Mapping[Emotion, float] | Sequence[float], places: int = 4) -> None:
        if isinstance(scores, Mapping):
            raw = [max(0.0, float(scores.get(e, 0.0))) for e in EMOTIONS]
        else:
            if len(scores) != len(EMOTIONS):
                raise ValueError(f"expected {len(EMOTIONS)} scores, got {len(scores)}")
            raw = [max(0.0, float(s)) for s in scores]
        total = sum(raw)
        if total <= 0.0:
            raw = [0.0] * (len(EMOTIONS) - 1) + [1.0]  # nothing recognised: all NONE
            total = 1.0
        rounded = [round(s / total, places) for s in raw]
        top = max(range(len(rounded)), key=rounded.__getitem__)
        rounded[top] = round(rounded[top] + (1.0 - sum(rounded)), places)
        self._fractions = dict(zip(EMOTIONS, rounded, strict=True))

    def __getitem__(self, emotion: Emotion) -> float:
        return self._fractions[emotion]

    def __iter__(self) -> Iterator[Emotion]:
        return iter(EMOTIONS)

    def __len__(self) -> int:
        return len(EMOTIONS)

    @property
    def dominant(self) -> Emotion:
        # Ties go to the earlier emotion in EMOTIONS order, so the answer is stable.
        return max(EMOTIONS, key=lambda e: (self._fractions[e], -EMOTIONS.index(e)))

    def by_name(self) -> dict[str, float]:
        """{"HAPPY": 0.46, ...}: the `emotions` object of the web API."""
        return {e.name: self._fractions[e] for e in EMOTIONS}

    def __repr__(self) -> str:
        return f"Distribution({self.by_name()})"
