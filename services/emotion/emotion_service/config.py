"""Emotion-service settings (environment variables with the GRIDAM_ prefix)."""

from __future__ import annotations

import pathlib
from typing import Literal

from pydantic import Field

from gridam_runtime.limits import Rate, RateSetting
from gridam_runtime.settings import DatabaseSettings


class EmotionSettings(DatabaseSettings):
    grpc_port: int = 50053
    sqlite_file = "emotion.db"
    # Day boundaries of statistics and streaks.
    time_zone: str = "Asia/Seoul"
    # "offline" needs no download and no torch; "transformers" needs the `ml` extra and a model.
    classifier: Literal["offline", "transformers"] = "offline"
    # transformers: a local model folder (or hub id with GRIDAM_TRANSFORMERS_LOCAL_ONLY=false) and
    # a JSON file mapping the model's labels to the nine emotions.
    transformers_model: str = ""
    transformers_label_map_file: pathlib.Path | None = None
    transformers_local_only: bool = True
    transformers_device: str = "cpu"
    transformers_batch_size: int = 32
    # Texts longer than this are cut before analysis (a diary is at most 5,000 characters).
    max_text_chars: int = 10_000
    word_cloud_words: int = 30
    word_cloud_interval_hours: int = 24
    # Drawings one user may ask for per window (nine images each; nextGeneration is only a
    # hint); count/seconds.
    limit_word_cloud_generations: RateSetting = Rate(10, 86400)
    # How long a deleted diary stays marked as deleted (no analysis stored for it again): longer
    # than any analyse job that read the diary before its deletion can still be running (the
    # diary workers' job lease plus their call timeout); then the marker goes, so no id of a
    # deleted diary stays for good (docs/account-deletion.md).
    deleted_diary_marker_seconds: int = Field(86400, ge=10)
