"""The one interface every image engine implements.

An engine lives inside one worker process: `load()` once (weights onto the device),
then `generate()` for each batch the dispatcher hands that worker. Requests in one batch
always share `batch_key()` (same size and steps), so an engine can stack them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from gridam_domain.emotions import Emotion


@dataclass(frozen=True)
class ImageRequest:
    prompt: str
    seed: int
    width: int
    height: int
    steps: int = 0  # 0 = the engine's default
    # Mood as (emotion, share) pairs.
    palette: tuple[tuple[Emotion, float], ...] = ()
    # Words that seed the motifs (e.g. hashtags).
    motifs: tuple[str, ...] = ()
    # Calm, content-free picture: prompt and motifs are ignored (safety-flagged diaries).
    calm: bool = False

    def batch_key(self) -> tuple[int, int, int]:
        """Requests with the same key can be drawn in one batch."""
        return (self.width, self.height, self.steps)


class ImageEngine(Protocol):
    #: Short name for logs, metrics and responses ("cpu-art", "diffusers").
    name: str

    def load(self) -> None:
        """Load weights / warm up; called once per worker process before any batch."""
        ...

    def generate(self, batch: Sequence[ImageRequest]) -> list[bytes]:
        """One PNG per request, in order. The same request (seed included) gives the same image."""
        ...
