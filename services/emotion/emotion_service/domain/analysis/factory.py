"""build_classifier(name, **options): the classifiers by configuration name.

Each entry of CLASSIFIERS is a builder that imports its module only when called, so heavy
dependencies (torch for "transformers") are never imported unless that classifier is chosen.
Add a classifier by adding an entry (or `register(name, builder)` at start-up).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from emotion_service.domain.analysis.classifier import EmotionClassifier

__all__ = ["CLASSIFIERS", "build_classifier", "register"]


def _offline(**options: Any) -> EmotionClassifier:
    from emotion_service.domain.analysis.offline import OfflineClassifier

    return OfflineClassifier(**options)


def _transformers(**options: Any) -> EmotionClassifier:
    # The module imports torch/transformers lazily, when the classifier is built.
    from emotion_service.domain.analysis.transformers_classifier import TransformersClassifier

    return TransformersClassifier(**options)


CLASSIFIERS: dict[str, Callable[..., EmotionClassifier]] = {
    "offline": _offline,
    "transformers": _transformers,
}


def register(name: str, builder: Callable[..., EmotionClassifier]) -> None:
    CLASSIFIERS[name] = builder


def build_classifier(name: str, **options: Any) -> EmotionClassifier:
    try:
        builder = CLASSIFIERS[name]
    except KeyError:
        raise ValueError(f"unknown classifier {name!r}; known: {', '.join(sorted(CLASSIFIERS))}") from None
    return builder(**options)
