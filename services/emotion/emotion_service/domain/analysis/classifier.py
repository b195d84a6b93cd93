"""The one interface every emotion classifier implements.

A classifier only answers "which emotions, in what proportion". Hashtags, feedback and the
safety check are separate parts composed around it (see analyser.py), so the offline
classifier and the transformers one are interchangeable by configuration.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from emotion_service.domain.analysis.emotions import Distribution


class EmotionClassifier(Protocol):
    #: Short name for logs, metrics and the CLI ("offline", "transformers").
    name: str

    def classify(self, texts: Sequence[str]) -> list[Distribution]:
        """One distribution per text, in order. Batches internally as it sees fit."""
        ...
