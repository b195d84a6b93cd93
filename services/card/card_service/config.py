"""Card-service settings (environment variables with the GRIDAM_ prefix)."""

from __future__ import annotations

from pydantic import Field

from gridam_runtime.limits import Rate, RateSetting
from gridam_runtime.settings import DatabaseSettings


class CardSettings(DatabaseSettings):
    grpc_port: int = 50054
    sqlite_file = "card.db"
    # Size of the generated art (the gpu-worker batches requests of the same size).
    art_width: int = 512
    art_height: int = 512
    # Denoising steps asked of the gpu-worker; 0 = its engine's default (1 for SD-Turbo).
    art_steps: int = 0
    # The whole drawing of one card (queueing + generation) must finish within this.
    generation_timeout_seconds: float = 60.0
    # When the gpu-worker's queue is full: retries within the deadline, waiting its hint.
    busy_retries: int = 3
    # New versions one user may draw per window (each keeps a ~400 KB image); count/seconds.
    limit_card_regenerations: RateSetting = Rate(20, 86400)
    # How long a deleted diary stays marked as deleted (no card made for it again): longer than
    # any card job or regeneration that read the diary before its deletion can still be running
    # (the diary workers' job lease plus their call timeout); then the marker goes, so no id of
    # a deleted diary stays for good (docs/account-deletion.md).
    deleted_diary_marker_seconds: int = Field(86400, ge=10)
